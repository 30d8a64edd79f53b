#include "query/feedquality.h"

#include "query/clickhousequeries.h"
#include "query/metricsqueries.h"
#include "store/countblock.h"

#include "event/feedhealth.h"
#include "event/timeformat.h"

#include <QSqlQuery>

#include <map>

using namespace Qt::StringLiterals;

std::optional<double> SourceHour::yield() const
{
    if (requests <= 0)
        return std::nullopt;
    return double(newEvents) / double(requests);
}

bool SourceHour::samplesAllOfGitHub() const
{
    return source.startsWith("feed-p"_L1) || source == "archive"_L1 || source == "import"_L1;
}

QList<SourceHour> SourceHour::bySource(const QList<SourceHour> &hours)
{
    std::map<QString, SourceHour> sums;
    for (const SourceHour &hour : hours) {
        SourceHour &sum = sums[hour.source];
        if (sum.source.isEmpty()) {
            sum.source = hour.source;
            sum.hour = hour.hour;
            sum.lagHistogram.fill(0, FeedHealth::lagBucketCount);
        }
        sum.hour = std::min(sum.hour, hour.hour);
        sum.requests += hour.requests;
        sum.events += hour.events;
        sum.newEvents += hour.newEvents;
        sum.inHour += hour.inHour;
        for (auto it = hour.types.cbegin(); it != hour.types.cend(); ++it)
            sum.types[it.key()] += it.value();
        for (qsizetype bucket = 0; bucket < hour.lagHistogram.size(); ++bucket)
            sum.lagHistogram[bucket] += hour.lagHistogram[bucket];
    }
    QList<SourceHour> list;
    for (auto &[source, sum] : sums) {
        if (sum.samplesAllOfGitHub())
            sum.degradedTypes = FeedHealth::degradedTypes(sum.types);
        list.append(sum);
    }
    return list;
}

double SourceHour::overlap() const
{
    return events > 0 ? double(events - newEvents) / double(events) : 0;
}

QString WindowQuality::statusName(Status status)
{
    switch (status) {
    case Status::Degraded: return u"degraded"_s;
    case Status::Settling: return u"settling"_s;
    case Status::Sampled: return u"sampled"_s;
    case Status::Complete: return u"complete"_s;
    }
    return {};
}

QString WindowQuality::label() const
{
    if (watched)
        return watchedLabel();
    if (status == Status::Complete)
        return u"complete"_s;
    QString text = u"sampled"_s;
    if (settledAt)
        text = u"settling until %1"_s.arg(TimeFormat::iso(*settledAt));
    if (!degradedTypes.isEmpty())
        text += u", degraded: %1 (lower bounds)"_s.arg(degradedTypes.join(u", "_s));
    return text;
}

QString WindowQuality::notWatchedYet()
{
    return u"not watched yet"_s;
}

QString WindowQuality::watchedLabel() const
{
    if (status == Status::Complete)
        return u"complete (watched feeds)"_s;
    constexpr qsizetype named = 3;
    QStringList parts;
    for (const FeedGap &gap : feedGaps.first(std::min(named, feedGaps.size())))
        parts << u"events missed by %1 before %2"_s.arg(gap.feed, TimeFormat::iso(gap.at));
    if (feedGaps.size() > named)
        parts << u"%1 more polls missed events"_s.arg(feedGaps.size() - named);
    parts << feedsReadLate;
    return u"lower bounds: "_s + parts.join(u"; "_s);
}

