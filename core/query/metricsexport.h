#pragma once

#include "dashboardsnapshot.h"

#include <QJsonObject>

// The metric exports of `--export` and File > Export Metrics, written from the snapshot
// the window draws.
namespace MetricsExport {

QByteArray csv(const DashboardSnapshot &snapshot);
QJsonObject json(const DashboardSnapshot &snapshot);

} // namespace MetricsExport
