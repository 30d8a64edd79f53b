#pragma once

#include "storelocation.h"

#include "githubpoller.h"
#include "prometheus.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class MetricsController;
class MetricsQueries;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class Watchlist;

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
    };
    // Extra GET routes that answer with non-JSON content (the dashboard, from ui/).
    // `argument` is the pattern's one <arg>, if it has one. May throw ApiError.
    using PageHandler = std::function<QHttpServerResponse(const QString &argument,
                                                          const QHttpServerRequest &request)>;

    // Whether an answer may be reused until the data changes, and whether it also moves
    // with the clock (a window ending "now").
    enum class Caching { Off, ByRequest, ByRequestAndSecond };

    explicit ApiServer(const Options &options, QObject *parent = nullptr);
    ~ApiServer() override;

    // Before start(): `pattern` as in QHttpServer::route, answered by `handler`.
    void addPage(const QString &pattern, const QString &routeName, PageHandler handler);

    Q_INVOKABLE void start();
    Q_INVOKABLE void setPollerSnapshot(const PollerSnapshot &snapshot);
    // Before start(): enables /api/watchlist.
    void setWatchlist(Watchlist *watchlist) { m_watchlist = watchlist; }

    // The routes the OpenAPI document must describe.
    static QStringList documentedRoutes();

signals:
    void listening(const QString &url);
    void failed(const QString &message);

private:
    // `allowed`: GET, or a comma-separated list of write methods ("PUT, DELETE").
    QHttpServerResponse respond(const QHttpServerRequest &request, const QString &route,
                                const std::function<QHttpServerResponse()> &handler,
                                Caching caching = Caching::Off, const QByteArray &allowed = "GET");
    std::optional<QHttpServerResponse> cachedResponse(const QByteArray &key);
    QHttpServerResponse compute(const QHttpServerRequest &request,
                                const std::function<QHttpServerResponse()> &handler,
                                Caching caching, const QByteArray &allowed);
    void registerWatchlistRoutes();
    std::optional<QHttpServerResponse> refuse(const QHttpServerRequest &request) const;
    bool hostAllowed(const QByteArray &host) const;
    void registerRoutes();
    void addCommonHeaders(QHttpServerResponse &response, const QHttpServerRequest &request) const;

    Options m_options;
    QHttpServer *m_server = nullptr;
    std::unique_ptr<MetricsQueries> m_queries;
    std::unique_ptr<MetricsController> m_controller;
    PollerSnapshot m_poller;
    Watchlist *m_watchlist = nullptr;
    HttpMetrics m_httpMetrics;
    QList<std::tuple<QString, QString, PageHandler>> m_pages;
    QString m_url;

    // Metric answers by request and second, valid while the stores' data version holds.
    QHash<QByteArray, QByteArray> m_cache;
    qint64 m_cacheVersion = -1;
};
