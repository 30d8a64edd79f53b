#include "query/metricsexport.h"

#include "event/feedhealth.h"
#include "event/timeformat.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

// A cell no spreadsheet runs as a formula (OWASP's rule: a leading =, +, -, @, TAB or CR
// gets a ' before it), quoted when it holds a separator, a quote or a line break.
QByteArray csvField(const QString &text)
{
    QByteArray field = text.toUtf8();
    if (!field.isEmpty() && QByteArrayView("=+-@\t\r").contains(field.front()))
        field.prepend('\'');
    if (field.contains(',') || field.contains('"') || field.contains('\n') || field.contains('\r'))
        field = '"' + field.replace('"', "\"\"") + '"';
    return field;
}

QByteArray csvRow(const char *metric, const QString &key, const QByteArray &value)
{
    return QByteArray(metric) + ',' + csvField(key) + ',' + value + '\n';
}

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

} // namespace

QByteArray MetricsExport::csv(const DashboardSnapshot &snapshot)
{
    QByteArray out = "metric,key,value\n";
    out += csvRow("window_from", {}, TimeFormat::iso(snapshot.window.from).toUtf8());
    out += csvRow("window_to", {}, TimeFormat::iso(snapshot.window.to).toUtf8());
    out += csvRow("window_minutes", {}, QByteArray::number(snapshot.minutes));
    out += csvRow("scope", {}, snapshot.scope.name.toUtf8());
    out += csvRow("bots", {}, Scope::botsName(snapshot.scope.bots).toUtf8());
    const WindowQuality &quality = snapshot.quality;
    out += csvRow("quality", {}, quality.statusName().toUtf8());
    for (const QString &type : quality.degradedTypes)
        out += csvRow("degraded_type", type, "lower_bound");
    out += csvRow("settling_hours", {}, QByteArray::number(quality.settlingHours));
    out += csvRow("complete_hours", {}, QByteArray::number(quality.completeHours));
    for (const FeedGap &gap : quality.feedGaps)
        out += csvRow("feed_gap", gap.feed, TimeFormat::iso(gap.at).toUtf8());
    for (const KeyCount &count : snapshot.eventsByType)
        out += csvRow("events_by_type", count.key, QByteArray::number(count.count));
    for (const KeyCount &count : snapshot.activeRepositories)
        out += csvRow("active_repository", count.key, QByteArray::number(count.count));
    const RateSeries &rate = snapshot.rate;
    out += csvRow("bucket_seconds", {}, QByteArray::number(rate.bucketSeconds));
    for (const RateSeries::Line &line : rate.lines) {
        for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
            if (!rate.gaps[i])
                out += csvRow("events_per_bucket",
                              TimeFormat::iso(rate.bucketStarts[i]) + u' ' + line.name,
                              QByteArray::number(line.counts[i]));
        }
    }
    const PullRequestStats &prs = snapshot.pullRequests;
    if (prs.repositoryKnown) {
        out += csvRow("pr_count", prs.repository, QByteArray::number(prs.count));
        if (prs.averageSeconds)
            out += csvRow("pr_interval_seconds", prs.repository,
                          QByteArray::number(*prs.averageSeconds, 'g', 12));
        if (prs.medianSeconds)
            out += csvRow("pr_median_interval_seconds", prs.repository,
                          QByteArray::number(*prs.medianSeconds, 'g', 12));
    }
    return out;
}

