#include "metricscontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "githubpoller.h"
#include "metricsqueries.h"
#include "watchlist.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 maxOffsetMinutes = 5256000; // ten years

QJsonValue optionalTime(const std::optional<qint64> &seconds)
{
    return seconds ? QJsonValue(ApiParameters::isoTime(*seconds)) : QJsonValue();
}

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

} // namespace

MetricsController::MetricsController(MetricsQueries *queries)
    : m_queries(queries)
{
}

QJsonObject MetricsController::eventCount(const QUrlQuery &query, const QDateTime &now)
{
    const qint64 offset = ApiParameters::integer(query, u"offset"_s, 1, maxOffsetMinutes, 10);
    const QDateTime at = ApiParameters::time(query, u"at"_s, now);
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonObject counts;
    qint64 total = 0;
    for (const KeyCount &count : m_queries->eventCounts(offset, at)) {
        counts.insert(count.key, count.count);
        total += count.count;
    }
    return {{u"offset"_s, offset},
            {u"from"_s, ApiParameters::isoTime(window.from)},
            {u"to"_s, ApiParameters::isoTime(window.to)},
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
    const qint64 offset = ApiParameters::integer(query, u"offset"_s, 1, maxOffsetMinutes, 60);
    const QDateTime at = ApiParameters::time(query, u"at"_s, now);
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonArray repositories;
    for (const KeyCount &count : m_queries->activeRepositories(int(limit), offset, at))
        repositories.append(QJsonObject {{u"repository"_s, count.key}, {u"events"_s, count.count}});
    return {{u"offset"_s, offset},
            {u"limit"_s, limit},
            {u"from"_s, ApiParameters::isoTime(window.from)},
            {u"to"_s, ApiParameters::isoTime(window.to)},
            {u"repositories"_s, repositories}};
}

QJsonObject MetricsController::health(const PollerSnapshot &poller)
{
    using State = PollerSnapshot::State;
    const bool degraded = poller.state == State::BadToken || poller.state == State::Offline
        || poller.state == State::StorageError || poller.state == State::BackingOff;
    const QJsonObject pollerJson {
        {u"state"_s, PollerSnapshot::stateName(poller.state)},
        {u"last_success"_s, timeOrNull(poller.lastSuccess)},
        {u"last_error"_s, poller.lastError.isEmpty() ? QJsonValue() : QJsonValue(poller.lastError)},
        {u"last_error_at"_s, timeOrNull(poller.lastErrorAt)},
        {u"next_poll"_s, timeOrNull(poller.nextPoll)},
        {u"rate_limit_remaining"_s,
         poller.rateLimit.remaining >= 0 ? QJsonValue(poller.rateLimit.remaining) : QJsonValue()},
        {u"rate_limit_reset"_s, timeOrNull(poller.rateLimit.reset)},
        {u"requests"_s, poller.requests},
        {u"not_modified"_s, poller.notModified},
        {u"pages"_s, poller.pages},
        {u"events_seen"_s, poller.eventsSeen}};
    return {{u"status"_s, degraded ? u"degraded"_s : u"ok"_s},
            {u"version"_s, QStringLiteral(GHM_VERSION)},
            {u"events_stored"_s, m_queries->eventsStored()},
            {u"last_event_at"_s, optionalTime(m_queries->latestEventAt())},
            {u"poller"_s, pollerJson}};
}

QJsonObject WatchlistController::list()
{
    QJsonArray repositories;
    for (const QString &name : m_watchlist->names())
        repositories.append(
            QJsonObject {{u"repository"_s, name}, {u"status"_s, m_watchlist->status(name)}});
    return {{u"repositories"_s, repositories}};
}

QJsonObject WatchlistController::add(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    QString error;
    if (!m_watchlist->add(repository, &error))
        throw ApiError {400, error, u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, true}};
}

QJsonObject WatchlistController::remove(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    if (!m_watchlist->remove(repository))
        throw ApiError {404, u"%1 is not watched"_s.arg(repository), u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, false}};
}
