#include "metricsexport.h"

#include "timeformat.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray field = text.toUtf8();
    if (field.contains(',') || field.contains('"') || field.contains('\n'))
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
    for (const KeyCount &count : snapshot.eventsByType)
        out += csvRow("events_by_type", count.key, QByteArray::number(count.count));
    for (const KeyCount &count : snapshot.activeRepositories)
        out += csvRow("active_repository", count.key, QByteArray::number(count.count));
    const RateSeries &rate = snapshot.rate;
    out += csvRow("bucket_seconds", {}, QByteArray::number(rate.bucketSeconds));
    for (const RateSeries::Line &line : rate.lines) {
        for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i)
            out += csvRow("events_per_bucket",
                          TimeFormat::iso(rate.bucketStarts[i]) + u' ' + line.name,
                          QByteArray::number(line.counts[i]));
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

QJsonObject MetricsExport::json(const DashboardSnapshot &snapshot)
{
    QJsonObject byType;
    for (const KeyCount &count : snapshot.eventsByType)
        byType.insert(count.key, count.count);
    QJsonArray repositories;
    for (const KeyCount &count : snapshot.activeRepositories)
        repositories.append(QJsonObject {{u"repository"_s, count.key}, {u"events"_s, count.count}});
    const RateSeries &rate = snapshot.rate;
    QJsonArray buckets;
    for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
        QJsonObject counts;
        for (const RateSeries::Line &line : rate.lines)
            counts.insert(line.name, line.counts[i]);
        buckets.append(QJsonObject {{u"start"_s, TimeFormat::iso(rate.bucketStarts[i])},
                                    {u"events"_s, counts}});
    }
    const PullRequestStats &prs = snapshot.pullRequests;
    QJsonValue pullRequests;
    if (prs.repositoryKnown) {
        pullRequests = QJsonObject {{u"repository"_s, prs.repository},
                                    {u"pull_requests"_s, prs.count},
                                    {u"average_seconds"_s, optionalNumber(prs.averageSeconds)},
                                    {u"median_seconds"_s, optionalNumber(prs.medianSeconds)}};
    }
    return {{u"window"_s,
             QJsonObject {{u"from"_s, TimeFormat::iso(snapshot.window.from)},
                          {u"to"_s, TimeFormat::iso(snapshot.window.to)},
                          {u"minutes"_s, snapshot.minutes}}},
            {u"events_by_type"_s, byType},
            {u"active_repositories"_s, repositories},
            {u"events_over_time"_s,
             QJsonObject {{u"bucket_seconds"_s, rate.bucketSeconds},
                          {u"last_bucket_partial"_s, rate.lastBucketPartial},
                          {u"buckets"_s, buckets}}},
            {u"pull_requests"_s, pullRequests},
            {u"events_stored"_s, snapshot.eventsStored}};
}
