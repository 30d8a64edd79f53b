#include "healthcontroller.h"

#include "alert/alertengine.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "event/timeformat.h"
#include "jsonanswer.h"
#include "openapi.h"
#include "prometheus.h"
#include "query/metricsexport.h"
#include "query/metricsqueries.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonObject pollerJson(const PollerSnapshot &poller)
{
    return {
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
        {u"events_seen"_s, poller.eventsSeen},
        {u"polls_without_overlap"_s, poller.pollsWithoutOverlap}};
}

// The token's rate window: what is left, when it resets, what each source spent of it
// (304s are free and not counted), and each source's share in the budget's plan.
QJsonObject budgetJson(const PollerSnapshot &poller)
{
    const RateLimitInfo &rate = poller.rateLimit;
    const auto known
        = [&rate](int value) { return rate.isKnown() ? QJsonValue(value) : QJsonValue(); };
    QJsonArray sources;
    const auto spent = RateBudget::sharesOf(poller.budgetSpent);
    for (const auto &[source, share] : spent)
        sources.append(QJsonObject {{u"source"_s, source},
                                    {u"requests"_s, poller.budgetSpent.value(source)},
                                    {u"share"_s, share},
                                    {u"planned_share"_s, poller.budgetPlan.value(source)}});
    for (auto it = poller.budgetPlan.cbegin(); it != poller.budgetPlan.cend(); ++it) {
        if (!poller.budgetSpent.contains(it.key()))
            sources.append(QJsonObject {{u"source"_s, it.key()},
                                        {u"requests"_s, 0},
                                        {u"share"_s, 0},
                                        {u"planned_share"_s, it.value()}});
    }
    return {{u"limit"_s, known(rate.limit)},
            {u"remaining"_s, known(rate.remaining)},
            {u"reset"_s, timeOrNull(rate.reset)},
            {u"reset_in_seconds"_s,
             rate.reset.isValid() ? QJsonValue(
                 std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(rate.reset)))
                                  : QJsonValue()},
            {u"sources"_s, sources}};
}

// The last hour as measured: its quality block and each source's yield and degraded types.
QJsonObject feedJson(MetricsQueries &queries)
{
    const TimeWindow lastHour = TimeWindow::endingAt(MetricsQueries::currentTime(), 60);
    QJsonArray sources;
    for (const SourceHour &hour : queries.sourceHours(lastHour)) {
        sources.append(
            QJsonObject {{u"hour"_s, TimeFormat::iso(hour.hour)},
                         {u"source"_s, hour.source},
                         {u"requests"_s, hour.requests},
                         {u"new_events"_s, hour.newEvents},
                         {u"yield"_s, hour.yield() ? QJsonValue(*hour.yield()) : QJsonValue()},
                         {u"degraded_types"_s, QJsonArray::fromStringList(hour.degradedTypes)}});
    }
    return {{u"last_hour"_s, MetricsExport::qualityJson(queries.quality(lastHour))},
            {u"sources"_s, sources}};
}

QJsonObject archiveJson(const ArchiveStatus &archive)
{
    const auto number = [](qint64 value) { return value >= 0 ? QJsonValue(value) : QJsonValue(); };
    return {{u"state"_s, ArchiveStatus::stateName(archive.state)},
            {u"hour"_s, timeOrNull(archive.hour)},
            {u"bytes_done"_s, archive.bytesDone},
            {u"bytes_total"_s, number(archive.bytesTotal)},
            {u"bytes_per_second"_s, archive.bytesPerSecond},
            {u"next_attempt"_s, timeOrNull(archive.nextAttempt)},
            {u"last_error"_s,
             archive.lastError.isEmpty() ? QJsonValue() : QJsonValue(archive.lastError)},
            {u"last_stored_hour"_s, timeOrNull(archive.lastStoredHour)},
            {u"hours_stored"_s, archive.hoursStored},
            {u"disk_bytes"_s, archive.diskBytes},
            {u"last_ingest_events"_s, archive.lastIngestEvents},
            {u"last_ingest_events_per_second"_s, archive.lastIngestEventsPerSecond}};
}

bool pollerDegraded(const PollerSnapshot &poller)
{
    using State = PollerSnapshot::State;
    return poller.state == State::BadToken || poller.state == State::Offline
        || poller.state == State::StorageError || poller.state == State::BackingOff;
}

} // namespace