namespace {

QJsonArray countsJson(const QList<KeyCount> &counts, const QString &keyName)
{
    QJsonArray array;
    for (const KeyCount &count : counts)
        array.append(QJsonObject {{keyName, count.key}, {u"events"_s, count.count}});
    return array;
}

QJsonArray typeBarsJson(const DashboardSnapshot &snapshot)
{
    QJsonArray array;
    for (const KeyCount &count : snapshot.typeBars)
        array.append(QJsonObject {{u"type"_s, count.key},
                                  {u"events"_s, count.count},
                                  {u"colour"_s, TypeColours::of(count.key)},
                                  {u"lower_bound"_s, snapshot.isLowerBound(count.key)}});
    return array;
}

QJsonValue optionalInteger(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue optionalTime(const std::optional<qint64> &value)
{
    return value ? QJsonValue(TimeFormat::iso(*value)) : QJsonValue();
}

// Each bucket's counts and rates as the window draws them: a gap's rates are null.
QJsonObject rateJson(const RateSeries &rate)
{
    QJsonArray lines;
    for (const RateSeries::Line &line : rate.lines)
        lines.append(QJsonObject {{u"type"_s, line.name}, {u"colour"_s, line.colour}});
    QJsonArray buckets;
    for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
        QJsonObject counts;
        QJsonObject rates;
        for (const RateSeries::Line &line : rate.lines) {
            counts.insert(line.name, line.counts[i]);
            rates.insert(line.name, optionalNumber(rate.rate(line, i)));
        }
        buckets.append(QJsonObject {{u"start"_s, TimeFormat::iso(rate.bucketStarts[i])},
                                    {u"end"_s, TimeFormat::iso(rate.bucketEnds[i])},
                                    {u"seconds"_s, rate.secondsIn(i)},
                                    {u"gap"_s, rate.gaps[i]},
                                    {u"events"_s, counts},
                                    {u"rates"_s, rates}});
    }
    return {{u"bucket_seconds"_s, rate.bucketSeconds},
            {u"unit_seconds"_s, rate.unitSeconds},
            {u"last_bucket_filling"_s, rate.lastBucketFilling},
            {u"lines"_s, lines},
            {u"buckets"_s, buckets}};
}

QJsonValue pullRequestsJson(const PullRequestStats &prs)
{
    if (!prs.repositoryKnown)
        return QJsonValue();
    QJsonArray opened;
    for (qsizetype i = 0; i < prs.openedAt.size(); ++i) {
        QJsonObject pr {{u"opened_at"_s, TimeFormat::iso(prs.openedAt[i])}};
        if (i < prs.numbers.size())
            pr.insert(u"number"_s, prs.numbers[i]);
        opened.append(pr);
    }
    const bool history = prs.source == "history"_L1;
    return QJsonObject {
        {u"repository"_s, prs.repository},
        {u"source"_s, prs.source},
        {u"pull_requests"_s, prs.count},
        {u"average_seconds"_s, optionalNumber(prs.averageSeconds)},
        {u"median_seconds"_s, optionalNumber(prs.medianSeconds)},
        {u"horizon_days"_s, prs.horizonFrom ? QJsonValue(prs.horizonDays) : QJsonValue()},
        {u"open"_s, history ? QJsonValue(prs.open) : QJsonValue()},
        {u"time_to_merge"_s, MetricsExport::timeToMergeJson(prs)},
        {u"time_to_close"_s, MetricsExport::timeToCloseJson(prs)},
        {u"opened"_s, opened}};
}

QJsonValue releasesJson(const ReleaseStats &releases)
{
    if (releases.repository.isEmpty())
        return QJsonValue();
    QJsonArray published;
    for (const qint64 at : releases.publishedAt)
        published.append(TimeFormat::iso(at));
    return QJsonObject {{u"repository"_s, releases.repository},
                        {u"count"_s, releases.publishedAt.size()},
                        {u"median_gap_seconds"_s, optionalNumber(releases.medianGapSeconds)},
                        {u"published"_s, published}};
}

QJsonObject coverageJson(const DashboardSnapshot &snapshot)
{
    QJsonArray hours;
    for (const HourCoverage &hour : snapshot.coverage)
        hours.append(MetricsExport::hourCoverageJson(hour));
    return {{u"complete"_s, snapshot.complete()},
            {u"recent_live_share"_s, optionalNumber(snapshot.recentLiveShare)},
            {u"hours"_s, hours}};
}

} // namespace

