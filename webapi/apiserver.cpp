#include "apiserver.h"

#include "alertscontroller.h"
#include "answerqueue.h"
#include "apierror.h"
#include "apiparameters.h"
#include "collect/watchlist.h"
#include "config/watchedscope.h"
#include "guardedserver.h"
#include "healthcontroller.h"
#include "jsonanswer.h"
#include "metricscontroller.h"
#include "openapi.h"
#include "query/metricsqueries.h"
#include "readerpool.h"
#include "routes.h"
#include "watchlistcontroller.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QRegularExpression>
#include <QThread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcApi, "ghm.api")

namespace {

constexpr int retryAfterSeconds = 5; // what a 503 for an unavailable store asks clients to wait

QHttpServerResponse error(int status, const QString &message, const QString &parameter = {})
{
    QJsonObject body {{u"error"_s, message}};
    if (!parameter.isEmpty())
        body.insert(u"parameter"_s, parameter);
    return JsonAnswer::of(body, QHttpServerResponse::StatusCode(status));
}

// The answer to HEAD: GET's status and headers, no body.
QHttpServerResponse withoutBody(const QHttpServerResponse &response)
{
    QHttpServerResponse head(response.mimeType(), QByteArray(), response.statusCode());
    for (const QByteArray &name :
         {QByteArray("Retry-After"), QByteArray("Allow"), QByteArray("ETag")}) {
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

ApiServer::~ApiServer()
{
    // First, while m_readers still points at the pool: answers under way use it and the rest.
    // (unique_ptr::reset() clears the pointer before the pool's destructor waits.)
    if (m_readers)
        m_readers->waitForDone();
    m_readers.reset();
}

MetricsQueries &ApiServer::queries()
{
    return QThread::currentThread() == thread() ? *m_queries : m_readers->queries();
}

void ApiServer::start()
{
    m_queries = std::make_unique<MetricsQueries>(m_options.store, m_options.pullRequestHorizonDays);
    // A store that cannot be opened yet is not fatal: reads answer 503 and try again.
    if (QString openError; !m_queries->open(&openError))
        qCWarning(lcApi).noquote() << "the store is unavailable for now:" << openError;
    const int readers = m_options.readerThreads > 0 ? m_options.readerThreads
                                                    : std::max(2, QThread::idealThreadCount());
    m_readers
        = std::make_unique<ReaderPool>(m_options.store, m_options.pullRequestHorizonDays, readers);
    const QueriesSource source = [this]() -> MetricsQueries & { return queries(); };
    const ScopeOf scopeOf
        = [this](const QUrlQuery &query) { return ApiParameters::scope(query, m_watchlist); };
    m_metrics = std::make_unique<MetricsController>(source, scopeOf);
    // The watched scope and each group, for /metrics.
    const auto watchedScopes = [this] {
        QList<Scope> scopes;
        for (const QString &name : WatchedScope::names(m_watchlist)) {
            if (name != "all"_L1)
                scopes.append(*WatchedScope::named(name, m_watchlist));
        }
        return scopes;
    };
    m_health = std::make_unique<HealthController>(source, &m_poller, &m_archive, &m_httpMetrics,
                                                  &m_storeDamage, watchedScopes, &m_alerts);
    m_watchlistController = std::make_unique<WatchlistController>(m_watchlist);
    m_alertsController = std::make_unique<AlertsController>(
        m_options.store.dataDir, &m_alerts, [this] { emit alertSettingsChanged(); });
    m_dashboard = std::make_unique<DashboardPagesController>(source, scopeOf, m_painter);
    m_answers = new AnswerQueue(this);
    m_answers->setMaxQueuedBytes(m_options.limits.maxQueuedAnswerBytes);
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

void ApiServer::setArchiveStatus(const ArchiveStatus &status)
{
    m_archive = status;
}

void ApiServer::setAlerts(const AlertBoard &alerts)
{
    m_alerts = alerts;
}

void ApiServer::setStoreDamage(const QString &problem)
{
    m_storeDamage = problem;
}

void ApiServer::serve(const Endpoint &endpoint)
{
    const QString pattern = endpoint.route.pattern();
    switch (pattern.count("<arg>"_L1)) {
    case 0:
        m_server->route(
            pattern,
            [this, endpoint](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                respond(request, std::move(responder), endpoint, {});
            });
        break;
    case 1:
        m_server->route(pattern,
                        [this, endpoint](const QString &first, const QHttpServerRequest &request,
                                         QHttpServerResponder &&responder) {
                            respond(request, std::move(responder), endpoint, {first});
                        });
        break;
    default:
        m_server->route(pattern,
                        [this, endpoint](const QString &first, const QString &second,
                                         const QHttpServerRequest &request,
                                         QHttpServerResponder &&responder) {
                            respond(request, std::move(responder), endpoint, {first, second});
                        });
    }
}

void ApiServer::registerRoutes()
{
    m_endpoints = m_metrics->endpoints() + m_watchlistController->endpoints()
        + m_watchlistController->groupEndpoints() + m_health->endpoints() + m_dashboard->endpoints()
        + m_alertsController->endpoints();
    m_endpoints.append(
        {Routes::openApi,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &) {
             return JsonAnswer::of(
                 OpenApi::document(m_url, m_endpoints, !m_options.token.isEmpty()));
         },
         OpenApi::get(u"This document"_s, {},
                      {{u"200"_s,
                        OpenApi::jsonResponse(u"OpenAPI 3 document"_s, OpenApi::typed("object"))}}),
         {},
         Endpoint::Runs::OnServer});
    for (const Endpoint &endpoint : std::as_const(m_endpoints))
        serve(endpoint);
    m_server->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            QElapsedTimer timer;
            timer.start();
            QHttpServerResponse response = refuse(request).value_or(
                error(404, u"no such endpoint: %1"_s.arg(request.url().path())));
            addCommonHeaders(response, request.value("Origin"));
            m_httpMetrics.record(u"unknown"_s, int(response.statusCode()),
                                 double(timer.nsecsElapsed()) / 1e9);
            m_answers->fulfil(m_answers->reserve(std::move(responder)), std::move(response));
        });
}

// Checks the request on the server thread, then answers it there or on a reader thread.
// QHttpServer 6.4 keeps neither the request nor the socket for a later answer, so a
// reader's answer comes back to the server thread, where the connection's answers are
// written in order, and only while its client is still connected.
void ApiServer::respond(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                        const Endpoint &endpoint, const QStringList &path)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray origin = request.value("Origin");
    const AnswerQueue::Ticket ticket = m_answers->reserve(std::move(responder));
    const auto send = [this, endpoint, timer, origin, ticket](QHttpServerResponse &response) {
        addCommonHeaders(response, origin);
        m_httpMetrics.record(endpoint.route.name(), int(response.statusCode()),
                             double(timer.nsecsElapsed()) / 1e9);
        m_answers->fulfil(ticket, std::move(response));
    };
    if (auto early = answeredBeforeHandler(request, endpoint)) {
        send(*early);
        return;
    }
    Caching caching = endpoint.caching;
    if (caching == Caching::ByRequestAndSecond && QUrlQuery(request.url()).hasQueryItem(u"at"_s))
        caching = Caching::ByRequest; // an explicit end does not move with the clock
    const bool head = request.method() == QHttpServerRequest::Method::Head;
    const ApiRequest copy {request.url(), request.method(), request.value("If-None-Match")};
    const auto work = [=, this] {
        QHttpServerResponse response = answer(endpoint, path, copy, caching);
        return head ? withoutBody(response) : std::move(response);
    };
    if (endpoint.runs == Endpoint::Runs::OnServer) {
        QHttpServerResponse response = work();
        send(response);
        return;
    }
    m_readers->start([this, work, send] {
        auto response = std::make_shared<QHttpServerResponse>(work());
        QMetaObject::invokeMethod(this, [send, response] { send(*response); });
    });
}

