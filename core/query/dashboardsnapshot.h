#pragma once

#include "query/feedquality.h"
#include "query/metrictypes.h"

#include <QSet>

class MetricsQueries;

// What every view of the dashboard draws: the window's panels, the PNG routes, the
// exports. Everything is shaped here, chart-ready, so that no two views group or bucket
// the numbers their own way; the views only draw.
struct DashboardRequest
{
    qint64 minutes = 60;
    bool wholeStore = false; // the window spans the stored events, first to last
    bool followNow = true; // else the window ends at the latest stored event
    QDateTime at; // overrides both when valid
    QString repository; // for the pull-request panel; empty: the most active one
    Scope scope; // all of GitHub, or watched feeds; bots in or out
    int topRepositories = 10;
    int latestEvents = 500;
};

// Events over time in round buckets cut at the window's edges: one line per major type, the
// rest as "Other". Every event of the window is in exactly one bucket, so the buckets sum
// to the window's counts.
struct RateSeries
{
    static constexpr int majorTypes = 4;
    static constexpr int maxBuckets = 300;

    struct Line
    {
        QString name; // an event type, or "Other"
        QString colour; // #rrggbb, the type's own (TypeColours)
        QList<qint64> counts; // events per bucket, aligned with bucketStarts
    };

    qint64 bucketSeconds = 60; // a minute, or a longer round span for long windows
    // The rate's unit, as the bucket allows: events per minute (60), hour (3600) or day.
    qint64 unitSeconds = 60;
    // Epoch seconds, ascending: the window's start, then every round boundary inside it.
    QList<qint64> bucketStarts;
    // Exclusive: the next bucket's start, and for the last one the window's end + 1.
    QList<qint64> bucketEnds;
    // No source measured the bucket's hours and it holds no event: a gap, not a zero.
    QList<bool> gaps;
    // The window ends now: its last bucket is still arriving, so its rate can still rise.
    bool lastBucketFilling = false;
    QList<Line> lines;

    // Events per unit over the seconds of the bucket inside the window: the true mean rate
    // of its events, whatever part of a round bucket the window covers. Nothing for a gap.
    std::optional<double> rate(const Line &line, qsizetype bucket) const;
    qint64 secondsIn(qsizetype bucket) const { return bucketEnds[bucket] - bucketStarts[bucket]; }

    // The bucket width for a window: the shortest round span that keeps it within
    // maxBuckets buckets.
    static qint64 bucketSecondsFor(qint64 windowSeconds);
};

// Each event type's colour, the same in every view and on every refresh: the common types
// have their own, others one picked by name; "Other" is grey.
namespace TypeColours {
QString of(const QString &type);
}

struct DashboardSnapshot
{
    static constexpr int maxTypeBars = 10; // the rarest types beyond share an "Other" bar

    qint64 minutes = 0;
    TimeWindow window;
    Scope scope;
    QList<KeyCount> eventsByType; // every type, count descending
    QList<KeyCount> typeBars; // at most maxTypeBars, the last one "Other" when grouped
    QList<KeyCount> activeRepositories; // top first
    RateSeries rate;
    PullRequestStats pullRequests;
    StarHistory stars; // of the pull-request panel's repository, when it is watched
    ReleaseStats releases; // of the pull-request panel's repository
    QList<EventRow> latestEvents; // the window's newest
    qint64 eventsStored = 0;
    std::optional<qint64> latestStoredAt; // the newest stored event's created_at
    // Which hours of the window are complete (GH Archive) and which sampled (live feed),
    // and the live feed's measured share of GitHub lately.
    QList<HourCoverage> coverage;
    std::optional<double> recentLiveShare;
    // How far the window's numbers can be trusted: complete, settling, sampled or degraded.
    WindowQuality quality;
    // Each source's measurements over the window's hours, one entry per source.
    QList<SourceHour> sources;
    bool complete() const;
    qint64 eventsTotal() const; // every event of the window
    // Whether a type bar's count is a lower bound: a degraded type, or "Other" holding one.
    bool isLowerBound(const QString &bar) const;

    // Throws StoreUnavailable when the store cannot answer.
    static DashboardSnapshot load(MetricsQueries &queries, const DashboardRequest &request);
    // The panels every view shows, by the names the /dashboard routes use.
    static QStringList panelNames();
    // The name of the bar and the line that gather the smaller types.
    static QString otherName();
};

namespace DashboardShaping {

// The counts as bars: the first maxBars - 1 and one "Other" for the rest, unless they
// fit as they are.
QList<KeyCount> topWithOther(const QList<KeyCount> &counts, int maxBars, const QString &other);
// `measuredHours`: the hours (epoch seconds of their start) some source measured; the
// buckets outside them with no event are gaps. `filling`: the window ends now.
RateSeries rateSeries(const QList<MinuteCount> &minutes, const TimeWindow &window,
                      const QSet<qint64> &measuredHours, bool filling);

} // namespace DashboardShaping
