#include "prometheus.h"

#include "alert/alertengine.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"

#include <QMap>

#include <array>

namespace {

constexpr std::array latencyBuckets {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                     0.05,   0.1,   0.25,   0.5,   1.0};

QByteArray escaped(const QString &label)
{
    return label.toUtf8().replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
}

void header(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

} // namespace

void HttpMetrics::record(const QString &route, int status, double seconds)
{
    const QMutexLocker locker(&m_mutex);
    ++m_requests[{route, status}];
    Histogram &histogram = m_latency[route];
    if (histogram.buckets.isEmpty())
        histogram.buckets.resize(qsizetype(latencyBuckets.size()));
    for (size_t i = 0; i < latencyBuckets.size(); ++i) {
        if (seconds <= latencyBuckets[i]) {
            ++histogram.buckets[qsizetype(i)];
            break;
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
}

QByteArray HttpMetrics::render() const
{
    const QMutexLocker locker(&m_mutex);
    QByteArray out;
    header(out, "ghm_http_requests_total", "counter", "HTTP requests by route and status.");
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        out += "ghm_http_requests_total{route=\"" + escaped(it.key().first) + "\",status=\""
            + QByteArray::number(it.key().second) + "\"} " + QByteArray::number(it.value()) + '\n';
    header(out, "ghm_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
    for (auto it = m_latency.cbegin(); it != m_latency.cend(); ++it) {
        const QByteArray route = escaped(it.key());
        qint64 cumulative = 0;
        for (size_t i = 0; i < latencyBuckets.size(); ++i) {
            cumulative += it->buckets[qsizetype(i)];
            out += "ghm_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\""
                + QByteArray::number(latencyBuckets[i]) + "\"} " + QByteArray::number(cumulative)
                + '\n';
        }
        out += "ghm_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} "
            + QByteArray::number(it->count) + '\n';
        out += "ghm_http_request_duration_seconds_sum{route=\"" + route + "\"} "
            + QByteArray::number(it->sum, 'g', 9) + '\n';
        out += "ghm_http_request_duration_seconds_count{route=\"" + route + "\"} "
            + QByteArray::number(it->count) + '\n';
    }
    return out;
}

QByteArray Prometheus::renderSources(const QList<SourceHour> &lastHour,
                                     const WindowQuality &quality)
{
    QMap<QString, SourceHour> bySource; // the latest hour of each source
    for (const SourceHour &hour : lastHour) {
        if (!bySource.contains(hour.source) || bySource[hour.source].hour < hour.hour)
            bySource.insert(hour.source, hour);
    }
    QByteArray out;
    header(out, "ghm_source_new_events", "gauge",
           "Events a source brought first in its latest measured hour.");
    for (const SourceHour &hour : std::as_const(bySource))
        out += "ghm_source_new_events{source=\"" + escaped(hour.source) + "\"} "
            + QByteArray::number(hour.newEvents) + '\n';
    header(out, "ghm_source_yield", "gauge",
           "New distinct events per request of a source in its latest measured hour.");
    for (const SourceHour &hour : std::as_const(bySource)) {
        if (hour.yield())
            out += "ghm_source_yield{source=\"" + escaped(hour.source) + "\"} "
                + QByteArray::number(*hour.yield(), 'g', 6) + '\n';
    }
    header(out, "ghm_source_degraded_types", "gauge",
           "Types far below the reference mix in a source's latest measured hour.");
    for (const SourceHour &hour : std::as_const(bySource))
        out += "ghm_source_degraded_types{source=\"" + escaped(hour.source) + "\"} "
            + QByteArray::number(hour.degradedTypes.size()) + '\n';
    header(out, "ghm_feed_degraded", "gauge",
           "1 when the last hour's numbers hold lower bounds (degraded types), else 0.");
    out += "ghm_feed_degraded " + QByteArray(quality.degradedTypes.isEmpty() ? "0" : "1") + '\n';
    header(out, "ghm_feed_settle_seconds", "gauge",
           "The live sources' p99 arrival lag: how long after its end an hour settles "
           "(-1 unmeasured).");
    out += "ghm_feed_settle_seconds " + QByteArray::number(quality.settleSeconds.value_or(-1))
        + '\n';
    return out;
}

QByteArray Prometheus::renderScopes(const QList<ScopeHour> &scopes)
{
    QByteArray out;
    header(out, "ghm_scope_events", "gauge",
           "Events in the last hour of a watched scope, by type, from its own feeds.");
    for (const ScopeHour &scope : scopes) {
        for (const KeyCount &type : scope.types)
            out += "ghm_scope_events{scope=\"" + escaped(scope.scope) + "\",type=\""
                + escaped(type.key) + "\"} " + QByteArray::number(type.count) + '\n';
    }
    header(out, "ghm_scope_lower_bound", "gauge",
           "1 when a scope's last-hour counts are lower bounds (a feed gap, a feed read late, "
           "or degraded types), else 0.");
    for (const ScopeHour &scope : scopes)
        out += "ghm_scope_lower_bound{scope=\"" + escaped(scope.scope) + "\"} "
            + QByteArray(scope.quality.hasLowerBounds() ? "1" : "0") + '\n';
    header(out, "ghm_scope_feed_gaps", "gauge",
           "Polls of a scope's feeds in the last hour that missed events.");
    for (const ScopeHour &scope : scopes)
        out += "ghm_scope_feed_gaps{scope=\"" + escaped(scope.scope) + "\"} "
            + QByteArray::number(scope.quality.feedGaps.size()) + '\n';
    return out;
}

QByteArray Prometheus::renderAlerts(const AlertBoard &alerts)
{
    QByteArray out;
    header(out, "ALERTS", "gauge", "Pending and firing alerts, as Prometheus names them.");
    for (const Alert &alert : alerts.active) {
        QByteArray labels = "alertname=\"" + escaped(alert.rule) + "\",alertstate=\""
            + escaped(Alert::stateName(alert.state)) + '"';
        if (!alert.repository.isEmpty())
            labels += ",repository=\"" + escaped(alert.repository) + '"';
        for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
            labels += ',' + it.key().toUtf8() + "=\"" + escaped(it.value()) + '"';
        out += "ALERTS{" + labels + "} 1\n";
    }
    return out;
}

QByteArray Prometheus::render(const QList<std::pair<QString, qint64>> &eventsByType,
                              qint64 quarantined, const PollerSnapshot &poller,
                              const ArchiveStatus &archive)
{
    QByteArray out;
    header(out, "ghm_events_ingested_total", "counter", "Events stored in silver, by type.");
    for (const auto &[type, count] : eventsByType)
        out += "ghm_events_ingested_total{type=\"" + escaped(type) + "\"} "
            + QByteArray::number(count) + '\n';
    header(out, "ghm_poll_requests_total", "counter", "Requests to GitHub by outcome.");
    qint64 faults = 0;
    for (auto it = poller.faults.cbegin(); it != poller.faults.cend(); ++it) {
        out += "ghm_poll_requests_total{outcome=\"" + escaped(it.key()) + "\"} "
            + QByteArray::number(it.value()) + '\n';
        faults += it.value();
    }
    out += "ghm_poll_requests_total{outcome=\"not_modified\"} "
        + QByteArray::number(poller.notModified) + '\n';
    out += "ghm_poll_requests_total{outcome=\"ok\"} "
        + QByteArray::number(std::max<qint64>(poller.requests - poller.notModified - faults, 0))
        + '\n';
    header(out, "ghm_rate_limit_remaining", "gauge",
           "GitHub rate-limit requests remaining (-1 unknown).");
    out += "ghm_rate_limit_remaining " + QByteArray::number(poller.rateLimit.remaining) + '\n';
    header(out, "ghm_rate_budget_requests", "gauge",
           "Requests each source spent of the current rate-limit window (304s are free).");
    for (auto it = poller.budgetSpent.cbegin(); it != poller.budgetSpent.cend(); ++it)
        out += "ghm_rate_budget_requests{source=\"" + escaped(it.key()) + "\"} "
            + QByteArray::number(it.value()) + '\n';
    header(out, "ghm_bronze_pages_total", "counter", "Pages written to bronze by this process.");
    out += "ghm_bronze_pages_total " + QByteArray::number(poller.pages) + '\n';
    header(out, "ghm_polls_without_overlap_total", "counter",
           "Polls that shared no event with the previous one: events were missed.");
    out += "ghm_polls_without_overlap_total " + QByteArray::number(poller.pollsWithoutOverlap)
        + '\n';
    header(out, "ghm_archive_files_stored_total", "counter",
           "GH Archive files (one per hour) stored in bronze by this process.");
    out += "ghm_archive_files_stored_total " + QByteArray::number(archive.hoursStored) + '\n';
    header(out, "ghm_archive_disk_bytes", "gauge", "Bytes that bronze/archive holds.");
    out += "ghm_archive_disk_bytes " + QByteArray::number(archive.diskBytes) + '\n';
    header(out, "ghm_quarantined_events_total", "counter", "Invalid events kept in quarantine.");
    out += "ghm_quarantined_events_total " + QByteArray::number(quarantined) + '\n';
    return out;
}
