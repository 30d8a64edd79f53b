#pragma once

#include "query/feedquality.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>

struct AlertBoard;
struct ArchiveStatus;
struct PollerSnapshot;

// Request counts and a latency histogram per route, for /metrics.
class HttpMetrics
{
public:
    void record(const QString &route, int status, double seconds);
    QByteArray render() const;

private:
    struct Histogram
    {
        QList<qint64> buckets; // cumulative counts are computed when rendering
        qint64 count = 0;
        double sum = 0;
    };
    mutable QMutex m_mutex; // requests are recorded from the reader threads
    QMap<std::pair<QString, int>, qint64> m_requests;
    QMap<QString, Histogram> m_latency;
};

// A scope's last hour, for /metrics: its events by type and the quality of its numbers.
struct ScopeHour
{
    QString scope; // "watched" or a group's name
    QList<KeyCount> types;
    WindowQuality quality;
};

// The text exposition format 0.0.4, for the values that are not HTTP counters.
namespace Prometheus {

// The watched scope's and each group's last hour.
QByteArray renderScopes(const QList<ScopeHour> &scopes);
// Prometheus' own ALERTS series: 1 for each pending or firing alert.
QByteArray renderAlerts(const AlertBoard &alerts);
// Each source's measurements over the last hour, and the quality of that hour's numbers.
QByteArray renderSources(const QList<SourceHour> &lastHour, const WindowQuality &quality);
QByteArray render(const QList<std::pair<QString, qint64>> &eventsByType, qint64 quarantined,
                  const PollerSnapshot &poller, const ArchiveStatus &archive);

} // namespace Prometheus
