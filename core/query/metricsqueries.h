#pragma once

#include "event/pullrequesthorizon.h"
#include "query/feedquality.h"
#include "query/metrictypes.h"
#include "store/connection.h"
#include "store/postgresrepoblocks.h"

#include <QDateTime>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <vector>

// The one metrics query layer: the REST API and the dashboard use these and only these.
// On SQLite, windows are summed from gold's count blocks (see CountRollups); on
// PostgreSQL, whole minutes come from gold and the partial minutes at the edges from silver;
// on ClickHouse, every answer is aggregated from silver (ClickHouseQueries).
// One instance per thread: it owns that thread's connection. The SQL is common to both
// backends but for the two queries that are kept apart below. A read the store cannot
// answer throws StoreUnavailable: no answer is ever a silent zero.
class ClickHouseQueries;

class MetricsQueries
{
public:
    // `pullRequestHorizonDays`: how far back a watched repository's history counts.
    explicit MetricsQueries(const StoreLocation &location,
                            int pullRequestHorizonDays = PullRequestHorizon::defaultDays);
    ~MetricsQueries();
    MetricsQueries(const MetricsQueries &) = delete;
    MetricsQueries &operator=(const MetricsQueries &) = delete;

    // Opens the connection now; reads also open it when it was never open or was lost.
    bool open(QString *error);

    // Events by type with at - minutes*60 <= created_at <= at, count descending.
    QList<KeyCount> eventCounts(qint64 minutes, const QDateTime &at = currentTime());
    // The methods that take a Scope count everything (gold) by default.
    QList<KeyCount> typeCounts(const TimeWindow &window, const Scope &scope = {});
    // Every pull request of a repository opened up to `at`.
    PullRequestStats averagePullRequestInterval(const QString &repository,
                                                const QDateTime &at = currentTime());
    // A repository's stars given on each day the window touches (whole days: the history
    // counts by day), with the history's total.
    StarHistory starHistory(const QString &repository, const TimeWindow &window);
    // A repository's releases inside the window.
    ReleaseStats releases(const QString &repository, const TimeWindow &window);
    // A watched repository's pull requests from its history, (number, time) in time order:
    // opened in the window, merged in the window, or opened in the window and still open.
    enum class PullRequestMoment { Opened, Merged, StillOpen };
    QList<std::pair<qint64, qint64>>
    pullRequestsAt(const QString &repository, PullRequestMoment moment, const TimeWindow &window);
    // The pull requests of a repository opened inside the window.
    PullRequestStats pullRequestsIn(const QString &repository, const TimeWindow &window);
    // Repositories by event count in the same window: count descending, then name.
    QList<KeyCount> activeRepositories(int limit, qint64 minutes,
                                       const QDateTime &at = currentTime());
    QList<KeyCount> activeRepositories(int limit, const TimeWindow &window,
                                       const Scope &scope = {});
    // Per-minute counts by type of every minute the window touches. A minute the window
    // cuts holds only its events inside the window.
    QList<MinuteCount> eventsPerMinute(qint64 minutes, const QDateTime &at = currentTime());
    QList<MinuteCount> eventsPerMinute(const TimeWindow &window, const Scope &scope = {});
    // Every hour that [from, to] touches, oldest first.
    QList<HourCoverage> coverage(const TimeWindow &window);
    // Whether every hour the window touches is complete.
    bool isComplete(const TimeWindow &window);
    // The live feeds' share of GitHub lately: the mean share of the latest complete hours
    // (up to 24) during which the feeds ran, or nothing when there is none.
    std::optional<double> recentLiveShare();
    // The scope's feeds: when each was first read, and its polls inside the window that
    // missed events.
    WatchedFeeds watchedFeeds(const Scope &scope, const TimeWindow &window);
    // Each source's measurements in every hour [from, to] touches (feedquality.cpp).
    QList<SourceHour> sourceHours(const TimeWindow &window);
    // The live sources' p99 arrival lag over their latest day of measurements.
    std::optional<qint64> settleSeconds();
    // The quality block of a window, as of `now`.
    WindowQuality quality(const TimeWindow &window, const QDateTime &now = currentTime());
    // The quality block of a window in a scope: a watched scope's is its feeds'.
    WindowQuality quality(const TimeWindow &window, const Scope &scope);
    // The newest events inside the window, newest first.
    QList<EventRow> latestEvents(int limit, const TimeWindow &window, const Scope &scope = {});
    QStringList repositoryNames(const QString &prefix, int limit);
    qint64 eventsStored();
    QList<std::pair<QString, qint64>> eventTotalsByType();
    qint64 quarantinedEvents();
    std::optional<qint64> latestEventAt();
    // The first and the last stored event's created_at; nothing for an empty store.
    std::optional<std::pair<qint64, qint64>> storedSpan();

    // Changes whenever another connection commits to silver or gold: answers computed
    // under one version stay exact until it changes.
    qint64 dataVersion();

    static QDateTime currentTime() { return QDateTime::currentDateTimeUtc(); }

private:
    QSqlQuery &prepared(const QString &sql);
    QSqlQuery statement(const QString &sql);
    void exec(QSqlQuery &query);
    std::pair<qint64, qint64> storedHours(const TimeWindow &window);
    QSqlQuery scoped(const QString &select, const TimeWindow &window, const Scope &scope,
                     const QString &rest, const QVariantList &restValues = {});
    static QList<KeyCount> rankedCounts(QSqlQuery &query);
    PullRequestStats pullRequestStats(const QString &repository, const TimeWindow &window);
    ReleaseStats releasesIn(const QString &repository, const TimeWindow &window);
    WatchedFeeds feedsRead(const QStringList &feeds, const TimeWindow &window);
    StarHistory storedStarHistory(const QString &repository);
    QList<StoredPullRequest> storedPullRequests(const QString &key, QString *name);
    SourceRows sourceRows(qint64 firstHour, qint64 lastHour);
    QList<qint64> liveLagHistogram();
    QList<KeyCount> typeCountsIn(const TimeWindow &window);
    // The dialect-specific parts, one version per backend.
    QList<KeyCount> activeRepositoriesSqlite(int limit, const TimeWindow &window);
    QList<KeyCount> activeRepositoriesPostgres(int limit, const TimeWindow &window);
    void sumPostgresBlocks(PostgresRepoBlocks::Dimension dimension, const TimeWindow &window);
    QList<QByteArray> postgresBlocks(PostgresRepoBlocks::Dimension dimension,
                                     const QList<qint64> &tiling);
    QList<KeyCount> namedRanking(const std::vector<quint32> &ids, int limit);
    bool hasTable(const QString &schema, const QString &name);
    bool pullRequestHistory(const QString &key, const TimeWindow &window, PullRequestStats *stats);

    Connection m_connection;
    int m_pullRequestHorizonDays;
    std::map<QString, QSqlQuery> m_prepared; // node-based: references stay valid
    // SQLite's count blocks and the sums read from them, out of this header: no reader of
    // metric values sees SQLite.
    struct Rollups;
    std::unique_ptr<Rollups> m_rollups;
    // Every answer on ClickHouse, from its rollups and silver (clickhousequeries.h).
    std::unique_ptr<ClickHouseQueries> m_clickHouse;
};
