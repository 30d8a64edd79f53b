#include "dashboarddata.h"

#include "apiparameters.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

DashboardData DashboardData::load(MetricsQueries &queries, const DashboardRequest &request)
{
    QDateTime at = request.at;
    if (!at.isValid()) {
        const std::optional<qint64> latest = queries.latestEventAt();
        at = request.followNow || !latest ? MetricsQueries::currentTime()
                                          : QDateTime::fromSecsSinceEpoch(*latest, Qt::UTC);
    }
    DashboardData data;
    data.minutes = request.minutes;
    data.window = TimeWindow::endingAt(at, request.minutes);
    data.eventsByType = queries.eventCounts(request.minutes, at);
    data.activeRepositories
        = queries.activeRepositories(request.topRepositories, request.minutes, at);
    data.eventsPerMinute = queries.eventsPerMinute(request.minutes, at);
    const QString repository = !request.repository.isEmpty() ? request.repository
        : data.activeRepositories.isEmpty()                  ? QString()
                                                             : data.activeRepositories.first().key;
    if (!repository.isEmpty())
        data.pullRequests = queries.averagePullRequestInterval(repository);
    data.latestEvents = queries.latestEvents(request.latestEvents);
    data.eventsStored = queries.eventsStored();
    return data;
}

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

} // namespace

QByteArray MetricsExport::csv(const DashboardData &data)
{
    QByteArray out = "metric,key,value\n";
    out += csvRow("window_from", {}, ApiParameters::isoTime(data.window.from).toUtf8());
    out += csvRow("window_to", {}, ApiParameters::isoTime(data.window.to).toUtf8());
    out += csvRow("window_minutes", {}, QByteArray::number(data.minutes));
    for (const KeyCount &count : data.eventsByType)
        out += csvRow("events_by_type", count.key, QByteArray::number(count.count));
    for (const KeyCount &count : data.activeRepositories)
        out += csvRow("active_repository", count.key, QByteArray::number(count.count));
    for (const MinuteCount &count : data.eventsPerMinute)
        out += csvRow("events_per_minute",
                      ApiParameters::isoTime(count.minute * 60) + u' ' + count.type,
                      QByteArray::number(count.count));
    const PullRequestStats &prs = data.pullRequests;
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

QJsonObject MetricsExport::json(const DashboardData &data)
{
    QJsonObject byType;
    for (const KeyCount &count : data.eventsByType)
        byType.insert(count.key, count.count);
    QJsonArray repositories;
    for (const KeyCount &count : data.activeRepositories)
        repositories.append(QJsonObject {{u"repository"_s, count.key}, {u"events"_s, count.count}});
    QJsonArray perMinute;
    for (const MinuteCount &count : data.eventsPerMinute)
        perMinute.append(QJsonObject {{u"minute"_s, ApiParameters::isoTime(count.minute * 60)},
                                      {u"type"_s, count.type},
                                      {u"events"_s, count.count}});
    const PullRequestStats &prs = data.pullRequests;
    QJsonObject pullRequests;
    if (prs.repositoryKnown) {
        pullRequests = {{u"repository"_s, prs.repository},
                        {u"pull_requests"_s, prs.count},
                        {u"average_seconds"_s,
                         prs.averageSeconds ? QJsonValue(*prs.averageSeconds) : QJsonValue()},
                        {u"median_seconds"_s,
                         prs.medianSeconds ? QJsonValue(*prs.medianSeconds) : QJsonValue()}};
    }
    return {{u"window"_s,
             QJsonObject {{u"from"_s, ApiParameters::isoTime(data.window.from)},
                          {u"to"_s, ApiParameters::isoTime(data.window.to)},
                          {u"minutes"_s, data.minutes}}},
            {u"events_by_type"_s, byType},
            {u"active_repositories"_s, repositories},
            {u"events_per_minute"_s, perMinute},
            {u"pull_requests"_s, pullRequests.isEmpty() ? QJsonValue() : QJsonValue(pullRequests)},
            {u"events_stored"_s, data.eventsStored}};
}
