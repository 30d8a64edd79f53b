#pragma once

#include "connection.h"
#include "countrollups.h"
#include "feedquality.h"

#include <QDateTime>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <map>
#include <optional>

// [from, to], inclusive, in UTC epoch seconds.
struct TimeWindow
{
    qint64 from = 0;
    qint64 to = 0;

    static TimeWindow endingAt(const QDateTime &at, qint64 minutes);
};

struct KeyCount
{
    QString key;
    qint64 count = 0;
    bool operator==(const KeyCount &) const = default;

    // The order of every ranking: count descending, then key ascending.
    static bool ranksBefore(const KeyCount &a, const KeyCount &b)
    {
        return a.count != b.count ? a.count > b.count : a.key < b.key;
    }
};

struct PullRequestStats
{
    bool repositoryKnown = false; // any stored event or pull-request history
    QString repository; // as GitHub spells it
    // "history": the backfilled pull requests of a watched repository (complete);
    // "events": PullRequestEvents "opened" seen in the event feeds (a sample).
    QString source = QStringLiteral("events");
    qint64 count = 0; // opened pull requests
    std::optional<double> averageSeconds; // (last - first) / (count - 1), count >= 2
    std::optional<double> medianSeconds; // median gap between consecutive openings
    std::optional<qint64> firstOpenedAt;
    std::optional<qint64> lastOpenedAt;
    // From history only: the pull requests counted are those created since `horizonFrom`
    // (the collector's horizon, GHM_PR_HORIZON_DAYS, before now).
    std::optional<qint64> horizonFrom;
    int horizonDays = 0;
    QList<qint64> openedAt; // ascending
    QList<qint64> numbers; // aligned with openedAt, from history only (empty otherwise)
    // From history only: time from opening to merge, and pull requests still open.
    qint64 merged = 0;
    std::optional<double> mergeMedianSeconds;
    std::optional<double> mergeP90Seconds;
    qint64 open = 0;
};

struct MinuteCount
{
    qint64 minute = 0; // epoch seconds / 60
    QString type;
    qint64 count = 0;
};

// One clock hour: complete once a GH Archive file filed by created_at and passing the
// health checks is ingested for it, else sampled (the live feeds, or an archive file that
// cannot vouch for the hour).
struct HourCoverage
{
    qint64 hour = 0; // epoch seconds of its start
    bool complete = false;
    bool archived = false; // its GH Archive file is ingested
    QString incompleteReason; // archived but not complete: why
    qint64 events = 0; // stored for the hour
    // Complete hours: the events the live feeds had captured before the archive came, over
    // the events of the hour.
    std::optional<double> liveShare;
};

struct EventRow
{
    qint64 id = 0;
    qint64 createdAt = 0;
    QString type;
    QString action;
    QString repository;
    QString actor;
    qint64 pullRequest = -1; // payload.number, -1 when absent
};

// The one metrics query layer: the REST API and the dashboard use these and only these.
// On SQLite, windows are summed from gold's count blocks (see CountRollups); on
// PostgreSQL, whole minutes come from gold and the partial minutes at the edges from silver.
// One instance per thread: it owns that thread's connection. The SQL is common to both
// backends but for the two queries that are kept apart below. A read the store cannot
// answer throws StoreUnavailable: no answer is ever a silent zero.
class MetricsQueries
{
public:
    // `pullRequestHorizonDays`: how far back a watched repository's history counts.
    explicit MetricsQueries(const StoreLocation &location, int pullRequestHorizonDays = 90);
    ~MetricsQueries();
    MetricsQueries(const MetricsQueries &) = delete;
    MetricsQueries &operator=(const MetricsQueries &) = delete;

    // Opens the connection now; reads also open it when it was never open or was lost.
    bool open(QString *error);

    // Events by type with at - minutes*60 <= created_at <= at, count descending.
    QList<KeyCount> eventCounts(qint64 minutes, const QDateTime &at = currentTime());
    QList<KeyCount> typeCounts(const TimeWindow &window);
    // Every pull request of a repository opened up to `at`.
    PullRequestStats averagePullRequestInterval(const QString &repository,
                                                const QDateTime &at = currentTime());
    // The pull requests of a repository opened inside the window.
    PullRequestStats pullRequestsIn(const QString &repository, const TimeWindow &window);
    // Repositories by event count in the same window: count descending, then name.
    QList<KeyCount> activeRepositories(int limit, qint64 minutes,
                                       const QDateTime &at = currentTime());
    QList<KeyCount> activeRepositories(int limit, const TimeWindow &window);
    // Per-minute counts by type of every minute the window touches. A minute the window
    // cuts holds only its events inside the window.
    QList<MinuteCount> eventsPerMinute(qint64 minutes, const QDateTime &at = currentTime());
    QList<MinuteCount> eventsPerMinute(const TimeWindow &window);
    // Every hour that [from, to] touches, oldest first.
    QList<HourCoverage> coverage(const TimeWindow &window);
    // Whether every hour the window touches is complete.
    bool isComplete(const TimeWindow &window);
    // The live feeds' share of GitHub lately: the mean share of the latest complete hours
    // (up to 24) during which the feeds ran, or nothing when there is none.
    std::optional<double> recentLiveShare();
    // Each source's measurements in every hour [from, to] touches (feedquality.cpp).
    QList<SourceHour> sourceHours(const TimeWindow &window);
    // The live sources' p99 arrival lag over their latest day of measurements.
    std::optional<qint64> settleSeconds();
    // The quality block of a window, as of `now`.
    WindowQuality quality(const TimeWindow &window, const QDateTime &now = currentTime());
    // The newest events inside the window, newest first.
    QList<EventRow> latestEvents(int limit, const TimeWindow &window);
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
    PullRequestStats pullRequestStats(const QString &repository, const TimeWindow &window);
    QList<KeyCount> typeCountsIn(const TimeWindow &window);
    QList<KeyCount> typeCountsSqlite(const TimeWindow &window);
    // The dialect-specific parts, one version per backend.
    QList<KeyCount> activeRepositoriesSqlite(int limit, const TimeWindow &window);
    QList<KeyCount> activeRepositoriesPostgres(int limit, const TimeWindow &window);
    bool pullRequestHistory(const QString &key, const TimeWindow &window, PullRequestStats *stats);

    Connection m_connection;
    int m_pullRequestHorizonDays;
    std::map<QString, QSqlQuery> m_prepared; // node-based: references stay valid
    CountRollups m_repoRollups {"repo"};
    CountRollups m_typeRollups {"type"};
    KeyCounts m_counts;
};