HealthController::HealthController(QueriesSource queries, const PollerSnapshot *poller,
                                   const ArchiveStatus *archive, const HttpMetrics *http,
                                   const QString *damage,
                                   std::function<QList<Scope>()> watchedScopes,
                                   const AlertBoard *alerts)
    : m_queries(std::move(queries))
    , m_poller(poller)
    , m_archive(archive)
    , m_http(http)
    , m_damage(damage)
    , m_watchedScopes(std::move(watchedScopes))
    , m_alerts(alerts)
{
}

QJsonObject HealthController::health() const
{
    const PollerSnapshot &poller = *m_poller;
    QJsonObject store {{u"state"_s, u"ok"_s}, {u"error"_s, QJsonValue()}};
    QJsonValue eventsStored;
    QJsonValue lastEventAt;
    QJsonValue feed;
    try {
        MetricsQueries &queries = m_queries();
        eventsStored = queries.eventsStored();
        const std::optional<qint64> latest = queries.latestEventAt();
        lastEventAt = latest ? QJsonValue(TimeFormat::iso(*latest)) : QJsonValue();
        feed = feedJson(queries);
    } catch (const StoreUnavailable &unavailable) {
        store = {{u"state"_s, u"unavailable"_s}, {u"error"_s, unavailable.message}};
    }
    if (!m_damage->isEmpty())
        store = {{u"state"_s, u"damaged"_s}, {u"error"_s, *m_damage}};
    const bool degraded = pollerDegraded(poller) || store[u"state"_s] != u"ok"_s;
    return {{u"status"_s, degraded ? u"degraded"_s : u"ok"_s},
            {u"version"_s, QStringLiteral(GHM_VERSION)},
            {u"store"_s, store},
            {u"events_stored"_s, eventsStored},
            {u"last_event_at"_s, lastEventAt},
            {u"poller"_s, pollerJson(poller)},
            {u"budget"_s, budgetJson(poller)},
            {u"feed"_s, feed},
            {u"archive"_s, archiveJson(*m_archive)}};
}

QList<Endpoint> HealthController::endpoints() const
{
    const QJsonObject healthSchema
        = OpenApi::objectSchema({{u"status"_s, OpenApi::typed("string")},
                                 {u"version"_s, OpenApi::typed("string")},
                                 {u"store"_s, OpenApi::typed("object")},
                                 {u"events_stored"_s, OpenApi::typed("integer", true)},
                                 {u"last_event_at"_s, OpenApi::typed("string", true)},
                                 {u"poller"_s, OpenApi::typed("object")},
                                 {u"budget"_s, OpenApi::typed("object")},
                                 {u"feed"_s, OpenApi::typed("object", true)},
                                 {u"archive"_s, OpenApi::typed("object")}});
    return {
        {Routes::health,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &) { return JsonAnswer::of(health()); },
         OpenApi::get(u"Service health, store and poller state"_s, {},
                      {{u"200"_s, OpenApi::jsonResponse(u"health"_s, OpenApi::ref(u"Health"_s))}}),
         {{u"Health"_s, healthSchema}},
         Endpoint::Runs::OnServer},
        {Routes::prometheus,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &) {
             MetricsQueries &queries = m_queries();
             const TimeWindow lastHour = TimeWindow::endingAt(MetricsQueries::currentTime(), 60);
             QList<ScopeHour> scopes;
             for (const Scope &scope : m_watchedScopes()) {
                 if (!scope.repositories.isEmpty() || !scope.organizations.isEmpty())
                     scopes.append({scope.name, queries.typeCounts(lastHour, scope),
                                    queries.quality(lastHour, scope)});
             }
             return QHttpServerResponse(
                 "text/plain; version=0.0.4; charset=utf-8",
                 Prometheus::render(queries.eventTotalsByType(), queries.quarantinedEvents(),
                                    *m_poller, *m_archive)
                     + Prometheus::renderSources(queries.sourceHours(lastHour),
                                                 queries.quality(lastHour))
                     + Prometheus::renderScopes(scopes) + Prometheus::renderAlerts(*m_alerts)
                     + m_http->render());
         },
         OpenApi::get(u"Prometheus metrics (text exposition format 0.0.4)"_s, {},
                      {{u"200"_s, OpenApi::textResponse(u"text/plain"_s, u"metrics"_s)}}),
         {},
         Endpoint::Runs::OnServer}};
}
