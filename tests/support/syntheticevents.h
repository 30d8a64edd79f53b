#pragma once

#include <QByteArray>
#include <QtGlobal>

// Deterministic, realistic GitHub events: the real type mix (about 70 % PushEvent),
// Zipf-like repository popularity, a few thousand actors. Event `index` always gives the
// same JSON for the same seed.
namespace SyntheticEvents {

// What event `index` is, before it is written out.
struct Traits
{
    const char *type;
    int repository; // popularity rank
    int actor;
};

qint64 idFor(qint64 index);
Traits traits(qint64 index, quint32 seed);
QByteArray repositoryName(int repository);
// `trimmed`: payloads as GitHub serves them since 2025-10-07 (GitHub changelog 2025-08-08):
// PushEvent without commits, size and distinct_size; PullRequestEvent's pull request cut.
QByteArray event(qint64 index, qint64 createdAt, quint32 seed, bool trimmed = false);

} // namespace SyntheticEvents
