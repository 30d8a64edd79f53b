#include "query/dashboardsnapshot.h"

#include "query/metricsqueries.h"

#include <QHash>

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

std::optional<double> RateSeries::rate(const Line &line, qsizetype bucket) const
{
    if (gaps[bucket])
        return std::nullopt;
    return double(line.counts[bucket]) * double(unitSeconds) / double(secondsIn(bucket));
}

// Colours apart from each other and from the page, light or dark.
QString TypeColours::of(const QString &type)
{
    static const QHash<QString, QString> common {
        {u"PushEvent"_s, u"#0969da"_s},
        {u"CreateEvent"_s, u"#1a7f37"_s},
        {u"PullRequestEvent"_s, u"#8250df"_s},
        {u"IssueCommentEvent"_s, u"#bf8700"_s},
        {u"WatchEvent"_s, u"#cf222e"_s},
        {u"DeleteEvent"_s, u"#e85aad"_s},
        {u"IssuesEvent"_s, u"#e16f24"_s},
        {u"PullRequestReviewEvent"_s, u"#1b7c83"_s},
        {u"PullRequestReviewCommentEvent"_s, u"#bf3989"_s},
        {u"ForkEvent"_s, u"#bc4c00"_s},
        {u"ReleaseEvent"_s, u"#2da44e"_s},
        {u"GollumEvent"_s, u"#a475f9"_s},
        {u"MemberEvent"_s, u"#54aeff"_s},
        {u"PublicEvent"_s, u"#fa4549"_s},
        {u"CommitCommentEvent"_s, u"#d4a72c"_s},
    };
    static const QString others[]
        = {u"#116329"_s, u"#953800"_s, u"#0550ae"_s, u"#8a4600"_s, u"#6639ba"_s, u"#a40e26"_s};
    if (type == DashboardSnapshot::otherName())
        return u"#8c959f"_s;
    if (const auto known = common.constFind(type); known != common.cend())
        return *known;
    // A hash that does not change between runs, unlike qHash's seeded one.
    quint32 hash = 2166136261u;
    for (const QChar c : type)
        hash = (hash ^ c.unicode()) * 16777619u;
    return others[hash % std::size(others)];
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

RateSeries DashboardShaping::rateSeries(const QList<MinuteCount> &minutes, const TimeWindow &window,
                                        const QSet<qint64> &measuredHours, bool filling)
{
    RateSeries series;
    series.bucketSeconds = RateSeries::bucketSecondsFor(window.to - window.from);
    series.unitSeconds = series.bucketSeconds < 3600 ? 60
        : series.bucketSeconds < 86400               ? 3600
                                                     : 86400;
    series.lastBucketFilling = filling;
    for (qint64 start = window.from; start <= window.to;) {
        const qint64 end
            = std::min(floorTo(start, series.bucketSeconds) + series.bucketSeconds, window.to + 1);
        series.bucketStarts << start;
        series.bucketEnds << end;
        start = end;
    }

    const QStringList names = majorTypes(minutes);
    for (const QString &name : names)
        series.lines.append(
            {name, TypeColours::of(name), QList<qint64>(series.bucketStarts.size(), 0)});
    QList<qint64> totals(series.bucketStarts.size(), 0);
    for (const MinuteCount &count : minutes) {
        qsizetype line = names.indexOf(count.type);
        if (line < 0)
            line = names.size() - 1;
        // The bucket holding the minute: the last one starting at or before it.
        const qint64 second = std::max(count.minute * 60, window.from);
        const auto after
            = std::upper_bound(series.bucketStarts.cbegin(), series.bucketStarts.cend(), second);
        const qsizetype bucket = after - series.bucketStarts.cbegin() - 1;
        if (bucket >= 0 && second <= window.to) {
            series.lines[line].counts[bucket] += count.count;
            totals[bucket] += count.count;
        }
    }
    for (qsizetype bucket = 0; bucket < series.bucketStarts.size(); ++bucket) {
        bool measured = false;
        for (qint64 hour = floorTo(series.bucketStarts[bucket], 3600);
             hour < series.bucketEnds[bucket] && !measured; hour += 3600)
            measured = measuredHours.contains(hour);
        series.gaps << (!measured && totals[bucket] == 0);
    }
    return series;
}

namespace {

// The window a request names: ending now, at the latest stored event or at a given time,
// or spanning every stored event.
TimeWindow windowOf(MetricsQueries &queries, const DashboardRequest &request,
                    std::optional<qint64> latest, qint64 *minutes)
{
    *minutes = request.minutes;
    if (request.wholeStore) {
        const std::optional<std::pair<qint64, qint64>> stored = queries.storedSpan();
        if (stored) {
            *minutes = (stored->second - stored->first) / 60 + 1;
            return {stored->first, stored->second};
        }
    }
    QDateTime at = request.at;
    if (!at.isValid()) {
        at = request.followNow || !latest ? MetricsQueries::currentTime()
                                          : QDateTime::fromSecsSinceEpoch(*latest, Qt::UTC);
    }
    return TimeWindow::endingAt(at, *minutes);
}

// The hours a watched scope's feeds were read in.
QSet<qint64> watchedHours(const QList<HourCoverage> &coverage)
{
    QSet<qint64> hours;
    for (const HourCoverage &hour : coverage) {
        if (hour.complete || hour.incompleteReason != WindowQuality::notWatchedYet())
            hours.insert(hour.hour);
    }
    return hours;
}

// The hours some source looked at: an archive file, or a live or imported source's records.
QSet<qint64> measuredHours(const QList<HourCoverage> &coverage, const QList<SourceHour> &measured)
{
    QSet<qint64> hours;
    for (const HourCoverage &hour : coverage) {
        if (hour.archived || hour.events > 0)
            hours.insert(hour.hour);
    }
    for (const SourceHour &hour : measured) {
        if (hour.requests > 0 || hour.events > 0)
            hours.insert(hour.hour);
    }
    return hours;
}

} // namespace

DashboardSnapshot DashboardSnapshot::load(MetricsQueries &queries, const DashboardRequest &request)
{
    DashboardSnapshot snapshot;
    snapshot.latestStoredAt = queries.latestEventAt();
    snapshot.window = windowOf(queries, request, snapshot.latestStoredAt, &snapshot.minutes);
    const TimeWindow &window = snapshot.window;
    const Scope &scope = request.scope;
    snapshot.scope = scope;
    snapshot.eventsByType = queries.typeCounts(window, scope);
    snapshot.typeBars
        = DashboardShaping::topWithOther(snapshot.eventsByType, maxTypeBars, otherName());
    snapshot.activeRepositories
        = queries.activeRepositories(request.topRepositories, window, scope);
    snapshot.coverage = queries.coverage(window);
    // Read once, for the gaps, the quality block and the Source Health view.
    const QList<SourceHour> measured = queries.sourceHours(window);
    const qint64 now = MetricsQueries::currentTime().toSecsSinceEpoch();
    if (scope.isAll())
        snapshot.quality
            = WindowQuality::of(snapshot.coverage, measured, queries.settleSeconds(), now);
    else
        snapshot.quality = WindowQuality::ofWatched(queries.watchedFeeds(scope, window),
                                                    snapshot.coverage, window);
    const bool endsNow = request.followNow && !request.at.isValid() && !request.wholeStore;
    snapshot.rate
        = DashboardShaping::rateSeries(queries.eventsPerMinute(window, scope), window,
                                       scope.isAll() ? measuredHours(snapshot.coverage, measured)
                                                     : watchedHours(snapshot.coverage),
                                       endsNow);
    const QString repository = !request.repository.isEmpty() ? request.repository
        : snapshot.activeRepositories.isEmpty()              ? QString()
                                                : snapshot.activeRepositories.first().key;
    if (!repository.isEmpty()) {
        snapshot.pullRequests = queries.pullRequestsIn(repository, window);
        snapshot.stars = queries.starHistory(repository, window);
        snapshot.releases = queries.releases(repository, window);
    }
    snapshot.latestEvents = queries.latestEvents(request.latestEvents, window, scope);
    snapshot.eventsStored = queries.eventsStored();
    snapshot.recentLiveShare = queries.recentLiveShare();
    snapshot.sources = SourceHour::bySource(measured);
    return snapshot;
}

bool DashboardSnapshot::complete() const
{
    return std::all_of(coverage.cbegin(), coverage.cend(),
                       [](const HourCoverage &hour) { return hour.complete; });
}

qint64 DashboardSnapshot::eventsTotal() const
{
    qint64 total = 0;
    for (const KeyCount &count : eventsByType)
        total += count.count;
    return total;
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
    return {u"types"_s, u"rate"_s, u"repositories"_s, u"pull_requests"_s, u"stars"_s};
}

QString DashboardSnapshot::otherName()
{
    return u"Other"_s;
}
