#pragma once

#include "query/feedquality.h"
#include "query/metrictypes.h"
#include "store/clickhouseclient.h"

#include <QStringList>

#include <optional>

// MetricsQueries' answers on ClickHouse. All of GitHub is counted from gold's rollups (each
// shard's repositories by hour, types by minute) and silver's seconds at a window's edges; a
// narrower scope is counted from silver (README, "Choosing a back end"). The reads are exact
// at once: the rollups are summed as they are read, so nothing waits for a merge. The sources'
// measurements count only the batches whose progress row was written, each once. A watched
// repository's pull-request history is as its last refresh left it: the feeds' changes since are
// not applied to it. A read that fails throws StoreUnavailable, as on the other back ends.
class ClickHouseQueries
{
public:
    explicit ClickHouseQueries(const QUrl &databaseUrl);

    bool open(QString *error);

    QList<KeyCount> typeCounts(const TimeWindow &window, const Scope &scope);
    QList<KeyCount> activeRepositories(int limit, const TimeWindow &window, const Scope &scope);
    QList<MinuteCount> eventsPerMinute(const TimeWindow &window, const Scope &scope);
    QList<EventRow> latestEvents(int limit, const TimeWindow &window, const Scope &scope);
    // Every stored day of a watched repository's star history, and GitHub's count.
    StarHistory starHistory(const QString &repository);
    // A watched repository's pull-request history as of its last refresh, by creation
    // time, and the repository's spelling.
    QList<StoredPullRequest> pullRequestHistory(const QString &key, QString *name);
    // MetricsQueries::pullRequestsAt, `moment` its PullRequestMoment.
    QList<std::pair<qint64, qint64>> pullRequestsAt(const QString &repository, int moment,
                                                    const TimeWindow &window);
    // The releases' times, ascending.
    ReleaseStats releases(const QString &repository, const TimeWindow &window);
    // The times of PullRequestEvents "opened" in the window, from the feeds (a sample).
    PullRequestStats pullRequestsOpened(const QString &repository, const TimeWindow &window);
    QList<HourCoverage> coverage(qint64 firstHour, qint64 lastHour);
    SourceRows sourceRows(qint64 firstHour, qint64 lastHour);
    QList<qint64> liveLagHistogram();
    // When each feed was first read, and its polls that missed events in the window.
    WatchedFeeds watchedFeeds(const QStringList &feeds, const TimeWindow &window);
    qint64 completeHours(qint64 firstHour, qint64 lastHour);
    std::optional<double> recentLiveShare();
    QStringList repositoryNames(const QString &prefix, int limit);
    qint64 eventsStored();
    QList<std::pair<QString, qint64>> eventTotalsByType();
    qint64 quarantinedEvents();
    std::optional<std::pair<qint64, qint64>> storedSpan();
    qint64 dataVersion();

private:
    ClickHouseClient::Rows read(const QString &sql);
    ClickHouseClient::Rows readShards(const QString &sql);
    static QString condition(const TimeWindow &window, const Scope &scope);
    static QString edges(const TimeWindow &window, const WindowSplit &split);
    QList<KeyCount> rankedFromSilver(int limit, const QString &where);
    std::optional<QList<KeyCount>> named(const ClickHouseClient::Rows &hashed);

    ClickHouseClient m_client;
};
