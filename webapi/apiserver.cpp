#include "apiserver.h"

#include "apierror.h"
#include "guardedserver.h"
#include "healthcontroller.h"
#include "metricscontroller.h"
#include "metricsqueries.h"
#include "openapi.h"
#include "routes.h"
#include "watchlistcontroller.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcApi, "ghm.api")

namespace {

const QByteArray jsonType = "application/json; charset=utf-8";
constexpr int retryAfterSeconds = 5; // what a 503 for an unavailable store asks clients to wait

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

// The answer to HEAD: GET's status and headers, no body.
QHttpServerResponse withoutBody(const QHttpServerResponse &response)
{
    QHttpServerResponse head(response.mimeType(), QByteArray(), response.statusCode());
    for (const QByteArray &name : {QByteArray("Retry-After"), QByteArray("Allow")}) {
        if (response.hasHeader(name))
            head.setHeader(name, response.headers(name).constFirst());
    }
    return head;
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

} // namespace

ApiServer::ApiServer(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
}

ApiServer::~ApiServer() = default;

void ApiServer::start()
{
    m_queries = std::make_unique<MetricsQueries>(m_options.store);
    // A store that cannot be opened yet is not fatal: reads answer 503 and try again.
    if (QString openError; !m_queries->open(&openError))
        qCWarning(lcApi).noquote() << "the store is unavailable for now:" << openError;
    m_metrics = std::make_unique<MetricsController>(m_queries.get());
    m_health = std::make_unique<HealthController>(m_queries.get(), &m_poller, &m_httpMetrics);
    m_watchlistController = std::make_unique<WatchlistController>(m_watchlist);
    m_dashboard = std::make_unique<DashboardPagesController>(m_queries.get(), m_painter);
    m_server = new QHttpServer(this);
    registerRoutes();
    const QHostAddress address = m_options.host == "localhost"_L1
        ? QHostAddress(QHostAddress::LocalHost)
        : QHostAddress(m_options.host);
    auto *tcp = new GuardedServer(m_options.limits, m_server);
    const quint16 port = tcp->listen(address, quint16(m_options.port)) ? tcp->serverPort() : 0;
    if (port != 0)
        m_server->bind(tcp);
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

void ApiServer::serve(const Endpoint &endpoint)
{
    const QString pattern = endpoint.route.pattern();
    const auto respondWith
        = [this, endpoint](const QStringList &path, const QHttpServerRequest &request) {
              return respond(request, endpoint, [&] { return endpoint.handler(path, request); });
          };
    switch (pattern.count("<arg>"_L1)) {
    case 0:
        m_server->route(pattern, [respondWith](const QHttpServerRequest &request) {
            return respondWith({}, request);
        });
        break;
    case 1:
        m_server->route(pattern,
                        [respondWith](const QString &first, const QHttpServerRequest &request) {
                            return respondWith({first}, request);
                        });
        break;
    default:
        m_server->route(pattern,
                        [respondWith](const QString &first, const QString &second,
                                      const QHttpServerRequest &request) {
                            return respondWith({first, second}, request);
                        });
    }
}

void ApiServer::registerRoutes()
{
    m_endpoints = m_metrics->endpoints() + m_watchlistController->endpoints()
        + m_health->endpoints() + m_dashboard->endpoints();
    m_endpoints.append(
        {Routes::openApi,
         Caching::Off,
         [this](const QStringList &, const QHttpServerRequest &) {
             return json(OpenApi::document(m_url, m_endpoints, !m_options.token.isEmpty()));
         },
         OpenApi::get(u"This document"_s, {},
                      {{u"200"_s,
                        OpenApi::jsonResponse(u"OpenAPI 3 document"_s, OpenApi::typed("object"))}}),
         {}});
    for (const Endpoint &endpoint : std::as_const(m_endpoints))
        serve(endpoint);
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

QHttpServerResponse ApiServer::respond(const QHttpServerRequest &request, const Endpoint &endpoint,
                                       const Handler &handler)
{
    QElapsedTimer timer;
    timer.start();
    Caching caching = endpoint.caching;
    if (caching == Caching::ByRequestAndSecond && QUrlQuery(request.url()).hasQueryItem(u"at"_s))
        caching = Caching::ByRequest; // an explicit end does not move with the clock
    QHttpServerResponse response
        = compute(request, handler, caching, QByteArray(endpoint.route.methods));
    m_httpMetrics.record(endpoint.route.name(), int(response.statusCode()),
                         double(timer.nsecsElapsed()) / 1e9);
    return response;
}

QHttpServerResponse ApiServer::compute(const QHttpServerRequest &request, const Handler &handler,
                                       Caching caching, const QByteArray &allowed)
{
    using Method = QHttpServerRequest::Method;
    // HEAD wherever GET is, and OPTIONS everywhere (a browser's CORS preflight).
    QByteArray methods = allowed;
    if (allowed.contains("GET"))
        methods += ", HEAD";
    methods += ", OPTIONS";
    if (request.method() == Method::Options) {
        // A preflight carries no credentials: only the Host is checked.
        if (!hostAllowed(request.value("Host")))
            return error(403, u"this Host is not allowed"_s);
        QHttpServerResponse preflight(QHttpServerResponse::StatusCode::NoContent);
        preflight.setHeader("Allow", methods);
        preflight.setHeader("Access-Control-Allow-Methods", methods);
        preflight.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
        preflight.setHeader("Access-Control-Max-Age", "600");
        return preflight;
    }
    if (auto refusal = refuse(request))
        return std::move(*refusal);
    const bool head = request.method() == Method::Head;
    const QByteArray method = head
        ? QByteArray("GET")
        : QByteArray(QMetaEnum::fromType<Method>().valueToKey(int(request.method()))).toUpper();
    const QList<QByteArray> accepted = allowed.split(',');
    const bool isAllowed
        = std::any_of(accepted.cbegin(), accepted.cend(),
                      [&](const QByteArray &each) { return each.trimmed() == method; });
    if (!isAllowed) {
        QHttpServerResponse notAllowed
            = error(405, u"allowed here: %1"_s.arg(QString::fromLatin1(methods)));
        notAllowed.setHeader("Allow", methods);
        return notAllowed;
    }
    try {
        QHttpServerResponse response = cachedOrComputed(request, handler, caching);
        return head ? withoutBody(response) : std::move(response);
    } catch (const ApiError &apiError) {
        QHttpServerResponse response = error(apiError.status, apiError.message, apiError.parameter);
        if (apiError.retryAfterSeconds > 0)
            response.setHeader("Retry-After", QByteArray::number(apiError.retryAfterSeconds));
        return response;
    } catch (const StoreUnavailable &unavailable) {
        qCWarning(lcApi).noquote() << "store unavailable:" << unavailable.message;
        QHttpServerResponse response
            = error(503, u"the database is unavailable: %1"_s.arg(unavailable.message));
        response.setHeader("Retry-After", QByteArray::number(retryAfterSeconds));
        return response;
    }
}

QHttpServerResponse ApiServer::cachedOrComputed(const QHttpServerRequest &request,
                                                const Handler &handler, Caching caching)
{
    QByteArray key;
    if (caching != Caching::Off)
        key = request.url().toEncoded();
    if (caching == Caching::ByRequestAndSecond)
        key += ' ' + QByteArray::number(QDateTime::currentSecsSinceEpoch());
    if (!key.isEmpty()) {
        if (auto cached = cachedResponse(key))
            return std::move(*cached);
    }
    QHttpServerResponse response = handler();
    if (!key.isEmpty() && response.statusCode() == QHttpServerResponse::StatusCode::Ok) {
        const qint64 size = response.data().size() + key.size();
        if (m_cacheBytes + size > m_options.limits.cacheBytes) {
            m_cache.clear();
            m_cacheBytes = 0;
        }
        if (size <= m_options.limits.cacheBytes) {
            m_cache.insert(key, response.data());
            m_cacheBytes += size;
        }
    }
    return response;
}

std::optional<QHttpServerResponse> ApiServer::cachedResponse(const QByteArray &key)
{
    const qint64 version = m_queries->dataVersion();
    if (version != m_cacheVersion) {
        m_cache.clear();
        m_cacheBytes = 0;
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

// Host is "name[:port]", "a.b.c.d[:port]" or "[ipv6][:port]", and nothing else: a loopback
// name or address, the bind address, or a name of GHM_API_ALLOWED_HOSTS.
bool ApiServer::hostAllowed(const QByteArray &hostHeader) const
{
    static const QRegularExpression syntax(
        uR"(^(?:\[([0-9a-f:.]+)\]|([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?))(?::([0-9]{1,5}))?$)"_s);
    const QRegularExpressionMatch match = syntax.match(QString::fromLatin1(hostHeader).toLower());
    if (!match.hasMatch() || (match.hasCaptured(4) && match.captured(4).toInt() > 65535))
        return false;
    const QString host = match.hasCaptured(1) ? match.captured(1) : match.captured(2);
    if (host == "localhost"_L1 || host == m_options.host.toLower()
        || m_options.allowedHosts.contains(host))
        return true;
    // An IPv4 address in full: four numbers, so "127.1" is no shorthand for 127.0.0.1.
    static const QRegularExpression ipv4(uR"(^\d{1,3}(\.\d{1,3}){3}$)"_s);
    if (!match.hasCaptured(1) && !ipv4.match(host).hasMatch())
        return false;
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
