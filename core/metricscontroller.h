#pragma once

#include <QJsonObject>

class MetricsQueries;
class QDateTime;
class QUrlQuery;
struct PollerSnapshot;

// The metric endpoints: one method each, answering from MetricsQueries only. Bad input
// throws ApiError.
class MetricsController
{
public:
    explicit MetricsController(MetricsQueries *queries);

    // offset (minutes, default 10), at -> {offset, from, to, total, counts{type: n}}
    QJsonObject eventCount(const QUrlQuery &query, const QDateTime &now);
    // -> {repository, pull_requests, average_seconds, median_seconds, first_opened_at,
    //     last_opened_at}; 404 when the repository has no stored events
    QJsonObject averagePullRequestTime(const QString &owner, const QString &name);
    // limit (default 10), offset (minutes, default 60), at
    //   -> {offset, limit, from, to, repositories[{repository, events}]}
    QJsonObject activeRepositories(const QUrlQuery &query, const QDateTime &now);
    // -> {status, version, events_stored, last_event_at, poller{...}}
    QJsonObject health(const PollerSnapshot &poller);

private:
    MetricsQueries *m_queries;
};
