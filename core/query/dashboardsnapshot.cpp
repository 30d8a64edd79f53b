#include "dashboardsnapshot.h"

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace {

// The major types of a window: the biggest by total, ties by name.
QStringList majorTypes(const QList<MinuteCount> &minutes)
{
    std::map<QString, qint64> totals;
    for (const MinuteCount &count : minutes)
        totals[count.type] += count.count;
    QList<KeyCount> ranked;
    for (const auto &[type, total] : totals)
        ranked.append({type, total});
    std::sort(ranked.begin(), ranked.end(), KeyCount::ranksBefore);
    QStringList names;
    for (const KeyCount &count : ranked.mid(0, RateSeries::majorTypes))
        names << count.key;
    if (ranked.size() > RateSeries::majorTypes)
        names << DashboardSnapshot::otherName();
    return names;
}

qint64 floorTo(qint64 seconds, qint64 step)
{
    return seconds >= 0 ? seconds / step * step : -((-seconds + step - 1) / step) * step;
}

} // namespace

qint64 RateSeries::bucketSecondsFor(qint64 windowSeconds)
{
    static constexpr qint64 ladder[] = {60,    5 * 60,    15 * 60,    3600,       6 * 3600,
                                        86400, 7 * 86400, 30 * 86400, 91 * 86400, 365 * 86400};
    for (const qint64 step : ladder) {
        if (windowSeconds / step < maxBuckets)
            return step;
    }
    return ladder[std::size(ladder) - 1];
}

double RateSeries::rate(const Line &line, qsizetype bucket) const
{
    const bool partial = lastBucketPartial && bucket == bucketStarts.size() - 1;
    const qint64 seconds = partial ? std::max<qint64>(lastBucketSecondsCovered, 1) : bucketSeconds;
    return double(line.counts[bucket]) * double(unitSeconds) / double(seconds);
}

QList<KeyCount> DashboardShaping::topWithOther(const QList<KeyCount> &counts, int maxBars,
                                               const QString &other)
{
    if (counts.size() <= maxBars)
        return counts;
    QList<KeyCount> bars = counts.mid(0, maxBars - 1);
    KeyCount rest {other, 0};
    for (qsizetype i = maxBars - 1; i < counts.size(); ++i)
        rest.count += counts[i].count;
    bars.append(rest);
    return bars;
}

RateSeries DashboardShaping::rateSeries(const QList<MinuteCount> &minutes, const TimeWindow &window)
{
    RateSeries series;
    series.bucketSeconds = RateSeries::bucketSecondsFor(window.to - window.from);
    series.unitSeconds = series.bucketSeconds < 3600 ? 60
        : series.bucketSeconds < 86400               ? 3600
                                                     : 86400;
    const qint64 first = floorTo(window.from, series.bucketSeconds);
    const qint64 last = floorTo(window.to, series.bucketSeconds);
    for (qint64 start = first; start <= last; start += series.bucketSeconds)
        series.bucketStarts << start;
    series.lastBucketSecondsCovered = window.to - last + 1;
    series.lastBucketPartial = series.lastBucketSecondsCovered < series.bucketSeconds;

    const QStringList names = majorTypes(minutes);
    for (const QString &name : names)
        series.lines.append({name, QList<qint64>(series.bucketStarts.size(), 0)});
    for (const MinuteCount &count : minutes) {
        qsizetype line = names.indexOf(count.type);
        if (line < 0)
            line = names.size() - 1;
        const qsizetype bucket
            = (floorTo(count.minute * 60, series.bucketSeconds) - first) / series.bucketSeconds;
        if (bucket >= 0 && bucket < series.bucketStarts.size())
            series.lines[line].counts[bucket] += count.count;
    }
    return series;
}

DashboardSnapshot DashboardSnapshot::load(MetricsQueries &queries, const DashboardRequest &request)
{
    QDateTime at = request.at;
    if (!at.isValid()) {
        const std::optional<qint64> latest = queries.latestEventAt();
        at = request.followNow || !latest ? MetricsQueries::currentTime()
                                          : QDateTime::fromSecsSinceEpoch(*latest, Qt::UTC);
    }
    DashboardSnapshot snapshot;
    snapshot.minutes = request.minutes;
    snapshot.window = TimeWindow::endingAt(at, request.minutes);
    snapshot.eventsByType = queries.eventCounts(request.minutes, at);
    snapshot.typeBars
        = DashboardShaping::topWithOther(snapshot.eventsByType, maxTypeBars, otherName());
    snapshot.activeRepositories
        = queries.activeRepositories(request.topRepositories, request.minutes, at);
    snapshot.rate = DashboardShaping::rateSeries(queries.eventsPerMinute(request.minutes, at),
                                                 snapshot.window);
    const QString repository = !request.repository.isEmpty() ? request.repository
        : snapshot.activeRepositories.isEmpty()              ? QString()
                                                : snapshot.activeRepositories.first().key;
    if (!repository.isEmpty())
        snapshot.pullRequests = queries.averagePullRequestInterval(repository);
    snapshot.latestEvents = queries.latestEvents(request.latestEvents);
    snapshot.eventsStored = queries.eventsStored();
    snapshot.coverage = queries.coverage(snapshot.window);
    snapshot.recentLiveShare = queries.recentLiveShare();
    // Read once, for both the quality block and the Source Health view.
    const QList<SourceHour> measured = queries.sourceHours(snapshot.window);
    snapshot.quality = WindowQuality::of(snapshot.coverage, measured, queries.settleSeconds(),
                                         MetricsQueries::currentTime().toSecsSinceEpoch());
    snapshot.sources = SourceHour::bySource(measured);
    return snapshot;
}

bool DashboardSnapshot::complete() const
{
    return std::all_of(coverage.cbegin(), coverage.cend(),
                       [](const HourCoverage &hour) { return hour.complete; });
}

bool DashboardSnapshot::isLowerBound(const QString &bar) const
{
    if (bar != otherName() || typeBars.size() == eventsByType.size())
        return quality.isLowerBound(bar);
    return std::any_of(eventsByType.cbegin() + typeBars.size() - 1, eventsByType.cend(),
                       [this](const KeyCount &type) { return quality.isLowerBound(type.key); });
}

QStringList DashboardSnapshot::panelNames()
{
    return {u"types"_s, u"rate"_s, u"repositories"_s, u"pull_requests"_s};
}

QString DashboardSnapshot::otherName()
{
    return u"Other"_s;
}