QJsonObject MetricsExport::qualityJson(const WindowQuality &quality)
{
    return {{u"status"_s, quality.statusName()},
            {u"label"_s, quality.label()},
            {u"hours"_s, quality.hours},
            {u"complete_hours"_s, quality.completeHours},
            {u"settling_hours"_s, quality.settlingHours},
            {u"settling_hour_starts"_s,
             [&quality] {
                 QJsonArray starts;
                 for (const qint64 start : quality.settlingHourStarts)
                     starts.append(TimeFormat::iso(start));
                 return starts;
             }()},
            {u"settled_at"_s, optionalTime(quality.settledAt)},
            {u"settle_seconds"_s, optionalInteger(quality.settleSeconds)},
            {u"degraded_types"_s, QJsonArray::fromStringList(quality.degradedTypes)},
            {u"lower_bounds"_s, quality.hasLowerBounds()},
            {u"push_share"_s, optionalNumber(quality.pushShare)},
            {u"feed_gaps"_s,
             [&quality] {
                 QJsonArray gaps;
                 for (const FeedGap &gap : quality.feedGaps)
                     gaps.append(
                         QJsonObject {{u"feed"_s, gap.feed}, {u"at"_s, TimeFormat::iso(gap.at)}});
                 return gaps;
             }()},
            {u"feeds_read_late"_s, QJsonArray::fromStringList(quality.feedsReadLate)}};
}

QJsonObject MetricsExport::starsJson(const StarHistory &stars)
{
    QJsonArray days;
    for (const auto &[day, count] : stars.days)
        days.append(QJsonObject {{u"day"_s, TimeFormat::iso(day).left(10)}, {u"stars"_s, count}});
    const bool counted = stars.count >= 0;
    return {{u"repository"_s, stars.repository},
            {u"source"_s, u"stargazers/history"_s},
            {u"gained"_s, stars.gained},
            {u"total"_s, stars.total},
            {u"stargazers_count"_s, counted ? QJsonValue(stars.count) : QJsonValue()},
            {u"stargazers_count_at"_s,
             counted ? QJsonValue(TimeFormat::iso(stars.countAt)) : QJsonValue()},
            {u"days"_s, days}};
}

QJsonObject MetricsExport::timeToMergeJson(const PullRequestStats &prs)
{
    return {{u"merged"_s, prs.merged},
            {u"median_seconds"_s, optionalNumber(prs.mergeMedianSeconds)},
            {u"p90_seconds"_s, optionalNumber(prs.mergeP90Seconds)}};
}

QJsonObject MetricsExport::timeToCloseJson(const PullRequestStats &prs)
{
    return {{u"closed"_s, prs.closed},
            {u"median_seconds"_s, optionalNumber(prs.closeMedianSeconds)},
            {u"p90_seconds"_s, optionalNumber(prs.closeP90Seconds)}};
}

QJsonObject MetricsExport::scopeJson(const Scope &scope)
{
    return {{u"name"_s, scope.name},
            {u"repositories"_s, QJsonArray::fromStringList(scope.repositories)},
            {u"organizations"_s, QJsonArray::fromStringList(scope.organizations)},
            {u"bots"_s, Scope::botsName(scope.bots)}};
}

QJsonObject MetricsExport::hourCoverageJson(const HourCoverage &hour)
{
    return {{u"hour"_s, TimeFormat::iso(hour.hour)},
            {u"source"_s, hour.complete ? u"complete"_s : u"sampled"_s},
            {u"archived"_s, hour.archived},
            {u"incomplete_reason"_s,
             hour.incompleteReason.isEmpty() ? QJsonValue() : QJsonValue(hour.incompleteReason)},
            {u"events"_s, hour.events},
            {u"live_share"_s, optionalNumber(hour.liveShare)}};
}