// The answers that need no handler: a CORS preflight, a refusal, a method not allowed.
std::optional<QHttpServerResponse>
ApiServer::answeredBeforeHandler(const QHttpServerRequest &request, const Endpoint &endpoint) const
{
    using Method = QHttpServerRequest::Method;
    const QByteArray allowed(endpoint.route.methods);
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
    if (auto refusal = refuse(request, endpoint.needsToken))
        return refusal;
    const QByteArray method = request.method() == Method::Head
        ? QByteArray("GET")
        : QByteArray(QMetaEnum::fromType<Method>().valueToKey(int(request.method()))).toUpper();
    const QList<QByteArray> accepted = allowed.split(',');
    const bool isAllowed
        = std::any_of(accepted.cbegin(), accepted.cend(),
                      [&](const QByteArray &each) { return each.trimmed() == method; });
    if (isAllowed)
        return std::nullopt;
    QHttpServerResponse notAllowed
        = error(405, u"allowed here: %1"_s.arg(QString::fromLatin1(methods)));
    notAllowed.setHeader("Allow", methods);
    return notAllowed;
}

// A documented route takes the query parameters its OpenAPI operation lists, and `window`
// wherever `offset` is one: anything else is a mistake to name, not to ignore.
void ApiServer::refuseUnknownParameters(const Endpoint &endpoint, const ApiRequest &request)
{
    if (endpoint.operations.isEmpty())
        return;
    QStringList known;
    for (const QJsonValue &operation : endpoint.operations) {
        for (const QJsonValue &parameter : operation["parameters"_L1].toArray()) {
            if (parameter["in"_L1].toString() == "query"_L1)
                known << parameter["name"_L1].toString();
        }
    }
    if (known.contains(u"offset"_s))
        known << u"window"_s;
    QStringList unknown;
    for (const auto &[name, value] : QUrlQuery(request.url).queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(name) && !unknown.contains(name))
            unknown << name;
    }
    if (unknown.isEmpty())
        return;
    throw ApiError {400,
                    u"unknown parameter%1: %2 (this route takes %3)"_s.arg(
                        unknown.size() > 1 ? u"s"_s : QString(), unknown.join(u", "_s),
                        known.isEmpty() ? u"none"_s : known.join(u", "_s)),
                    unknown.first()};
}

