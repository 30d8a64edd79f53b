#pragma once

#include "alert/alertengine.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "config/config.h"
#include "dashboardpagescontroller.h"
#include "event/pullrequesthorizon.h"
#include "prometheus.h"
#include "store/storelocation.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class HealthController;
class MetricsController;
class MetricsQueries;
class QHttpServer;
class QHttpServerRequest;
class AnswerQueue;
class QHttpServerResponder;
class QHttpServerResponse;
class ReaderPool;
class Watchlist;
class AlertsController;
class WatchlistController;

// The REST API (QHttpServer). Lives on its own thread, which checks requests and answers the
// quick ones (health) with its own read-only connection; metrics are answered on a pool of
// reader threads, each with its own connection. Create it, move it to its thread, then
// invoke start() there.
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
        int readerThreads = 0; // answering metrics in parallel; 0: one a core, at least 2
        int pullRequestHorizonDays
            = PullRequestHorizon::defaultDays; // how far back a watched repository's history counts
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
    Q_INVOKABLE void setArchiveStatus(const ArchiveStatus &status);
    Q_INVOKABLE void setAlerts(const AlertBoard &alerts);
    // What the integrity check found wrong with the store (empty: sound), for health.
    Q_INVOKABLE void setStoreDamage(const QString &problem);
    // Before start(): enables /api/watchlist.
    void setWatchlist(Watchlist *watchlist) { m_watchlist = watchlist; }

signals:
    void listening(const QString &url);
    void failed(const QString &message);
    // A rule or a silence was changed over the API: the alerts are worth evaluating again.
    void alertSettingsChanged();

private:
    void serve(const Endpoint &endpoint);
    void respond(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                 const Endpoint &endpoint, const QStringList &path);
    std::optional<QHttpServerResponse> answeredBeforeHandler(const QHttpServerRequest &request,
                                                             const Endpoint &endpoint) const;
    static void refuseUnknownParameters(const Endpoint &endpoint, const ApiRequest &request);
    QHttpServerResponse answer(const Endpoint &endpoint, const QStringList &path,
                               const ApiRequest &request, Caching caching);
    QHttpServerResponse cachedOrComputed(const Endpoint &endpoint, const QStringList &path,
                                         const ApiRequest &request, Caching caching);
    QHttpServerResponse answerOf(const Endpoint &endpoint, const QStringList &path,
                                 const ApiRequest &request, const QByteArray &key, qint64 version);
    std::optional<QHttpServerResponse> cachedResponse(const QByteArray &key, qint64 version);
    MetricsQueries &queries();
    std::optional<QHttpServerResponse> refuse(const QHttpServerRequest &request,
                                              bool needsToken = true) const;
    bool hostAllowed(const QByteArray &host) const;
    void registerRoutes();
    void addCommonHeaders(QHttpServerResponse &response, const QByteArray &origin) const;

    Options m_options;
    QHttpServer *m_server = nullptr;
    std::unique_ptr<MetricsQueries> m_queries; // the server thread's
    std::unique_ptr<ReaderPool> m_readers;
    std::unique_ptr<MetricsController> m_metrics;
    std::unique_ptr<HealthController> m_health;
    std::unique_ptr<WatchlistController> m_watchlistController;
    std::unique_ptr<AlertsController> m_alertsController;
    std::unique_ptr<DashboardPagesController> m_dashboard;
    QList<Endpoint> m_endpoints;
    DashboardPagesController::PanelPainter m_painter;
    PollerSnapshot m_poller;
    ArchiveStatus m_archive;
    AlertBoard m_alerts;
    QString m_storeDamage;
    Watchlist *m_watchlist = nullptr;
    HttpMetrics m_httpMetrics;
    QString m_url;
    AnswerQueue *m_answers = nullptr; // a child, made in start() on the server thread

    // Metric answers by request and second, valid while the stores' data version holds.
    QMutex m_cacheMutex;
    QHash<QByteArray, QByteArray> m_cache;
    qint64 m_cacheVersion = -1;
    qint64 m_cacheBytes = 0; // of keys and answers, at most limits.cacheBytes
};
