#pragma once

#include <QByteArray>
#include <QJsonObject>

class MetricsQueries;
struct PollerSnapshot;

// /api/health and the /metrics values that are not HTTP counters. Neither fails when the
// store cannot answer: they report it.
class HealthController
{
public:
    explicit HealthController(MetricsQueries *queries);

    // -> {status: ok|degraded, version, store{state, error}, events_stored, last_event_at,
    //     poller{...}}; events_stored and last_event_at are null while the store is down
    QJsonObject health(const PollerSnapshot &poller);
    // The text exposition format; throws StoreUnavailable
    QByteArray prometheus(const PollerSnapshot &poller);

private:
    MetricsQueries *m_queries;
};
