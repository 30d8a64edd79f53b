#include "apiserver.h"

#include "apierror.h"
#include "metricscontroller.h"
#include "metricsqueries.h"
#include "openapi.h"
#include "watchlist.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMetaEnum>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcApi, "ghm.api")

namespace {

const QByteArray jsonType = "application/json; charset=utf-8";
constexpr qsizetype maxCachedResponses = 4096;

QHttpServerResponse json(const QJsonObject &object,
                         QHttpServerResponse::StatusCode status
                         = QHttpServerResponse::StatusCode::Ok)
{
    return QHttpServerResponse(jsonType, QJsonDocument(object).toJson(QJsonDocument::Compact),
                               status);
}

QHttpServerResponse error(int status, const QString &message, const QString &parameter = {})
{
    QJsonObject body {{u"error"_s, message}};
    if (!parameter.isEmpty())
        body.insert(u"parameter"_s, parameter);
    return json(body, QHttpServerResponse::StatusCode(status));
}

// Comparison in constant time, so the token cannot be guessed byte by byte.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

// A window that ends "now" moves every second; one with an explicit `at` does not.
ApiServer::Caching windowCaching(const QHttpServerRequest &request)
{
    return QUrlQuery(request.url()).hasQueryItem(u"at"_s) ? ApiServer::Caching::ByRequest
                                                          : ApiServer::Caching::ByRequestAndSecond;
}

} // namespace

ApiServer::ApiServer(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
}

ApiServer::~ApiServer() = default;

void ApiServer::addPage(const QString &pattern, const QString &routeName, PageHandler handler)
{
    m_pages.append({pattern, routeName, std::move(handler)});
}

QStringList ApiServer::documentedRoutes()
{
    return {u"/api/events/count"_s,
            u"/api/repository/{owner}/{name}/avg_pr_time"_s,
            u"/api/repository/{owner}/{name}/pull_requests"_s,
            u"/api/repositories/active"_s,
            u"/api/watchlist"_s,
            u"/api/watchlist/{owner}/{name}"_s,
            u"/api/health"_s,
            u"/api/openapi.json"_s,
            u"/metrics"_s};
}

void ApiServer::start()
{
    m_queries = std::make_unique<MetricsQueries>(m_options.store);
    QString openError;
    if (!m_queries->open(&openError)) {
        emit failed(u"API off: %1"_s.arg(openError));
        return;
    }
    m_controller = std::make_unique<MetricsController>(m_queries.get());
    m_server = new QHttpServer(this);
    registerRoutes();
    const QHostAddress address = m_options.host == "localhost"_L1
        ? QHostAddress(QHostAddress::LocalHost)
        : QHostAddress(m_options.host);
    const quint16 port = m_server->listen(address, quint16(m_options.port));
    if (port == 0) {
        const QString message
            = u"API off: cannot listen on %1:%2 (is the port already in use?)"_s.arg(m_options.host)
                  .arg(m_options.port);
        qCWarning(lcApi).noquote() << message;
        emit failed(message);
        return;
    }
    if (!address.isLoopback())
        qCWarning(lcApi).noquote() << "the API listens beyond loopback on" << m_options.host
                                   << "and requires the bearer token from GHM_API_TOKEN";
    m_url = u"http://%1:%2"_s
                .arg(address.protocol() == QAbstractSocket::IPv6Protocol
                         ? u'[' + address.toString() + u']'
                         : address.toString())
                .arg(port);
    qCInfo(lcApi).noquote() << "API listening on" << m_url;
    emit listening(m_url);
}

void ApiServer::setPollerSnapshot(const PollerSnapshot &snapshot)
{
    m_poller = snapshot;
}

