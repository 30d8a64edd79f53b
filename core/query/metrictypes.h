#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The values the metric queries answer with: what the window, the web page, the API and the
// exports read. Plain data, so that no view sees how the store keeps them.

// [from, to], inclusive, in UTC epoch seconds.
struct TimeWindow
{
    qint64 from = 0;
    qint64 to = 0;

    static TimeWindow endingAt(const QDateTime &at, qint64 minutes);
};

// The whole spans of `span` seconds inside a window, [first, last] counted from the epoch,
// and the seconds left over at its edges: [window.from, leftEnd] and [rightStart, window.to],
// each empty when inverted. A window holding no whole span is all left edge.
struct WindowSplit
{
    qint64 first;
    qint64 last;
    qint64 leftEnd;
    qint64 rightStart;

    explicit WindowSplit(const TimeWindow &window, qint64 span = 60);
};

// Which events a metric counts. All of GitHub is what the stored sample holds; a watched
// scope is the events of the watched repositories and organizations, whose own feeds
// keep them complete within what GitHub keeps of each feed.
struct Scope
{
    enum class Bots { Include, Exclude, Only };

    QString name = QStringLiteral("all"); // "all", "watched" or a group's name
    QStringList repositories; // owner/name
    QStringList organizations; // every repository under each
    Bots bots = Bots::Include;

    bool isAll() const { return name == QLatin1StringView("all"); }
    // Nothing narrows it: gold's totals answer as they are.
    bool isEverything() const { return isAll() && bots == Bots::Include; }
    // From watch-list entries: "owner/name" is a repository, "owner" an organization.
    static Scope watched(const QString &name, const QStringList &entries);
    static QString botsName(Bots bots);
    static std::optional<Bots> botsFrom(const QString &name);
    static QStringList botsNames();
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

// One pull request of a watched repository's history, as stored; -1 for a time not reached.
struct StoredPullRequest
{
    qint64 number = 0;
    qint64 createdAt = 0;
    qint64 closedAt = -1;
    qint64 mergedAt = -1;
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
    // From history only: time from opening to the first close, merged or not.
    qint64 closed = 0;
    std::optional<double> closeMedianSeconds;
    std::optional<double> closeP90Seconds;
};

// A watched repository's stars from its star history: those still present, by the UTC
// day they were given (GitHub's /stargazers/history).
struct StarHistory
{
    bool known = false; // a history is stored
    QString repository; // as GitHub spells it
    QList<std::pair<qint64, qint64>> days; // (day's midnight, stars), ascending, in the window
    qint64 gained = 0; // stars given on the days the window touches
    qint64 total = 0; // on every day the history holds
    qint64 count = -1; // GitHub's stargazers_count, -1 until read
    qint64 countAt = -1; // when it was read
};

// A repository's releases (ReleaseEvent) in a window, from the event feeds: complete for a
// watched repository whose feed was read all along (the quality block says so).
struct ReleaseStats
{
    QString repository;
    QList<qint64> publishedAt; // ascending
    std::optional<double> medianGapSeconds; // between consecutive releases, two or more
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
