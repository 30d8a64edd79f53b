#pragma once

#include "metricsqueries.h"

// What every view of the dashboard draws: the window's panels, the PNG routes, the
// exports. Everything is shaped here, chart-ready, so that no two views group or bucket
// the numbers their own way; the views only draw.
struct DashboardRequest
{
    qint64 minutes = 60;
    bool followNow = true; // else the window ends at the latest stored event
    QDateTime at; // overrides both when valid
    QString repository; // for the pull-request panel; empty: the most active one
    int topRepositories = 10;
    int latestEvents = 500;
};

// Events over time in equal buckets: one line per major type, the rest as "Other".
struct RateSeries
{
    static constexpr int majorTypes = 4;
    static constexpr int maxBuckets = 300;

    struct Line
    {
        QString name; // an event type, or "Other"
        QList<qint64> counts; // events per bucket, aligned with bucketStarts
    };

    qint64 bucketSeconds = 60; // a minute, or a longer round span for long windows
    // The rate's unit, as the bucket allows: events per minute (60), hour (3600) or day.
    qint64 unitSeconds = 60;
    QList<qint64> bucketStarts; // epoch seconds, ascending, bucket-aligned, every bucket
    // The newest bucket ends after the window does: it is still filling, not a drop.
    bool lastBucketPartial = false;
    qint64 lastBucketSecondsCovered = 0; // of bucketSeconds, when partial
    QList<Line> lines;

    // Events per unit in a bucket of a line. A partial last bucket is scaled to the
    // seconds it covers, so a steady feed stays level instead of ending in a cliff.
    double rate(const Line &line, qsizetype bucket) const;

    // The bucket width for a window: the shortest round span that keeps it within
    // maxBuckets buckets.
    static qint64 bucketSecondsFor(qint64 windowSeconds);
};

struct DashboardSnapshot
{
    static constexpr int maxTypeBars = 10; // the rarest types beyond share an "Other" bar

    qint64 minutes = 0;
    TimeWindow window;
    QList<KeyCount> eventsByType; // every type, count descending
    QList<KeyCount> typeBars; // at most maxTypeBars, the last one "Other" when grouped
    QList<KeyCount> activeRepositories; // top first
    RateSeries rate;
    PullRequestStats pullRequests;
    QList<EventRow> latestEvents;
    qint64 eventsStored = 0;
    // Which hours of the window are complete (GH Archive) and which sampled (live feed),
    // and the live feed's measured share of GitHub lately.
    QList<HourCoverage> coverage;
    std::optional<double> recentLiveShare;
    // How far the window's numbers can be trusted: complete, settling, sampled or degraded.
    WindowQuality quality;
    // Each source's measurements over the window's hours, one entry per source.
    QList<SourceHour> sources;
    bool complete() const;
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
RateSeries rateSeries(const QList<MinuteCount> &minutes, const TimeWindow &window);

} // namespace DashboardShaping
