#include "metricscontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "metricsqueries.h"
#include "timeformat.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonValue optionalTime(const std::optional<qint64> &seconds)
{
    return seconds ? QJsonValue(TimeFormat::iso(*seconds)) : QJsonValue();
}

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

} // namespace

MetricsController::MetricsController(MetricsQueries *queries)
    : m_queries(queries)
{
}

QJsonObject MetricsController::eventCount(const QUrlQuery &query, const QDateTime &now)
{
    const qint64 offset = ApiParameters::windowMinutes(query, u"offset"_s, 10);
    const QDateTime at = ApiParameters::time(query, u"at"_s, now);
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonObject counts;
    qint64 total = 0;
    for (const KeyCount &count : m_queries->eventCounts(offset, at)) {
        counts.insert(count.key, count.count);
        total += count.count;
    }
    return {{u"offset"_s, offset},
            {u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"total"_s, total},
            {u"counts"_s, counts}};
}

PullRequestStats MetricsController::knownRepository(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    PullRequestStats stats = m_queries->averagePullRequestInterval(repository);
    if (!stats.repositoryKnown)
        throw ApiError {404, u"no stored events for repository %1"_s.arg(repository),
                        u"repository"_s};
    return stats;
}

QJsonObject MetricsController::averagePullRequestTime(const QString &owner, const QString &name)
{
    const PullRequestStats stats = knownRepository(owner, name);
    return {{u"repository"_s, stats.repository},
            {u"source"_s, stats.source},
            {u"window"_s,
             QJsonObject {{u"from"_s, optionalTime(stats.firstOpenedAt)},
                          {u"to"_s, optionalTime(stats.lastOpenedAt)}}},
            {u"pull_requests"_s, stats.count},
            {u"average_seconds"_s, optionalNumber(stats.averageSeconds)},
            {u"median_seconds"_s, optionalNumber(stats.medianSeconds)},
            {u"first_opened_at"_s, optionalTime(stats.firstOpenedAt)},
            {u"last_opened_at"_s, optionalTime(stats.lastOpenedAt)}};
}

QJsonObject MetricsController::pullRequests(const QString &owner, const QString &name)
{
    const PullRequestStats stats = knownRepository(owner, name);
    QJsonObject answer = averagePullRequestTime(owner, name);
    answer.insert(u"open"_s, stats.source == "history"_L1 ? QJsonValue(stats.open) : QJsonValue());
    answer.insert(u"time_to_merge"_s,
                  QJsonObject {{u"merged"_s, stats.merged},
                               {u"median_seconds"_s, optionalNumber(stats.mergeMedianSeconds)},
                               {u"p90_seconds"_s, optionalNumber(stats.mergeP90Seconds)}});
    return answer;
}

QJsonObject MetricsController::activeRepositories(const QUrlQuery &query, const QDateTime &now)
{
    const qint64 limit = ApiParameters::integer(query, u"limit"_s, 1, 1000, 10);
    const qint64 offset = ApiParameters::windowMinutes(query, u"offset"_s, 60);
    const QDateTime at = ApiParameters::time(query, u"at"_s, now);
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonArray repositories;
    for (const KeyCount &count : m_queries->activeRepositories(int(limit), offset, at))
        repositories.append(QJsonObject {{u"repository"_s, count.key}, {u"events"_s, count.count}});
    return {{u"offset"_s, offset},
            {u"limit"_s, limit},
            {u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"repositories"_s, repositories}};
}