void ApiServer::registerRoutes()
{
    m_server->route(u"/api/events/count"_s, [this](const QHttpServerRequest &request) {
        return respond(
            request, u"/api/events/count"_s,
            [&] {
                return json(m_controller->eventCount(QUrlQuery(request.url()),
                                                     MetricsQueries::currentTime()));
            },
            windowCaching(request));
    });
    m_server->route(
        u"/api/repository/<arg>/<arg>/avg_pr_time"_s,
        [this](const QString &owner, const QString &name, const QHttpServerRequest &request) {
            return respond(
                request, u"/api/repository/{owner}/{name}/avg_pr_time"_s,
                [&] { return json(m_controller->averagePullRequestTime(owner, name)); },
                Caching::ByRequest);
        });
    // One segment where owner/name belongs: a malformed repository, not an unknown path.
    m_server->route(u"/api/repository/<arg>/avg_pr_time"_s,
                    [this](const QString &owner, const QHttpServerRequest &request) {
                        return respond(
                            request, u"/api/repository/{owner}/{name}/avg_pr_time"_s, [&] {
                                return json(m_controller->averagePullRequestTime(owner, QString()));
                            });
                    });
    m_server->route(
        u"/api/repository/<arg>/<arg>/pull_requests"_s,
        [this](const QString &owner, const QString &name, const QHttpServerRequest &request) {
            return respond(
                request, u"/api/repository/{owner}/{name}/pull_requests"_s,
                [&] { return json(m_controller->pullRequests(owner, name)); }, Caching::ByRequest);
        });
    registerWatchlistRoutes();
    m_server->route(u"/api/repositories/active"_s, [this](const QHttpServerRequest &request) {
        return respond(
            request, u"/api/repositories/active"_s,
            [&] {
                return json(m_controller->activeRepositories(QUrlQuery(request.url()),
                                                             MetricsQueries::currentTime()));
            },
            windowCaching(request));
    });
    m_server->route(u"/api/health"_s, [this](const QHttpServerRequest &request) {
        return respond(request, u"/api/health"_s,
                       [&] { return json(m_controller->health(m_poller)); });
    });
    m_server->route(u"/api/openapi.json"_s, [this](const QHttpServerRequest &request) {
        return respond(request, u"/api/openapi.json"_s,
                       [&] { return json(OpenApi::document(m_url)); });
    });
    m_server->route(u"/metrics"_s, [this](const QHttpServerRequest &request) {
        return respond(request, u"/metrics"_s, [&] {
            const QByteArray text = Prometheus::render(m_queries->eventTotalsByType(),
                                                       m_queries->quarantinedEvents(), m_poller)
                + m_httpMetrics.render();
            return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8", text);
        });
    });
    for (const auto &[pattern, routeName, handler] : std::as_const(m_pages)) {
        if (pattern.contains("<arg>"_L1)) {
            m_server->route(pattern,
                            [this, routeName, handler](const QString &argument,
                                                       const QHttpServerRequest &request) {
                                return respond(request, routeName,
                                               [&] { return handler(argument, request); });
                            });
        } else {
            m_server->route(pattern, [this, routeName, handler](const QHttpServerRequest &request) {
                return respond(request, routeName, [&] { return handler(QString(), request); });
            });
        }
    }
    m_server->afterRequest(
        [this](QHttpServerResponse &&response, const QHttpServerRequest &request) {
            addCommonHeaders(response, request);
            return std::move(response);
        });
    m_server->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            QElapsedTimer timer;
            timer.start();
            QHttpServerResponse response = refuse(request).value_or(
                error(404, u"no such endpoint: %1"_s.arg(request.url().path())));
            addCommonHeaders(response, request);
            m_httpMetrics.record(u"unknown"_s, int(response.statusCode()),
                                 double(timer.nsecsElapsed()) / 1e9);
            response.write(std::move(responder));
        });
}

void ApiServer::registerWatchlistRoutes()
{
    const auto unavailable = [] { return error(503, u"the watch list is not available here"_s); };
    m_server->route(u"/api/watchlist"_s, [this, unavailable](const QHttpServerRequest &request) {
        return respond(request, u"/api/watchlist"_s, [&] {
            return m_watchlist ? json(WatchlistController(m_watchlist).list()) : unavailable();
        });
    });
    m_server->route(u"/api/watchlist/<arg>/<arg>"_s,
                    [this, unavailable](const QString &owner, const QString &name,
                                        const QHttpServerRequest &request) {
                        return respond(
                            request, u"/api/watchlist/{owner}/{name}"_s,
                            [&] {
                                if (!m_watchlist)
                                    return unavailable();
                                WatchlistController controller(m_watchlist);
                                return json(request.method() == QHttpServerRequest::Method::Put
                                                ? controller.add(owner, name)
                                                : controller.remove(owner, name));
                            },
                            Caching::Off, "PUT, DELETE");
                    });
}