WindowQuality WindowQuality::ofWatched(const WatchedFeeds &feeds, QList<HourCoverage> &hours,
                                       const TimeWindow &window)
{
    WindowQuality quality;
    quality.watched = true;
    quality.feedGaps = feeds.gaps;
    for (const QString &feed : feeds.neverRead)
        quality.feedsReadLate << u"%1 never read"_s.arg(feed);
    // From when on every feed of the scope was read.
    qint64 allReadFrom = window.from;
    for (auto it = feeds.firstReadAt.cbegin(); it != feeds.firstReadAt.cend(); ++it) {
        if (it.value() <= window.from)
            continue;
        quality.feedsReadLate << u"%1 read since %2"_s.arg(it.key(), TimeFormat::iso(it.value()));
        allReadFrom = std::max(allReadFrom, it.value());
    }
    quality.feedsReadLate.sort();
    quality.hours = int(hours.size());
    for (HourCoverage &hour : hours) {
        const bool missed
            = std::any_of(feeds.gaps.cbegin(), feeds.gaps.cend(), [&hour](const FeedGap &gap) {
                  return gap.at >= hour.hour && gap.at < hour.hour + 3600;
              });
        const bool read
            = feeds.neverRead.isEmpty() && std::max(hour.hour, window.from) >= allReadFrom;
        hour.complete = read && !missed;
        hour.incompleteReason = !read ? notWatchedYet()
            : missed                  ? u"a poll missed events"_s
                                      : QString();
        quality.completeHours += hour.complete ? 1 : 0;
    }
    quality.status = quality.completeHours == quality.hours ? Status::Complete : Status::Degraded;
    return quality;
}

QList<SourceHour> SourceRows::assembled() const
{
    std::map<std::pair<qint64, QString>, SourceHour> byHour;
    for (SourceHour hour : hours) {
        hour.lagHistogram = QList<qint64>(FeedHealth::lagBucketCount, 0);
        byHour[{hour.hour, hour.source}] = hour;
    }
    for (const Type &type : types) {
        const auto it = byHour.find({type.hour, type.source});
        if (it != byHour.end() && type.events > 0)
            it->second.types.insert(type.type, type.events);
    }
    for (const Lag &lag : this->lag) {
        const auto it = byHour.find({lag.hour, lag.source});
        if (it != byHour.end() && lag.bucket >= 0 && lag.bucket < FeedHealth::lagBucketCount)
            it->second.lagHistogram[lag.bucket] += lag.events;
    }
    QList<SourceHour> list;
    for (auto &[key, hour] : byHour) {
        if (hour.samplesAllOfGitHub())
            hour.degradedTypes = FeedHealth::degradedTypes(hour.types);
        list.append(hour);
    }
    return list;
}

QList<SourceHour> MetricsQueries::sourceHours(const TimeWindow &window)
{
    const qint64 first = CountBlock::floorDiv(window.from, 3600) * 3600;
    const qint64 last = CountBlock::floorDiv(window.to, 3600) * 3600;
    const SourceRows rows = m_clickHouse
        ? m_clickHouse->sourceRows(first, last)
        : m_connection.read([&] { return sourceRows(first, last); });
    return rows.assembled();
}

SourceRows MetricsQueries::sourceRows(qint64 firstHour, qint64 lastHour)
{
    SourceRows rows;
    QSqlQuery query = statement(uR"(SELECT hour, source, requests, events, new_events, in_hour
                                    FROM gold.source_hours WHERE hour BETWEEN ? AND ?)"_s);
    query.addBindValue(firstHour);
    query.addBindValue(lastHour);
    exec(query);
    while (query.next())
        rows.hours.append({query.value(0).toLongLong(),
                           query.value(1).toString(),
                           query.value(2).toLongLong(),
                           query.value(3).toLongLong(),
                           query.value(4).toLongLong(),
                           query.value(5).toLongLong(),
                           {},
                           {},
                           {}});
    // An archive file's mix is the whole file's; a feed's is what it brought first, so
    // that polls repeating the same events do not weigh them twice.
    QSqlQuery types = statement(uR"(SELECT hour, source, type,
                                    CASE WHEN source = 'archive' THEN events ELSE new_events END
                                    FROM gold.source_types WHERE hour BETWEEN ? AND ?)"_s);
    types.addBindValue(firstHour);
    types.addBindValue(lastHour);
    exec(types);
    while (types.next())
        rows.types.append({types.value(0).toLongLong(), types.value(1).toString(),
                           types.value(2).toString(), types.value(3).toLongLong()});
    QSqlQuery lag = statement(uR"(SELECT hour, source, bucket, events FROM gold.source_lag
                                  WHERE hour BETWEEN ? AND ?)"_s);
    lag.addBindValue(firstHour);
    lag.addBindValue(lastHour);
    exec(lag);
    while (lag.next())
        rows.lag.append({lag.value(0).toLongLong(), lag.value(1).toString(), lag.value(2).toInt(),
                         lag.value(3).toLongLong()});
    return rows;
}

