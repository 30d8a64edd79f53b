#pragma once

#include "config.h"
#include "dashboardpagescontroller.h"
#include "githubpoller.h"
#include "prometheus.h"
#include "storelocation.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class HealthController;
class MetricsController;
class MetricsQueries;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class Watchlist;
class WatchlistController;

// The REST API (QHttpServer). Lives on its own thread with its own read-only connection:
// create it, move it to that thread, then invoke start() there.
class ApiServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        StoreLocation store;
        QString host = QStringLiteral("127.0.0.1");
        int port = 8000;
        QString token; // required as a bearer token when set
        QStringList corsOrigins; // no CORS header unless the Origin is listed
        QStringList allowedHosts; // Host names accepted beyond loopback, lower case
        ApiLimits limits;
    };
    explicit ApiServer(const Options &options, QObject *parent = nullptr);
    ~ApiServer() override;

    // Before start(): draws the /dashboard PNGs (from ui/, in the GUI thread).
    void setPanelPainter(DashboardPagesController::PanelPainter painter)
    {
        m_painter = std::move(painter);
    }

    Q_INVOKABLE void start();
    Q_INVOKABLE void setPollerSnapshot(const PollerSnapshot &snapshot);
    // Before start(): enables /api/watchlist.
    void setWatchlist(Watchlist *watchlist) { m_watchlist = watchlist; }

signals:
    void listening(const QString &url);
    void failed(const QString &message);

private:
    using Handler = std::function<QHttpServerResponse()>;
    void serve(const Endpoint &endpoint);
    QHttpServerResponse respond(const QHttpServerRequest &request, const Endpoint &endpoint,
                                const Handler &handler);
    std::optional<QHttpServerResponse> cachedResponse(const QByteArray &key);
    QHttpServerResponse compute(const QHttpServerRequest &request, const Handler &handler,
                                Caching caching, const QByteArray &allowed);
    QHttpServerResponse cachedOrComputed(const QHttpServerRequest &request, const Handler &handler,
                                         Caching caching);
    std::optional<QHttpServerResponse> refuse(const QHttpServerRequest &request) const;
    bool hostAllowed(const QByteArray &host) const;
    void registerRoutes();
    void addCommonHeaders(QHttpServerResponse &response, const QHttpServerRequest &request) const;

    Options m_options;
    QHttpServer *m_server = nullptr;
    std::unique_ptr<MetricsQueries> m_queries;
    std::unique_ptr<MetricsController> m_metrics;
    std::unique_ptr<HealthController> m_health;
    std::unique_ptr<WatchlistController> m_watchlistController;
    std::unique_ptr<DashboardPagesController> m_dashboard;
    QList<Endpoint> m_endpoints;
    DashboardPagesController::PanelPainter m_painter;
    PollerSnapshot m_poller;
    Watchlist *m_watchlist = nullptr;
    HttpMetrics m_httpMetrics;
    QString m_url;

    // Metric answers by request and second, valid while the stores' data version holds.
    QHash<QByteArray, QByteArray> m_cache;
    qint64 m_cacheVersion = -1;
    qint64 m_cacheBytes = 0; // of keys and answers, at most limits.cacheBytes
};