QHttpServerResponse ApiServer::respond(const QHttpServerRequest &request, const QString &route,
                                       const std::function<QHttpServerResponse()> &handler,
                                       Caching caching, const QByteArray &allowed)
{
    QElapsedTimer timer;
    timer.start();
    QHttpServerResponse response = compute(request, handler, caching, allowed);
    m_httpMetrics.record(route, int(response.statusCode()), double(timer.nsecsElapsed()) / 1e9);
    return response;
}

QHttpServerResponse ApiServer::compute(const QHttpServerRequest &request,
                                       const std::function<QHttpServerResponse()> &handler,
                                       Caching caching, const QByteArray &allowed)
{
    if (auto refusal = refuse(request))
        return std::move(*refusal);
    const QByteArray method
        = QByteArray(
              QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(request.method())))
              .toUpper();
    const QList<QByteArray> methods = allowed.split(',');
    const bool isAllowed
        = std::any_of(methods.cbegin(), methods.cend(),
                      [&](const QByteArray &each) { return each.trimmed() == method; });
    if (!isAllowed) {
        QHttpServerResponse notAllowed
            = error(405, u"allowed here: %1"_s.arg(QString::fromLatin1(allowed)));
        notAllowed.setHeader("Allow", allowed);
        return notAllowed;
    }
    QByteArray key;
    if (caching != Caching::Off)
        key = request.url().toEncoded();
    if (caching == Caching::ByRequestAndSecond)
        key += ' ' + QByteArray::number(QDateTime::currentSecsSinceEpoch());
    if (!key.isEmpty()) {
        if (auto cached = cachedResponse(key))
            return std::move(*cached);
    }
    try {
        QHttpServerResponse response = handler();
        if (!key.isEmpty() && response.statusCode() == QHttpServerResponse::StatusCode::Ok) {
            if (m_cache.size() >= maxCachedResponses)
                m_cache.clear();
            m_cache.insert(key, response.data());
        }
        return response;
    } catch (const ApiError &apiError) {
        return error(apiError.status, apiError.message, apiError.parameter);
    }
}

std::optional<QHttpServerResponse> ApiServer::cachedResponse(const QByteArray &key)
{
    const qint64 version = m_queries->dataVersion();
    if (version != m_cacheVersion) {
        m_cache.clear();
        m_cacheVersion = version;
        return std::nullopt;
    }
    const auto it = m_cache.constFind(key);
    if (it == m_cache.cend())
        return std::nullopt;
    return QHttpServerResponse(jsonType, it.value());
}

// The Host check defends against DNS rebinding; the token guards non-loopback binds.
std::optional<QHttpServerResponse> ApiServer::refuse(const QHttpServerRequest &request) const
{
    if (!hostAllowed(request.value("Host")))
        return error(403, u"this Host is not allowed"_s);
    if (!m_options.token.isEmpty()
        && !sameSecret(request.value("Authorization"), "Bearer " + m_options.token.toUtf8())) {
        QHttpServerResponse unauthorized = error(401, u"a bearer token is required"_s);
        unauthorized.setHeader("WWW-Authenticate", "Bearer");
        return unauthorized;
    }
    return std::nullopt;
}

bool ApiServer::hostAllowed(const QByteArray &hostHeader) const
{
    QString host = QString::fromLatin1(hostHeader).trimmed().toLower();
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.indexOf(u']') - 1);
    } else if (host.count(u':') == 1) {
        host = host.left(host.indexOf(u':'));
    }
    if (host.isEmpty())
        return false;
    if (host == "localhost"_L1 || host == m_options.host.toLower())
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

void ApiServer::addCommonHeaders(QHttpServerResponse &response,
                                 const QHttpServerRequest &request) const
{
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-store");
    const QByteArray origin = request.value("Origin");
    if (!origin.isEmpty() && m_options.corsOrigins.contains(QString::fromUtf8(origin))) {
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Vary", "Origin");
    }
}
