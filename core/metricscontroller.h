#pragma once

#include <QJsonObject>

class MetricsQueries;
class QDateTime;
class QUrlQuery;
struct PullRequestStats;
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
    // -> {repository, source, window{from, to}, pull_requests, open, average_seconds,
    //     median_seconds, time_to_merge{merged, median_seconds, p90_seconds}}
    QJsonObject pullRequests(const QString &owner, const QString &name);
    // -> {status, version, events_stored, last_event_at, poller{...}}
    QJsonObject health(const PollerSnapshot &poller);

private:
    PullRequestStats knownRepository(const QString &owner, const QString &name);

    MetricsQueries *m_queries;
};

class Watchlist;

// GET, PUT and DELETE on the watch list.
class WatchlistController
{
public:
    explicit WatchlistController(Watchlist *watchlist)
        : m_watchlist(watchlist)
    {
    }
    QJsonObject list(); // {repositories[{repository, status}]}
    QJsonObject add(const QString &owner, const QString &name); // {repository, watched: true}
    QJsonObject remove(const QString &owner, const QString &name); // 404 when not watched

private:
    Watchlist *m_watchlist;
};
