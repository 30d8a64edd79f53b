#pragma once

#include <QByteArray>
#include <QtGlobal>

// Deterministic, realistic GitHub events: the real type mix (about 70 % PushEvent),
// Zipf-like repository popularity, a few thousand actors. Event `index` always gives the
// same JSON for the same seed.
namespace SyntheticEvents {

qint64 idFor(qint64 index);
QByteArray event(qint64 index, qint64 createdAt, quint32 seed);

} // namespace SyntheticEvents