QJsonObject MetricsExport::sourceHourJson(const SourceHour &hour)
{
    QJsonObject types;
    for (auto it = hour.types.cbegin(); it != hour.types.cend(); ++it)
        types.insert(it.key(), it.value());
    const auto lag = [&hour](double p) {
        const qint64 seconds = FeedHealth::lagPercentile(hour.lagHistogram, p);
        return seconds < 0 ? QJsonValue() : QJsonValue(seconds);
    };
    return {{u"hour"_s, TimeFormat::iso(hour.hour)},
            {u"source"_s, hour.source},
            {u"requests"_s, hour.requests},
            {u"events"_s, hour.events},
            {u"new_events"_s, hour.newEvents},
            {u"created_in_hour"_s, hour.inHour},
            {u"yield"_s, optionalNumber(hour.yield())},
            {u"overlap"_s, hour.overlap()},
            {u"types"_s, types},
            {u"degraded_types"_s, QJsonArray::fromStringList(hour.degradedTypes)},
            {u"lag_seconds"_s,
             QJsonObject {{u"p50"_s, lag(0.5)}, {u"p90"_s, lag(0.9)}, {u"p99"_s, lag(0.99)}}}};
}

QJsonObject MetricsExport::referenceJson()
{
    const ReferenceMix &reference = ReferenceMix::builtIn();
    QJsonObject shares;
    for (auto it = reference.shares.cbegin(); it != reference.shares.cend(); ++it)
        shares.insert(it.key(), it.value());
    return {{u"shares"_s, shares},
            {u"provenance"_s, QJsonArray::fromStringList(reference.provenance)},
            {u"test"_s,
             u"a type is degraded in a source when its count is under %1 of its reference "
             "share and that few would arise by chance with probability under %2 (Poisson); "
             "types under %3 % of the reference are not tested"_s.arg(u"a third"_s)
                 .arg(FeedHealth::significance)
                 .arg(FeedHealth::minimumReferenceShare * 100)}};
}

namespace {

QJsonArray sourcesJson(const QList<SourceHour> &sources)
{
    QJsonArray array;
    for (const SourceHour &source : sources)
        array.append(MetricsExport::sourceHourJson(source));
    return array;
}

QJsonArray latestEventsJson(const QList<EventRow> &events)
{
    QJsonArray rows;
    for (const EventRow &event : events) {
        rows.append(QJsonObject {
            {u"id"_s, QString::number(event.id)},
            {u"created_at"_s, TimeFormat::iso(event.createdAt)},
            {u"type"_s, event.type},
            {u"action"_s, event.action.isEmpty() ? QJsonValue() : QJsonValue(event.action)},
            {u"repository"_s, event.repository},
            {u"actor"_s, event.actor}});
    }
    return rows;
}

} // namespace

// The whole snapshot: what the window draws, for the exports and the web dashboard.
QJsonObject MetricsExport::json(const DashboardSnapshot &snapshot)
{
    QJsonObject byType;
    for (const KeyCount &count : snapshot.eventsByType)
        byType.insert(count.key, count.count);
    return {{u"window"_s,
             QJsonObject {{u"from"_s, TimeFormat::iso(snapshot.window.from)},
                          {u"to"_s, TimeFormat::iso(snapshot.window.to)},
                          {u"minutes"_s, snapshot.minutes}}},
            {u"scope"_s, scopeJson(snapshot.scope)},
            {u"events_total"_s, snapshot.eventsTotal()},
            {u"events_by_type"_s, byType},
            {u"type_bars"_s, typeBarsJson(snapshot)},
            {u"active_repositories"_s, countsJson(snapshot.activeRepositories, u"repository"_s)},
            {u"events_over_time"_s, rateJson(snapshot.rate)},
            {u"pull_requests"_s, pullRequestsJson(snapshot.pullRequests)},
            {u"stars"_s,
             snapshot.stars.known ? QJsonValue(MetricsExport::starsJson(snapshot.stars))
                                  : QJsonValue()},
            {u"releases"_s, releasesJson(snapshot.releases)},
            {u"coverage"_s, coverageJson(snapshot)},
            {u"quality"_s, qualityJson(snapshot.quality)},
            {u"sources"_s, sourcesJson(snapshot.sources)},
            {u"latest_events"_s, latestEventsJson(snapshot.latestEvents)},
            {u"events_stored"_s, snapshot.eventsStored},
            {u"latest_stored_at"_s, optionalTime(snapshot.latestStoredAt)}};
}
