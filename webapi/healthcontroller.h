#pragma once

#include "endpoint.h"

class HttpMetrics;
struct AlertBoard;
struct ArchiveStatus;
struct PollerSnapshot;

// /api/health and /metrics, answered on the server thread: they never wait behind a metric.
// Health never fails when the store cannot answer: it reports it, with status "degraded".
class HealthController
{
public:
    // `poller`, `archive`, `http` and `damage` belong to the server and outlive this
    // controller; `damage` is what the integrity check found wrong with the store.
    // `watchedScopes`: the watched scope and each group, now; `alerts` belongs to the
    // server too.
    HealthController(QueriesSource queries, const PollerSnapshot *poller,
                     const ArchiveStatus *archive, const HttpMetrics *http, const QString *damage,
                     std::function<QList<Scope>()> watchedScopes, const AlertBoard *alerts);
    QList<Endpoint> endpoints() const;

    // -> {status: ok|degraded, version, store{state: ok|unavailable|damaged, error}, events_stored,
    // last_event_at,
    //     poller{...}, archive{...}}; events_stored and last_event_at are null while the store is
    //     down
    QJsonObject health() const;

private:
    QueriesSource m_queries;
    const PollerSnapshot *m_poller;
    const ArchiveStatus *m_archive;
    const HttpMetrics *m_http;
    const QString *m_damage;
    std::function<QList<Scope>()> m_watchedScopes;
    const AlertBoard *m_alerts;
};
