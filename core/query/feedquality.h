#pragma once

#include "query/metrictypes.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

struct HourCoverage;

// One source's measurements in one hour (gold.source_hours, _types and _lag): what it
// carried, what was new to silver, how late it arrived and what it cost.
struct SourceHour
{
    qint64 hour = 0; // epoch seconds of its start
    QString source; // see SourceOrigin
    qint64 requests = 0;
    qint64 events = 0; // carried, duplicates included
    qint64 newEvents = 0; // first stored from this source
    qint64 inHour = 0; // created inside the hour
    QHash<QString, qint64> types; // new events by type (for archive files: all events)
    QList<qint64> lagHistogram; // FeedHealth::lagBucketCount buckets
    QStringList degradedTypes; // far below the reference mix (FeedHealth::degradedTypes)

    // New distinct events per request; nothing for a source without requests.
    std::optional<double> yield() const;
    // The global feed's pages, GH Archive files and imports sample every public event, and
    // are measured against the reference mix; a watched feed's mix is its repositories'.
    bool samplesAllOfGitHub() const;
    // The hours of each source added up, one entry per source, its degraded types measured
    // on the sum.
    static QList<SourceHour> bySource(const QList<SourceHour> &hours);
    // The share of carried events already stored: 0 when requests share no event.
    double overlap() const;
};

// A poll of a watched feed that shared no event with the poll before: the feed's events
// between the two were missed.
// The sources' measurements as a store keeps them, before they are put together.
struct SourceRows
{
    struct Type
    {
        qint64 hour;
        QString source;
        QString type;
        qint64 events; // an archive file's every event, a feed's new ones
    };
    struct Lag
    {
        qint64 hour;
        QString source;
        int bucket;
        qint64 events;
    };
    QList<SourceHour> hours; // without their types and lag
    QList<Type> types;
    QList<Lag> lag;

    // Each hour with its mix, its lag histogram and its degraded types.
    QList<SourceHour> assembled() const;
};

struct FeedGap
{
    QString feed; // "owner/name", lower case
    qint64 at = 0; // when the poll ran
};

// What the store knows of a watched scope's feeds.
struct WatchedFeeds
{
    QHash<QString, qint64> firstReadAt; // by feed (lower case): its first page's fetch time
    QStringList neverRead; // the scope's feeds with no page stored
    QList<FeedGap> gaps; // inside the window, by time
};

// How far a window's numbers can be trusted: the quality block of every metric answer.
struct WindowQuality
{
    // Worst first: some type is a lower bound; late events may still arrive; a sample of
    // GitHub; every event of every hour.
    enum class Status { Degraded, Settling, Sampled, Complete };

    Status status = Status::Sampled;
    int hours = 0; // clock hours the window touches
    int completeHours = 0;
    int settlingHours = 0;
    QList<qint64> settlingHourStarts; // epoch seconds, ascending
    QStringList degradedTypes; // their counts are lower bounds
    // p99 of the live sources' measured arrival lag: an hour settles this long after its
    // end. Nothing when no live source was measured.
    std::optional<qint64> settleSeconds;
    std::optional<qint64> settledAt; // when the window's last settling hour settles
    // PushEvent's share of the window's sampled events: a ranking by all events ranks
    // mostly pushes when it is high.
    std::optional<double> pushShare;
    // A watched scope's: its feeds' missed events inside the window, and the feeds read only
    // since after the window began ("owner/name since <time>") or never.
    bool watched = false;
    QList<FeedGap> feedGaps;
    QStringList feedsReadLate;

    // The block from what the queries read: every hour of the window, each source's hours,
    // the live sources' settle time, as of `now` (epoch seconds).
    static WindowQuality of(const QList<HourCoverage> &hours, const QList<SourceHour> &measured,
                            std::optional<qint64> settleSeconds, qint64 now);
    // The block of a watched scope: an hour is complete once every feed was read and no poll
    // missed events in it; `hours` (the window's) are marked so. Every count is a lower
    // bound when one is not.
    static WindowQuality ofWatched(const WatchedFeeds &feeds, QList<HourCoverage> &hours,
                                   const TimeWindow &window);
    // Why a watched scope's hour is incomplete when some feed was not read yet.
    static QString notWatchedYet();
    static QString statusName(Status status);
    QString statusName() const { return statusName(status); }
    // A count of `type` is a lower bound.
    bool isLowerBound(const QString &type) const
    {
        return degradedTypes.contains(type) || feedsIncomplete();
    }
    // Some count of the window is a lower bound.
    bool hasLowerBounds() const { return !degradedTypes.isEmpty() || feedsIncomplete(); }
    // A watched scope's feeds missed events or were not read all along: every count is a
    // lower bound.
    bool feedsIncomplete() const { return !feedGaps.isEmpty() || !feedsReadLate.isEmpty(); }
    // The words every view uses: "complete", "settling until 14:05 UTC", "sampled",
    // "sampled, degraded: WatchEvent, IssuesEvent (lower bounds)".
    QString label() const;

private:
    QString watchedLabel() const;
};
