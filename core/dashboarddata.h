#pragma once

#include "metricsqueries.h"

#include <QJsonObject>

// What the dashboard shows and exports: every panel's numbers for one time window,
// computed through MetricsQueries only.
struct DashboardRequest
{
    qint64 minutes = 60;
    bool followNow = true; // else the window ends at the latest stored event
    QDateTime at; // overrides both when valid
    QString repository; // for the pull-request panel; empty: the most active one
    int topRepositories = 10;
    int latestEvents = 500;
};

struct DashboardData
{
    qint64 minutes = 0;
    TimeWindow window;
    QList<KeyCount> eventsByType;
    QList<KeyCount> activeRepositories;
    QList<MinuteCount> eventsPerMinute;
    PullRequestStats pullRequests;
    QList<EventRow> latestEvents;
    qint64 eventsStored = 0;

    static DashboardData load(MetricsQueries &queries, const DashboardRequest &request);
};

// The metric exports of `--export` and File > Export Metrics.
namespace MetricsExport {

QByteArray csv(const DashboardData &data);
QJsonObject json(const DashboardData &data);

} // namespace MetricsExport