std::optional<qint64> MetricsQueries::settleSeconds()
{
    const QList<qint64> histogram = m_clickHouse
        ? m_clickHouse->liveLagHistogram()
        : m_connection.read([&] { return liveLagHistogram(); });
    const qint64 p99 = FeedHealth::lagPercentile(histogram, 0.99);
    return p99 < 0 ? std::nullopt : std::optional<qint64>(p99);
}

// The live sources' lag over their latest day of measurements.
QList<qint64> MetricsQueries::liveLagHistogram()
{
    QSqlQuery query = statement(uR"(SELECT bucket, SUM(events) FROM gold.source_lag
        WHERE source <> 'archive' AND source <> 'import' AND hour >= (
            SELECT MAX(hour) - 23 * 3600 FROM gold.source_lag
            WHERE source <> 'archive' AND source <> 'import')
        GROUP BY bucket)"_s);
    exec(query);
    QList<qint64> histogram(FeedHealth::lagBucketCount, 0);
    while (query.next()) {
        const int bucket = query.value(0).toInt();
        if (bucket >= 0 && bucket < FeedHealth::lagBucketCount)
            histogram[bucket] = query.value(1).toLongLong();
    }
    return histogram;
}

WindowQuality MetricsQueries::quality(const TimeWindow &window, const QDateTime &now)
{
    return WindowQuality::of(coverage(window), sourceHours(window), settleSeconds(),
                             now.toSecsSinceEpoch());
}

WindowQuality MetricsQueries::quality(const TimeWindow &window, const Scope &scope)
{
    if (scope.isAll())
        return quality(window);
    QList<HourCoverage> hours = coverage(window);
    return WindowQuality::ofWatched(watchedFeeds(scope, window), hours, window);
}

WindowQuality WindowQuality::of(const QList<HourCoverage> &hours, const QList<SourceHour> &measured,
                                std::optional<qint64> settleSeconds, qint64 now)
{
    WindowQuality quality;
    quality.settleSeconds = settleSeconds;
    quality.hours = int(hours.size());
    QSet<qint64> completeHours;
    for (const HourCoverage &hour : hours) {
        if (hour.complete) {
            completeHours.insert(hour.hour);
            continue;
        }
        const qint64 settlesAt = hour.hour + 3600 + settleSeconds.value_or(0);
        if (settleSeconds && settlesAt > now) {
            ++quality.settlingHours;
            quality.settlingHourStarts.append(hour.hour);
            quality.settledAt = std::max(quality.settledAt.value_or(0), settlesAt);
        }
    }
    quality.completeHours = int(completeHours.size());
    // The sampled hours' events by type, from the sources that sample all of GitHub: a
    // watched organization's complete feed would hide the global feed's missing types.
    QHash<QString, qint64> sampled;
    for (const SourceHour &hour : measured) {
        if (completeHours.contains(hour.hour) || !hour.samplesAllOfGitHub())
            continue;
        for (auto it = hour.types.cbegin(); it != hour.types.cend(); ++it)
            sampled[it.key()] += it.value();
    }
    quality.degradedTypes = FeedHealth::degradedTypes(sampled);
    qint64 total = 0;
    for (const qint64 count : std::as_const(sampled))
        total += count;
    if (total > 0)
        quality.pushShare = double(sampled.value(u"PushEvent"_s)) / double(total);
    quality.status = quality.completeHours == quality.hours ? Status::Complete
        : !quality.degradedTypes.isEmpty()                  ? Status::Degraded
        : quality.settlingHours > 0                         ? Status::Settling
                                                            : Status::Sampled;
    return quality;
}
