#pragma once

#include <QJsonObject>

class MetricsQueries;
class QDateTime;
class QUrlQuery;
struct PullRequestStats;

// The metric endpoints: one method each, answering from MetricsQueries only. Bad input
// throws ApiError; a store that cannot answer throws StoreUnavailable.
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
    // -> {repository, source, window{from, to}, pull_requests, open, average_seconds,
    //     median_seconds, time_to_merge{merged, median_seconds, p90_seconds}}
    QJsonObject pullRequests(const QString &owner, const QString &name);

private:
    PullRequestStats knownRepository(const QString &owner, const QString &name);

    MetricsQueries *m_queries;
};