QHttpServerResponse ApiServer::answer(const Endpoint &endpoint, const QStringList &path,
                                      const ApiRequest &request, Caching caching)
{
    try {
        refuseUnknownParameters(endpoint, request);
        return cachedOrComputed(endpoint, path, request, caching);
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

// A reusable answer is named by the data version and the request (and the second, for a
// window that moves with the clock): its ETag. A client that holds it gets 304.
QHttpServerResponse ApiServer::cachedOrComputed(const Endpoint &endpoint, const QStringList &path,
                                                const ApiRequest &request, Caching caching)
{
    if (caching == Caching::Off)
        return endpoint.handler(path, request);
    QByteArray key = request.url.toEncoded();
    // A watched scope's answer changes with the watch list too.
    if (m_watchlist)
        key += ' ' + m_watchlist->names().join(u',').toUtf8();
    if (caching == Caching::ByRequestAndSecond)
        key += ' ' + QByteArray::number(QDateTime::currentSecsSinceEpoch());
    const qint64 version = queries().dataVersion();
    const QByteArray etag = "W/\"" + QByteArray::number(quint64(version), 36) + '-'
        + QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24) + '"';
    if (request.ifNoneMatch == etag) {
        QHttpServerResponse notModified(QHttpServerResponse::StatusCode::NotModified);
        notModified.setHeader("ETag", etag);
        return notModified;
    }
    QHttpServerResponse response = answerOf(endpoint, path, request, key, version);
    if (response.statusCode() == QHttpServerResponse::StatusCode::Ok)
        response.setHeader("ETag", etag);
    return response;
}

QHttpServerResponse ApiServer::answerOf(const Endpoint &endpoint, const QStringList &path,
                                        const ApiRequest &request, const QByteArray &key,
                                        qint64 version)
{
    if (auto cached = cachedResponse(key, version))
        return std::move(*cached);
    QHttpServerResponse response = endpoint.handler(path, request);
    if (!key.isEmpty() && response.statusCode() == QHttpServerResponse::StatusCode::Ok) {
        const qint64 size = response.data().size() + key.size();
        const QMutexLocker locker(&m_cacheMutex);
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

std::optional<QHttpServerResponse> ApiServer::cachedResponse(const QByteArray &key, qint64 version)
{
    const QMutexLocker locker(&m_cacheMutex);
    if (version != m_cacheVersion) {
        m_cache.clear();
        m_cacheBytes = 0;
        m_cacheVersion = version;
        return std::nullopt;
    }
    const auto it = m_cache.constFind(key);
    if (it == m_cache.cend())
        return std::nullopt;
    return JsonAnswer::ofBytes(it.value());
}

// The Host check defends against DNS rebinding; the token guards non-loopback binds.
std::optional<QHttpServerResponse> ApiServer::refuse(const QHttpServerRequest &request,
                                                     bool needsToken) const
{
    if (!hostAllowed(request.value("Host")))
        return error(403, u"this Host is not allowed"_s);
    if (needsToken && !m_options.token.isEmpty()
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

void ApiServer::addCommonHeaders(QHttpServerResponse &response, const QByteArray &origin) const
{
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-store");
    // The dashboard loads nothing from elsewhere, and no page may frame it.
    response.setHeader("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    if (!origin.isEmpty() && m_options.corsOrigins.contains(QString::fromUtf8(origin))) {
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Vary", "Origin");
    }
}
