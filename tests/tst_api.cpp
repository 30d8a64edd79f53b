#include "apiserver.h"
#include "collect/watchlist.h"
#include "config/config.h"
#include "fixtureevents.h"
#include "ingest/pipeline.h"
#include "routes.h"
#include "teststorage.h"
#include "watchlistcontroller.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <array>
#include <map>

using namespace Qt::StringLiterals;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// One raw HTTP/1.1 request: full control over Host, method and path bytes. The server
// runs in this thread, so the wait spins the event loop.
Reply rawRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                 const QByteArray &host = "127.0.0.1", const QByteArray &extraHeaders = {})
{
    QTcpSocket socket;
    QByteArray response;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &socket, [&] {
        socket.write(method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                     + "Connection: close\r\n\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] {
        response += socket.readAll();
        const qsizetype end = response.indexOf("\r\n\r\n");
        const qsizetype lengthAt = response.toLower().indexOf("content-length:");
        if (end > 0 && lengthAt > 0 && lengthAt < end) {
            const qsizetype lineEnd = response.indexOf('\r', lengthAt);
            const qsizetype length
                = response.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toLongLong();
            if (response.size() >= end + 4 + length)
                loop.quit();
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();

    Reply reply;
    const qsizetype end = response.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = response.left(end).split('\n');
    reply.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            reply.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                 lines[i].mid(colon + 1).trimmed());
    }
    reply.body = response.mid(end + 4);
    return reply;
}

QString iso(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

// The REST API against the real GH Archive samples and recorded pages. Every expected
// value is computed here from the fixture events, not through MetricsQueries.
class TestApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void eventCount_data();
    void eventCount();
    void activeRepositories_data();
    void activeRepositories();
    void averagePullRequestTime();
    void averagePullRequestTimeForms();
    void unknownRepositoryIs404();
    void fewerThanTwoPullRequests();
    void badRequests_data();
    void badRequests();
    void wrongMethodIs405();
    void headAndPreflight();
    void evilHostIs403();
    void allowedHostsAreAccepted();
    void securityHeaders();
    void corsOnlyForListedOrigins();
    void tokenRequiredWhenConfigured();
    void portInUseIsReported();
    void openApiDescribesEveryRoute();
    void healthAndMetrics();
    void fuzz();
    void newDataInvalidatesCachedAnswers();
    void watchlistEndpoints();
    void watchlistAdditionsAreRateLimited();
    void limitsAnswerBeforeTheyCostMemory();
    void everyRequestIsFramedStrictly_data();
    void everyRequestIsFramedStrictly();
    void pipelinedUpToTheLimitAreAllAnswered();
    void mutatedRequestsNeverReachA5xx();
    void unknownParametersAreNamed();

private:
    Reply get(const QString &pathAndQuery);
    QList<qint64> openedTimes(const QString &repo) const;

    TestStorage m_dir;
    QHash<qint64, FixtureEvent> m_events;
    std::unique_ptr<ApiServer> m_server;
    std::unique_ptr<Watchlist> m_watchlist;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
};

void TestApi::initTestCase()
{
    SKIP_WITHOUT_FIXTURES();
    REQUIRE_STORAGE(m_dir);
    m_events = FixtureEvents::load();
    QVERIFY(FixtureEvents::importAll(m_dir.location()));
    m_server = std::make_unique<ApiServer>(ApiServer::Options {
        m_dir.location(), u"127.0.0.1"_s, 0, {}, {u"http://allowed.example"_s}, {}, {}});
    m_watchlist = std::make_unique<Watchlist>(m_dir.path());
    m_server->setWatchlist(m_watchlist.get());
    QSignalSpy listening(m_server.get(), &ApiServer::listening);
    m_server->start();
    QCOMPARE(listening.size(), 1);
    m_port = quint16(QUrl(listening.first().first().toString()).port());
    QVERIFY(m_port > 0);
}

Reply TestApi::get(const QString &pathAndQuery)
{
    QNetworkReply *reply = m_network.get(
        QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(pathAndQuery))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return result;
}

QList<qint64> TestApi::openedTimes(const QString &repo) const
{
    QList<qint64> times;
    for (const FixtureEvent &event : m_events) {
        if (event.type == "PullRequestEvent"_L1 && event.action == "opened"_L1
            && event.repo.compare(repo, Qt::CaseInsensitive) == 0)
            times << event.createdAt;
    }
    std::sort(times.begin(), times.end());
    return times;
}

void TestApi::eventCount_data()
{
    QTest::addColumn<QString>("at");
    QTest::addColumn<int>("offset");
    QTest::newRow("2025 hour") << u"2025-01-01T15:30:00Z"_s << 60;
    QTest::newRow("2025 seconds edge") << u"2025-01-01T15:00:17Z"_s << 1;
    QTest::newRow("2015 partial minutes") << u"2015-01-01T15:03:31Z"_s << 2;
    QTest::newRow("2016 pages") << u"2016-09-29T10:00:20Z"_s << 10;
    QTest::newRow("ten years") << u"2025-12-31T00:00:00Z"_s << 5256000;
}

void TestApi::eventCount()
{
    QFETCH(QString, at);
    QFETCH(int, offset);
    const Reply reply = get(u"/api/events/count?offset=%1&at=%2"_s.arg(offset).arg(at));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.headers.value("content-type"), QByteArray("application/json; charset=utf-8"));
    const qint64 to = QDateTime::fromString(at, Qt::ISODate).toSecsSinceEpoch();
    const qint64 from = to - qint64(offset) * 60;
    std::map<QString, qint64> expected;
    qint64 total = 0;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.createdAt >= from && event.createdAt <= to) {
            ++expected[event.type];
            ++total;
        }
    }
    const QJsonObject json = reply.json();
    QCOMPARE(json["offset"_L1].toInt(), offset);
    QCOMPARE(json["from"_L1].toString(), iso(from));
    QCOMPARE(json["to"_L1].toString(), iso(to));
    QCOMPARE(json["total"_L1].toInteger(), total);
    QVERIFY(total > 0);
    const QJsonObject counts = json["counts"_L1].toObject();
    QCOMPARE(counts.size(), qsizetype(expected.size()));
    for (const auto &[type, count] : expected)
        QCOMPARE(counts[type].toInteger(), count);
}

void TestApi::activeRepositories_data()
{
    eventCount_data();
}

void TestApi::activeRepositories()
{
    QFETCH(QString, at);
    QFETCH(int, offset);
    const Reply reply
        = get(u"/api/repositories/active?limit=25&offset=%1&at=%2"_s.arg(offset).arg(at));
    QCOMPARE(reply.status, 200);
    const qint64 to = QDateTime::fromString(at, Qt::ISODate).toSecsSinceEpoch();
    std::map<QString, qint64> counts;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.createdAt >= to - qint64(offset) * 60 && event.createdAt <= to)
            ++counts[event.repo];
    }
    QList<std::pair<QString, qint64>> expected(counts.begin(), counts.end());
    std::sort(expected.begin(), expected.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    expected.resize(std::min<qsizetype>(expected.size(), 25));
    const QJsonArray repositories = reply.json()["repositories"_L1].toArray();
    QCOMPARE(reply.json()["limit"_L1].toInt(), 25);
    QCOMPARE(repositories.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(repositories[i]["repository"_L1].toString(), expected[i].first);
        QCOMPARE(repositories[i]["events"_L1].toInteger(), expected[i].second);
    }
}

void TestApi::averagePullRequestTime()
{
    int checked = 0;
    QSet<QString> seen;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        const QList<qint64> times = openedTimes(event.repo);
        if (times.size() < 2 || seen.contains(event.repo))
            continue;
        seen.insert(event.repo);
        const Reply reply = get(u"/api/repository/%1/avg_pr_time"_s.arg(event.repo));
        QCOMPARE(reply.status, 200);
        const QJsonObject json = reply.json();
        QCOMPARE(json["repository"_L1].toString(), event.repo);
        QCOMPARE(json["pull_requests"_L1].toInteger(), times.size());
        QCOMPARE(json["average_seconds"_L1].toDouble(),
                 double(times.last() - times.first()) / double(times.size() - 1));
        QCOMPARE(json["first_opened_at"_L1].toString(), iso(times.first()));
        QCOMPARE(json["last_opened_at"_L1].toString(), iso(times.last()));
        QVERIFY(json["median_seconds"_L1].isDouble());
        // A window ending just before the last opening leaves it out.
        const qint64 at = times.last() - 1;
        qint64 inWindow = 0;
        for (const qint64 time : times)
            inWindow += time >= at - 3600 && time <= at;
        const QJsonObject windowed
            = get(u"/api/repository/%1/avg_pr_time?window=60&at=%2"_s.arg(event.repo, iso(at)))
                  .json();
        QCOMPARE(windowed["pull_requests"_L1].toInteger(), inWindow);
        ++checked;
    }
    QVERIFY(checked >= 2);
}

void TestApi::averagePullRequestTimeForms()
{
    QString repo;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (openedTimes(event.repo).size() >= 2) {
            repo = event.repo;
            break;
        }
    }
    const QByteArray expected = get(u"/api/repository/%1/avg_pr_time"_s.arg(repo)).body;
    const QStringList parts = repo.split(u'/');
    const Reply encoded = rawRequest(m_port, "GET",
                                     "/api/repository/" + parts[0].toUtf8() + "%2F"
                                         + parts[1].toUtf8() + "/avg_pr_time");
    QCOMPARE(encoded.status, 200);
    QCOMPARE(encoded.body, expected);
    const Reply upper = get(u"/api/repository/%1/avg_pr_time"_s.arg(repo.toUpper()));
    QCOMPARE(upper.status, 200);
    QCOMPARE(upper.body, expected);
}

void TestApi::unknownRepositoryIs404()
{
    const Reply reply = get(u"/api/repository/nobody-here/nothing/avg_pr_time"_s);
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.json()["error"_L1].toString().contains("nobody-here/nothing"_L1));
}

void TestApi::fewerThanTwoPullRequests()
{
    QString single;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (openedTimes(event.repo).size() == 1) {
            single = event.repo;
            break;
        }
    }
    QVERIFY(!single.isEmpty());
    const QJsonObject json = get(u"/api/repository/%1/avg_pr_time"_s.arg(single)).json();
    QCOMPARE(json["pull_requests"_L1].toInt(), 1);
    QVERIFY(json["average_seconds"_L1].isNull());
    QVERIFY(json["median_seconds"_L1].isNull());
    QVERIFY(json["first_opened_at"_L1].isString());
}

void TestApi::badRequests_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("parameter");
    const auto row = [](const char *name, const char *target, int status, const char *parameter) {
        QTest::newRow(name) << QByteArray(target) << status << QString::fromLatin1(parameter);
    };
    row("offset text", "/api/events/count?offset=abc", 400, "offset");
    row("offset zero", "/api/events/count?offset=0", 400, "offset");
    row("offset negative", "/api/events/count?offset=-5", 400, "offset");
    row("offset too large", "/api/events/count?offset=5256001", 400, "offset");
    row("offset overflow", "/api/events/count?offset=99999999999999999999999", 400, "offset");
    row("offset empty", "/api/events/count?offset=", 400, "offset");
    row("offset float", "/api/events/count?offset=1.5", 400, "offset");
    row("offset plus", "/api/events/count?offset=+5", 400, "offset");
    row("offset spaces", "/api/events/count?offset=%205", 400, "offset");
    row("offset repeated", "/api/events/count?offset=5&offset=6", 400, "offset");
    row("offset hex", "/api/events/count?offset=0x10", 400, "offset");
    row("at garbage", "/api/events/count?at=yesterday", 400, "at");
    row("at not utc", "/api/events/count?at=2025-01-01T15:30:00%2B02:00", 400, "at");
    row("at no zone", "/api/events/count?at=2025-01-01T15:30:00", 400, "at");
    row("at bad month", "/api/events/count?at=2025-13-01T15:30:00Z", 400, "at");
    row("at empty", "/api/events/count?at=", 400, "at");
    row("at repeated", "/api/events/count?at=2025-01-01T15:30:00Z&at=2025-01-01T15:30:00Z", 400,
        "at");
    row("limit zero", "/api/repositories/active?limit=0", 400, "limit");
    row("limit too large", "/api/repositories/active?limit=1001", 400, "limit");
    row("limit text", "/api/repositories/active?limit=ten", 400, "limit");
    row("active offset", "/api/repositories/active?offset=-1", 400, "offset");
    row("active at", "/api/repositories/active?at=2025-02-30T00:00:00Z", 400, "at");
    row("repo dotdot", "/api/repository/../etc/avg_pr_time", 400, "repository");
    row("repo name dotdot", "/api/repository/owner/../avg_pr_time", 400, "repository");
    row("repo nul", "/api/repository/own%00er/name/avg_pr_time", 400, "repository");
    row("repo long owner",
        "/api/repository/"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaa/x/avg_pr_time",
        400, "repository");
    row("repo long name",
        "/api/repository/x/"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        "bbbbbbbbbbbbbb/avg_pr_time",
        400, "repository");
    row("repo space", "/api/repository/own%20er/name/avg_pr_time", 400, "repository");
    row("repo owner dash", "/api/repository/-owner/name/avg_pr_time", 400, "repository");
    row("repo quote", "/api/repository/owner/na'me/avg_pr_time", 400, "repository");
    row("repo unicode", "/api/repository/owner/n%C3%A4me/avg_pr_time", 400, "repository");
    row("repo only owner", "/api/repository/owner/avg_pr_time", 400, "repository");
    row("unknown path", "/api/nothing", 404, "");
    row("root", "/", 404, "");
    row("too deep", "/api/repository/a/b/c/avg_pr_time", 404, "");
}

void TestApi::badRequests()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, parameter);
    const Reply reply = rawRequest(m_port, "GET", target);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.headers.value("content-type"), QByteArray("application/json; charset=utf-8"));
    const QJsonObject json = reply.json();
    QVERIFY(!json["error"_L1].toString().isEmpty());
    if (!parameter.isEmpty())
        QCOMPARE(json["parameter"_L1].toString(), parameter);
}

void TestApi::wrongMethodIs405()
{
    for (const QByteArray method : {"POST", "DELETE", "PUT"}) {
        const Reply reply = rawRequest(m_port, method, "/api/events/count");
        QCOMPARE(reply.status, 405);
        QCOMPARE(reply.headers.value("allow"), QByteArray("GET, HEAD, OPTIONS"));
        QVERIFY(reply.json().contains("error"_L1));
    }
}

// HEAD answers as GET would, without the body; OPTIONS is a CORS preflight, answered
// without the token (browsers send none) but with the Host check.
void TestApi::headAndPreflight()
{
    ApiServer guarded({m_dir.location(),
                       u"127.0.0.1"_s,
                       0,
                       u"api-secret"_s,
                       {u"https://dash.example"_s},
                       {},
                       {}});
    QSignalSpy listening(&guarded, &ApiServer::listening);
    guarded.start();
    QCOMPARE(listening.size(), 1);
    const quint16 port = quint16(QUrl(listening.first().first().toString()).port());
    const QByteArray token = "Authorization: Bearer api-secret\r\n";
    const Reply head = rawRequest(port, "HEAD", "/api/health", "127.0.0.1", token);
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QVERIFY(head.headers.value("content-type").startsWith("application/json"));

    const Reply preflight = rawRequest(port, "OPTIONS", "/api/watchlist/Qt/qtbase", "127.0.0.1",
                                       "Origin: https://dash.example\r\n"
                                       "Access-Control-Request-Method: PUT\r\n");
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.headers.value("access-control-allow-origin"),
             QByteArray("https://dash.example"));
    QVERIFY(preflight.headers.value("access-control-allow-methods").contains("PUT"));
    QVERIFY(preflight.headers.value("access-control-allow-headers").contains("Authorization"));
    QCOMPARE(rawRequest(port, "OPTIONS", "/api/health", "evil.example").status, 403);
}

void TestApi::evilHostIs403()
{
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "evil.example").status, 403);
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "evil.example:8000").status, 403);
    QCOMPARE(rawRequest(m_port, "GET", "/nothing", "127.0.0.1.evil.example").status, 403);
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "").status, 403);
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "localhost:8000").status, 200);
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "[::1]:8000").status, 200);
    QCOMPARE(rawRequest(m_port, "GET", "/api/health", "127.0.0.1").status, 200);
    // Malformed values that merely look like loopback.
    for (const QByteArray host : {"127.1", "127.0.0.1:abc", "[::1", "::1", "localhost:99999",
                                  "127.0.0.1 x", "localhost.", "0x7f000001"})
        QVERIFY2(rawRequest(m_port, "GET", "/api/health", host).status == 403, host.constData());
}

// GHM_API_ALLOWED_HOSTS: the names a server bound beyond loopback answers to.
void TestApi::allowedHostsAreAccepted()
{
    ApiServer remote({m_dir.location(), u"127.0.0.1"_s, 0, {}, {}, {u"myhost.example"_s}, {}});
    QSignalSpy listening(&remote, &ApiServer::listening);
    remote.start();
    QCOMPARE(listening.size(), 1);
    const quint16 port = quint16(QUrl(listening.first().first().toString()).port());
    QCOMPARE(rawRequest(port, "GET", "/api/health", "myhost.example:8000").status, 200);
    QCOMPARE(rawRequest(port, "GET", "/api/health", "MyHost.Example").status, 200);
    QCOMPARE(rawRequest(port, "GET", "/api/health", "otherhost.example").status, 403);
    QCOMPARE(rawRequest(port, "GET", "/api/health", "myhost.example.evil").status, 403);
}

void TestApi::securityHeaders()
{
    for (const char *target :
         {"/api/health", "/nothing", "/api/events/count?offset=x", "/metrics"}) {
        const Reply reply = rawRequest(m_port, "GET", target);
        QCOMPARE(reply.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(reply.headers.value("cache-control"), QByteArray("no-store"));
        QVERIFY(!reply.headers.contains("access-control-allow-origin"));
    }
}

void TestApi::corsOnlyForListedOrigins()
{
    const Reply allowed = rawRequest(m_port, "GET", "/api/health", "127.0.0.1",
                                     "Origin: http://allowed.example\r\n");
    QCOMPARE(allowed.headers.value("access-control-allow-origin"),
             QByteArray("http://allowed.example"));
    const Reply other
        = rawRequest(m_port, "GET", "/api/health", "127.0.0.1", "Origin: http://other.example\r\n");
    QVERIFY(!other.headers.contains("access-control-allow-origin"));
}

void TestApi::tokenRequiredWhenConfigured()
{
    ApiServer guarded({m_dir.location(), u"127.0.0.1"_s, 0, u"api-secret"_s, {}, {}, {}});
    QSignalSpy listening(&guarded, &ApiServer::listening);
    guarded.start();
    QCOMPARE(listening.size(), 1);
    const quint16 port = quint16(QUrl(listening.first().first().toString()).port());
    QCOMPARE(rawRequest(port, "GET", "/api/health").status, 401);
    QCOMPARE(rawRequest(port, "GET", "/api/health", "127.0.0.1", "Authorization: Bearer wrong\r\n")
                 .status,
             401);
    QCOMPARE(
        rawRequest(port, "GET", "/api/health", "127.0.0.1", "Authorization: Bearer api-secret\r\n")
            .status,
        200);
    // The web dashboard's page and scripts hold no data: they load without the token, so
    // that the page can ask for it; its data does not, and neither passes the Host check.
    QCOMPARE(rawRequest(port, "GET", "/dashboard").status, 200);
    QCOMPARE(rawRequest(port, "GET", "/dashboard/assets/dashboard.js").status, 200);
    QCOMPARE(rawRequest(port, "GET", "/api/dashboard").status, 401);
    QCOMPARE(rawRequest(port, "GET", "/dashboard/types.png").status, 401);
    QCOMPARE(rawRequest(port, "GET", "/dashboard", "evil.example").status, 403);
    QCOMPARE(rawRequest(port, "GET", "/dashboard/assets/dashboard.js", "evil.example").status, 403);

    // The document says so: every operation but the two pages requires the bearer scheme and
    // may answer 401.
    const QJsonObject paths = rawRequest(port, "GET", "/api/openapi.json", "127.0.0.1",
                                         "Authorization: Bearer api-secret\r\n")
                                  .json()["paths"_L1]
                                  .toObject();
    QVERIFY(!paths.isEmpty());
    for (auto item = paths.begin(); item != paths.end(); ++item) {
        const bool page = item.key() == "/dashboard"_L1 || item.key() == "/api/docs"_L1;
        for (const QJsonValue &operation : item.value().toObject()) {
            const QJsonArray security = operation["security"_L1].toArray();
            QCOMPARE(security.size(), 1);
            QCOMPARE(security[0].toObject().contains("bearer"_L1), !page);
            QCOMPARE(operation["responses"_L1].toObject().contains("401"_L1), !page);
        }
    }
}

void TestApi::portInUseIsReported()
{
    ApiServer second({m_dir.location(), u"127.0.0.1"_s, m_port, {}, {}, {}, {}});
    QSignalSpy failed(&second, &ApiServer::failed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"API off"_s));
    second.start();
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.first().first().toString().contains("in use"_L1));
    QCOMPARE(rawRequest(m_port, "GET", "/api/health").status, 200);
}

void TestApi::openApiDescribesEveryRoute()
{
    const Reply reply = get(u"/api/openapi.json"_s);
    QCOMPARE(reply.status, 200);
    const QJsonObject document = reply.json();
    QVERIFY(document["openapi"_L1].toString().startsWith("3."_L1));
    const QJsonObject paths = document["paths"_L1].toObject();
    QStringList routes;
    for (const Route &route : Routes::all) {
        if (route.documented)
            routes << route.name();
    }
    QCOMPARE(paths.size(), routes.size());
    for (const QString &route : std::as_const(routes)) {
        QVERIFY2(paths.contains(route), qPrintable(route));
        const QJsonObject item = paths[route].toObject();
        const QString method = item.contains("get"_L1) ? u"get"_s : u"delete"_s;
        const QJsonObject operation = item[method].toObject();
        QVERIFY2(operation["responses"_L1].toObject().contains("200"_L1), qPrintable(route));
        // Every documented route is really served (404: an unknown repository).
        QString concrete = route;
        concrete.replace("{owner}"_L1, "nobody"_L1)
            .replace("{name}"_L1, "nothing"_L1)
            .replace("{organization}"_L1, "nobody"_L1)
            .replace("{group}"_L1, "nobody"_L1);
        const int status
            = rawRequest(m_port, method.toUpper().toLatin1(), concrete.toLatin1()).status;
        QVERIFY2(status == 200 || (route.contains(u'{') && status == 404),
                 qPrintable(route + u' ' + QString::number(status)));
        if (route.contains(u'{')) {
            QVERIFY(operation["responses"_L1].toObject().contains("404"_L1));
            qsizetype inPath = 0;
            for (const QJsonValue &parameter : operation["parameters"_L1].toArray())
                inPath += parameter["in"_L1].toString() == "path"_L1;
            QCOMPARE(inPath, route.count(u'{'));
        }
    }
    // The documented response schemas name every key the endpoints answer with.
    const QJsonObject schemas = document["components"_L1]["schemas"_L1].toObject();
    const QString repository = m_events.cbegin()->repo;
    const QList<std::pair<QString, QString>> answers {
        {u"EventCounts"_s, u"/api/events/count?offset=60&at=2025-01-01T15:30:00Z"_s},
        {u"ActiveRepositories"_s, u"/api/repositories/active?at=2025-01-01T15:30:00Z"_s},
        {u"PullRequestInterval"_s, u"/api/repository/%1/avg_pr_time"_s.arg(repository)},
        {u"Health"_s, u"/api/health"_s}};
    for (const auto &[schema, url] : answers) {
        const QJsonObject properties = schemas[schema]["properties"_L1].toObject();
        const QStringList keys = get(url).json().keys();
        QVERIFY(!keys.isEmpty());
        for (const QString &key : keys)
            QVERIFY2(properties.contains(key), qPrintable(schema + u'.' + key));
    }
    QCOMPARE(paths["/api/events/count"_L1]
                 .toObject()["get"_L1]
                 .toObject()["parameters"_L1]
                 .toArray()
                 .size(),
             4); // offset, at, scope, bots
    QCOMPARE(paths["/api/repositories/active"_L1]
                 .toObject()["get"_L1]
                 .toObject()["parameters"_L1]
                 .toArray()
                 .size(),
             5);
}

void TestApi::healthAndMetrics()
{
    const QJsonObject health = get(u"/api/health"_s).json();
    QCOMPARE(health["events_stored"_L1].toInteger(), m_events.size());
    QCOMPARE(health["version"_L1].toString(), QStringLiteral(GHM_VERSION));
    QVERIFY(health["poller"_L1].toObject().contains("state"_L1));

    const Reply metrics = get(u"/metrics"_s);
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.headers.value("content-type").startsWith("text/plain; version=0.0.4"));
    qint64 pushes = 0;
    for (const FixtureEvent &event : std::as_const(m_events))
        pushes += event.type == "PushEvent"_L1;
    QVERIFY2(metrics.body.contains(QByteArray("ghm_events_ingested_total{type=\"PushEvent\"} "
                                              + QByteArray::number(pushes) + "\n")),
             metrics.body.constData());
    QVERIFY(metrics.body.contains(
        "ghm_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"+Inf\"}"));
    QVERIFY(metrics.body.contains("ghm_http_requests_total{route=\"/api/health\",status=\"200\"}"));
    QVERIFY(metrics.body.contains("ghm_quarantined_events_total 0\n"));
    QVERIFY(metrics.body.contains("ghm_rate_limit_remaining"));
    QVERIFY(metrics.body.contains("ghm_bronze_pages_total"));
    QVERIFY(metrics.body.contains("ghm_poll_requests_total"));

    // The watched scope and each group: a feed never read yet makes its counts lower bounds.
    QString error;
    QVERIFY(m_watchlist->add(u"octokit/octokit.rb"_s, &error));
    QVERIFY(m_watchlist->setGroup(u"my team"_s, {u"octokit/octokit.rb"_s}, &error));
    const QByteArray scoped = get(u"/metrics"_s).body;
    QVERIFY2(scoped.contains("ghm_scope_lower_bound{scope=\"watched\"} 1\n"), scoped.constData());
    QVERIFY(scoped.contains("ghm_scope_lower_bound{scope=\"my team\"} 1\n"));
    QVERIFY(scoped.contains("ghm_scope_feed_gaps{scope=\"watched\"} 0\n"));
    QVERIFY(m_watchlist->removeGroup(u"my team"_s));
    QVERIFY(m_watchlist->remove(u"octokit/octokit.rb"_s));

    // The alerts the engine announced: in /api/alerts, and as Prometheus' ALERTS series.
    Alert firing;
    firing.rule = u"release"_s;
    firing.kind = AlertRule::Kind::ReleasePublished;
    firing.key = u"octokit/octokit.rb 2016-09-29T10:00:00Z"_s;
    firing.repository = u"octokit/octokit.rb"_s;
    firing.summary = u"octokit/octokit.rb published a release"_s;
    firing.labels.insert(u"severity"_s, u"info"_s);
    firing.state = Alert::State::Firing;
    firing.activeAt = firing.lastSeenAt = firing.firedAt = 1475143200;
    Alert resolved = firing;
    resolved.state = Alert::State::Resolved;
    resolved.resolvedAt = firing.firedAt + 3600;
    QMetaObject::invokeMethod(m_server.get(), [this, firing, resolved] {
        m_server->setAlerts({{firing}, {resolved}});
    });
    const QJsonObject alerts = get(u"/api/alerts"_s).json();
    QCOMPARE(alerts["active"_L1].toArray().size(), 1);
    QCOMPARE(alerts["active"_L1][0].toObject(), firing.toJson());
    QCOMPARE(alerts["history"_L1][0]["state"_L1].toString(), u"resolved"_s);
    QCOMPARE(alerts["history"_L1][0]["resolved_at"_L1].toString(), u"2016-09-29T11:00:00Z"_s);
    QVERIFY(get(u"/metrics"_s)
                .body.contains("ALERTS{alertname=\"release\",alertstate=\"firing\",repository="
                               "\"octokit/octokit.rb\","
                               "severity=\"info\"} 1\n"));

    // The rules, edited over the API with alerts.json's validation.
    const Reply added
        = rawRequest(m_port, "PUT",
                     "/api/alerts/rules/"
                     "big-spike?kind=star_spike&threshold=5&scope=watched&labels=severity:page");
    QCOMPARE(added.status, 200);
    QCOMPARE(added.json()["threshold"_L1].toDouble(), 5.0);
    const QJsonArray rules = get(u"/api/alerts/rules"_s).json()["rules"_L1].toArray();
    QCOMPARE(rules.size(), AlertRule::defaults().size() + 1);
    QCOMPARE(rules.last()["labels"_L1]["severity"_L1].toString(), u"page"_s);
    QCOMPARE(AlertRule::load(m_dir.path() + u"/alerts.json"_s, &error)->last().name,
             u"big-spike"_s);
    const Reply negative
        = rawRequest(m_port, "PUT", "/api/alerts/rules/big-spike?kind=star_spike&threshold=-1");
    QCOMPARE(negative.status, 400);
    QVERIFY(negative.json()["error"_L1].toString().contains("threshold must be at least 0"_L1));
    const Reply kind = rawRequest(m_port, "PUT", "/api/alerts/rules/x?kind=bogus");
    QCOMPARE(kind.status, 400);
    QVERIFY(kind.json()["error"_L1].toString().contains("kind must be one of"_L1));
    QCOMPARE(rawRequest(m_port, "PUT", "/api/alerts/rules/x?kind=disk_low&colour=red").status, 400);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/alerts/rules/big-spike").status, 200);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/alerts/rules/big-spike").status, 404);

    // Silences: made for a while from now, listed, refused when bad, ended.
    QSignalSpy changed(m_server.get(), &ApiServer::alertSettingsChanged);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const Reply silenced = rawRequest(
        m_port, "POST",
        "/api/alerts/silences?rule=release&repository=octokit/octokit.rb&for_seconds=7200"
        "&comment=a%20quiet%20week");
    QCOMPARE(silenced.status, 200);
    const QJsonObject silence = silenced.json();
    const qint64 startsAt
        = QDateTime::fromString(silence["starts_at"_L1].toString(), Qt::ISODate).toSecsSinceEpoch();
    QVERIFY(startsAt >= before && startsAt <= QDateTime::currentSecsSinceEpoch());
    QCOMPARE(
        QDateTime::fromString(silence["ends_at"_L1].toString(), Qt::ISODate).toSecsSinceEpoch(),
        startsAt + 7200);
    QCOMPARE(silence["comment"_L1].toString(), u"a quiet week"_s);
    const QJsonArray silences = get(u"/api/alerts/silences"_s).json()["silences"_L1].toArray();
    QCOMPARE(silences.size(), 1);
    QCOMPARE(silences[0].toObject(), silence);
    const Reply tooLong
        = rawRequest(m_port, "POST", "/api/alerts/silences?rule=release&for_seconds=99999999999");
    QCOMPARE(tooLong.status, 400);
    QCOMPARE(tooLong.json()["parameter"_L1].toString(), u"for_seconds"_s);
    const Reply nameless = rawRequest(m_port, "POST", "/api/alerts/silences?for_seconds=60");
    QCOMPARE(nameless.status, 400);
    QVERIFY(nameless.json()["error"_L1].toString().contains("names the rule"_L1));
    const QByteArray silencePath = "/api/alerts/silences/" + silence["id"_L1].toString().toLatin1();
    QCOMPARE(rawRequest(m_port, "DELETE", silencePath).status, 200);
    QCOMPARE(rawRequest(m_port, "DELETE", silencePath).status, 404);
    QVERIFY(get(u"/api/alerts/silences"_s).json()["silences"_L1].toArray().isEmpty());
    QTRY_COMPARE(changed.size(), 2); // the silence made, and ended
}

void TestApi::fuzz()
{
    QRandomGenerator random(2024);
    const QList<QByteArray> paths {"/api/events/count",  "/api/repositories/active",
                                   "/api/health",        "/api/repository/a/b/avg_pr_time",
                                   "/api/repository/",   "/metrics",
                                   "/api/openapi.json",  "/x",
                                   "/api/events/count/", "//api"};
    const QByteArray alphabet = "abcxyz0123456789=&%?/.-_+:ZT~!$'()*,;@[] \x7f";
    const QList<QByteArray> names {"offset", "limit", "at", "x", ""};
    int answered = 0;
    int inFlight = 0;
    for (int i = 0; i < 10000; ++i) {
        QByteArray target = paths[random.bounded(paths.size())];
        if (random.bounded(4) == 0) {
            for (int j = random.bounded(1, 12); j > 0; --j)
                target += alphabet[random.bounded(alphabet.size())];
        }
        target += '?';
        for (int j = random.bounded(4); j > 0; --j) {
            target += names[random.bounded(names.size())] + '=';
            for (int k = random.bounded(12); k > 0; --k)
                target += alphabet[random.bounded(alphabet.size())];
            target += '&';
        }
        QNetworkRequest request(QUrl::fromEncoded(u"http://127.0.0.1:%1"_s.arg(m_port).toLatin1()
                                                  + target.toPercentEncoding("/?&=%:+")));
        QNetworkReply *reply = m_network.get(request);
        ++inFlight;
        connect(reply, &QNetworkReply::finished, this, [&, reply] {
            --inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const bool isJson = reply->header(QNetworkRequest::ContentTypeHeader)
                                    .toString()
                                    .startsWith("application/json"_L1)
                || reply->url().path() == "/metrics"_L1;
            if (status >= 200 && status < 500 && isJson)
                ++answered;
            else
                qWarning() << "unexpected" << status << reply->url();
            reply->deleteLater();
        });
        while (inFlight >= 16)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    QTRY_COMPARE_WITH_TIMEOUT(inFlight, 0, 30000);
    QCOMPARE(answered, 10000);
    QCOMPARE(get(u"/api/health"_s).status, 200);
}

void TestApi::newDataInvalidatesCachedAnswers()
{
    const QString url = u"/api/events/count?offset=60&at=2025-01-01T15:30:00Z"_s;
    const qint64 before = get(url).json()["total"_L1].toInteger();
    QCOMPARE(get(url).json()["total"_L1].toInteger(), before); // served from the cache

    QTemporaryDir dir;
    QFile file(dir.filePath(u"later.ndjson"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 7; ++i)
        file.write(
            R"({"id":")" + QByteArray::number(99000000000LL + i)
            + R"(","type":"WatchEvent","repo":{"id":1,"name":"late/arrival"},"created_at":"2025-01-01T15:29:0)"
            + QByteArray::number(i) + "Z\"}\n");
    file.close();
    Pipeline pipeline(m_dir.location());
    QVERIFY(pipeline.open());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles({file.fileName()});
    QCOMPARE(finished.first().first().value<IngestSummary>().inserted, 7);
    QCOMPARE(get(url).json()["total"_L1].toInteger(), before + 7);
}

void TestApi::watchlistEndpoints()
{
    QCOMPARE(rawRequest(m_port, "PUT", "/api/watchlist/octokit/octokit.rb").status, 200);
    QCOMPARE(rawRequest(m_port, "PUT", "/api/watchlist/Qt/qtbase").status, 200);
    const Reply bad = rawRequest(m_port, "PUT", "/api/watchlist/bad%20owner/x");
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json()["parameter"_L1].toString(), u"repository"_s);
    QCOMPARE(rawRequest(m_port, "PUT", "/api/watchlist/../x").status, 400);
    QCOMPARE(rawRequest(m_port, "GET", "/api/watchlist/Qt/qtbase").status, 405);
    QCOMPARE(rawRequest(m_port, "GET", "/api/watchlist/Qt/qtbase").headers.value("allow"),
             QByteArray("PUT, DELETE, OPTIONS"));
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/watchlist/QT/QTBASE").status, 200);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/watchlist/not/watched").status, 404);
    const QJsonArray listed = get(u"/api/watchlist"_s).json()["repositories"_L1].toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.first()["repository"_L1].toString(), u"octokit/octokit.rb"_s);
    QCOMPARE(m_watchlist->names(), QStringList {u"octokit/octokit.rb"_s});
    QCOMPARE(rawRequest(m_port, "PUT", "/api/watchlist/Qt/qtbase", "evil.example").status, 403);

    // One segment: an organization, or a repository spelt owner%2Fname.
    const Reply organization = rawRequest(m_port, "PUT", "/api/watchlist/qt-labs");
    QCOMPARE(organization.status, 200);
    QCOMPARE(organization.json()["organization"_L1].toString(), u"qt-labs"_s);
    const Reply notALogin = rawRequest(m_port, "PUT", "/api/watchlist/not.a.login");
    QCOMPARE(notALogin.status, 400);
    QCOMPARE(notALogin.json()["parameter"_L1].toString(), u"organization"_s);
    QCOMPARE(rawRequest(m_port, "PUT", "/api/watchlist/Qt%2Fqtbase").status, 200);
    // Its repositories as the collector listed them; the maximum leaves room for all.
    m_watchlist->setListed(u"qt-labs"_s, {u"qt-labs/a"_s, u"qt-labs/b"_s});
    const QJsonObject both = get(u"/api/watchlist"_s).json();
    const QJsonObject qtLabs = both["organizations"_L1].toArray().first().toObject();
    QCOMPARE(qtLabs["organization"_L1].toString(), u"qt-labs"_s);
    QCOMPARE(qtLabs["repositories"_L1].toArray().size(), 2);
    QCOMPARE(qtLabs["repositories"_L1][1]["repository"_L1].toString(), u"qt-labs/b"_s);
    QVERIFY(qtLabs["repositories"_L1][1]["watched"_L1].toBool());
    QCOMPARE(both["repositories"_L1].toArray().size(), 2);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/watchlist/QT-LABS").status, 200);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/watchlist/qt-labs").status, 404);
    QVERIFY(m_watchlist->remove(u"Qt/qtbase"_s));

    // A named group is a scope of its own.
    QCOMPARE(rawRequest(m_port, "PUT", "/api/groups/my%20team?members=octokit/octokit.rb").status,
             200);
    QCOMPARE(rawRequest(m_port, "PUT", "/api/groups/watched?members=a/b").status, 400);
    const QJsonArray groups = get(u"/api/groups"_s).json()["groups"_L1].toArray();
    QCOMPARE(groups.size(), 1);
    QCOMPARE(groups.first()["group"_L1].toString(), u"my team"_s);
    const QJsonObject scope = get(u"/api/events/count?offset=60&scope=my+team&bots=exclude"_s)
                                  .json()["scope"_L1]
                                  .toObject();
    QCOMPARE(scope["name"_L1].toString(), u"my team"_s);
    QCOMPARE(scope["repositories"_L1].toArray(), QJsonArray {u"octokit/octokit.rb"_s});
    QCOMPARE(scope["bots"_L1].toString(), u"exclude"_s);
    const Reply unknown = get(u"/api/events/count?scope=nobody"_s);
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.json()["parameter"_L1].toString(), u"scope"_s);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/groups/my%20team").status, 200);
    QCOMPARE(rawRequest(m_port, "DELETE", "/api/groups/my%20team").status, 404);
}

namespace {

// Starts `server` and gives its port, or 0 when it does not listen.
quint16 listen(ApiServer &server)
{
    QSignalSpy listening(&server, &ApiServer::listening);
    server.start();
    return listening.size() == 1 ? quint16(QUrl(listening.first().first().toString()).port()) : 0;
}

// Sends `bytes` and returns what the server answered within `waitMs`, and whether it
// closed the connection.
std::pair<QByteArray, bool> exchange(quint16 port, const QByteArray &bytes, int waitMs = 2000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return {};
    socket.write(bytes);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    bool closed = false;
    while (timer.elapsed() < waitMs && !closed) {
        QTest::qWait(20);
        answer += socket.readAll();
        closed = socket.state() != QAbstractSocket::ConnectedState;
    }
    return {answer + socket.readAll(), closed};
}

} // namespace

// Each limit answers with its status before the request costs memory or a descriptor,
// and before the token is looked at.
void TestApi::limitsAnswerBeforeTheyCostMemory()
{
    ApiLimits limits;
    limits.maxConnections = 3;
    limits.idleTimeoutSeconds = 1;
    limits.requestTimeoutSeconds = 1;
    ApiServer server({m_dir.location(), u"127.0.0.1"_s, 0, u"secret"_s, {}, {}, limits});
    const quint16 port = listen(server);
    QVERIFY(port != 0);

    const auto [tooLarge, closedAfterBody]
        = exchange(port,
                   "PUT /api/watchlist/a/b HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Length: 600000000\r\n\r\n");
    QVERIFY2(tooLarge.startsWith("HTTP/1.1 413"), tooLarge.constData());
    QVERIFY(closedAfterBody);
    const QByteArray longHeader = "X-Long: " + QByteArray(limits.maxHeaderBytes, 'x') + "\r\n";
    QVERIFY(exchange(port, "GET /api/health HTTP/1.1\r\n" + longHeader)
                .first.startsWith("HTTP/1.1 431"));
    QByteArray manyHeaders = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; i <= limits.maxHeaders; ++i)
        manyHeaders += "X-" + QByteArray::number(i) + ": 1\r\n";
    QVERIFY(exchange(port, manyHeaders + "\r\n").first.startsWith("HTTP/1.1 431"));
    // Half a request, then nothing: 408 once the request timeout passes.
    QVERIFY(exchange(port, "GET /api/health HTTP/1.1\r\nHost: 12", 3000)
                .first.startsWith("HTTP/1.1 408"));
    // A connection that says nothing is closed after the idle timeout.
    QVERIFY(exchange(port, QByteArray(), 3000).second);

    // Three open connections are the limit: the fourth is told so at once.
    std::array<QTcpSocket, 3> held;
    for (QTcpSocket &socket : held) {
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket.waitForConnected(2000));
    }
    QTest::qWait(100);
    QVERIFY(
        exchange(port, "GET /api/health HTTP/1.1\r\n\r\n", 500).first.startsWith("HTTP/1.1 503"));
}

void TestApi::everyRequestIsFramedStrictly_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("status");
    const QByteArray get = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const QByteArray put = "PUT /api/watchlist/a/b HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QTest::newRow("pipelined, too large")
        << get + put + "Content-Length: 4000000000\r\n\r\n\r\n\r\n"
        << QByteArray("413");
    QTest::newRow("bare LF") << QByteArray("GET /api/health HTTP/1.1\nHost: 127.0.0.1\n\n")
                             << QByteArray("400");
    QTest::newRow("pipelined bare LF")
        << get + "PUT /api/watchlist/a/b HTTP/1.1\nContent-Length: 4000000000\n\n"
        << QByteArray("400");
    QTest::newRow("folded Content-Length") << put + "Content-Length:\r\n 4000000000\r\n\r\n"
                                           << QByteArray("400");
    QTest::newRow("duplicate Content-Length")
        << put + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx" << QByteArray("400");
    QTest::newRow("signed Content-Length")
        << put + "Content-Length: +1\r\n\r\nx" << QByteArray("400");
    QTest::newRow("Transfer-Encoding") << put + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                       << QByteArray("400");
    QTest::newRow("space in the target")
        << QByteArray("GET /api/he alth HTTP/1.1\r\n\r\n") << QByteArray("400");
    QTest::newRow("twenty pipelined") << get.repeated(20) << QByteArray("429");
}

// Every head on a connection is checked before QHttpServer sees its bytes, pipelined ones
// too: the refusal is the answer, and the connection is closed.
void TestApi::everyRequestIsFramedStrictly()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, status);
    ApiServer server({m_dir.location(), u"127.0.0.1"_s, 0, u"secret"_s, {}, {}, {}});
    const quint16 port = listen(server);
    QVERIFY(port != 0);
    const auto [answer, closed] = exchange(port, bytes);
    QVERIFY2(answer.contains(QByteArray("HTTP/1.1 " + status)), answer.constData());
    QVERIFY(closed);
    // A sound request on a new connection is served as ever.
    QVERIFY(exchange(port,
                     "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer secret\r\n\r\n",
                     500)
                .first.startsWith("HTTP/1.1 200"));
}

// As many requests sent ahead as the limit allows are all answered, in order, on one
// connection: readers answer them one by one, and QHttpServer reads one at a time and
// signals the rest again, which the guard must not frame and count twice (it did: twelve
// pipelined requests got one answer, then 429).
void TestApi::pipelinedUpToTheLimitAreAllAnswered()
{
    const int limit = ApiLimits().maxPipelined;
    ApiServer server({m_dir.location(), u"127.0.0.1"_s, 0, {}, {}, {}, {}});
    const quint16 port = listen(server);
    QVERIFY(port != 0);
    QByteArray requests;
    for (int i = 0; i < limit; ++i) {
        requests += "GET /api/events/count?offset=" + QByteArray::number(10 + i)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }
    const auto [answer, closed] = exchange(port, requests, 3000);
    QVERIFY(!closed);
    QCOMPARE(answer.count("HTTP/1.1 200"), limit);
    QCOMPARE(answer.count("HTTP/1.1 "), limit);
    qsizetype at = 0;
    for (int i = 0; i < limit; ++i) { // in the order asked
        at = answer.indexOf(QByteArray("\"offset\":" + QByteArray::number(10 + i)), at);
        QVERIFY(at >= 0);
    }
}

// A small fuzzer of the HTTP front: 400 requests made from sound ones by flipping,
// inserting and deleting bytes (CR, LF, space, colon, digits, NUL...), pipelined in pairs.
// Each is answered with a status below 500 or closed, and the service goes on.
void TestApi::mutatedRequestsNeverReachA5xx()
{
    QTemporaryDir dir;
    Watchlist watchlist(dir.path(), 1000);
    ApiServer server({m_dir.location(), u"127.0.0.1"_s, 0, {}, {}, {}, {}});
    server.setWatchlist(&watchlist);
    const quint16 port = listen(server);
    QVERIFY(port != 0);
    const QList<QByteArray> seeds {
        "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /api/events/count?offset=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "PUT /api/watchlist/a/b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
    };
    static constexpr char alphabet[] = "\r\n :0123456789\t\x00\xff"
                                       "Az/-";
    QRandomGenerator random(27);
    for (int round = 0; round < 200; ++round) {
        QByteArray request
            = seeds[random.bounded(int(seeds.size()))] + seeds[random.bounded(int(seeds.size()))];
        for (int edits = random.bounded(1, 4); edits > 0; --edits) {
            const int at = random.bounded(int(request.size()));
            const char c = alphabet[random.bounded(int(sizeof(alphabet) - 1))];
            switch (random.bounded(3)) {
            case 0: request[at] = c; break;
            case 1: request.insert(at, c); break;
            default: request.remove(at, 1); break;
            }
        }
        const QByteArray answer = exchange(port, request, 150).first;
        for (qsizetype at = answer.indexOf("HTTP/1.1 "); at >= 0;
             at = answer.indexOf("HTTP/1.1 ", at + 1))
            QVERIFY2(answer.at(at + 9) != '5',
                     QByteArray(request + " => " + answer.left(400)).constData());
    }
    QVERIFY(exchange(port, seeds.first(), 1000).first.startsWith("HTTP/1.1 200"));
}

// A misspelt parameter is an error that names it, not a default silently used; `window`
// is the window's name, `offset` its alias, and the two together are refused.
void TestApi::unknownParametersAreNamed()
{
    const Reply misspelt = get(u"/api/events/count?offest=10&at=2025-01-01T15:30:00Z"_s);
    QCOMPARE(misspelt.status, 400);
    QCOMPARE(misspelt.json()["parameter"_L1].toString(), u"offest"_s);
    QVERIFY2(misspelt.json()["error"_L1].toString().contains(u"offset"_s),
             misspelt.body.constData());
    const QString at = u"&at=2025-01-01T15:30:00Z"_s;
    const Reply byWindow = get(u"/api/events/count?window=7"_s + at);
    const Reply byOffset = get(u"/api/events/count?offset=7"_s + at);
    QCOMPARE(byWindow.status, 200);
    QCOMPARE(byWindow.json()["from"_L1], byOffset.json()["from"_L1]);
    QCOMPARE(byWindow.json()["total"_L1], byOffset.json()["total"_L1]);
    QCOMPARE(get(u"/api/repositories/active?window=7"_s + at).status, 200);
    QCOMPARE(get(u"/api/events/count?window=7&offset=7"_s).status, 400);
    QCOMPARE(get(u"/api/health?verbose=1"_s).status, 400);
}

void TestApi::watchlistAdditionsAreRateLimited()
{
    QTemporaryDir dir;
    Watchlist watchlist(dir.path(), 1000);
    ApiServer server({m_dir.location(), u"127.0.0.1"_s, 0, {}, {}, {}, {}});
    server.setWatchlist(&watchlist);
    const quint16 port = listen(server);
    QVERIFY(port != 0);
    int accepted = 0;
    Reply refused;
    for (int i = 0; i < WatchlistController::maxAdditionsPerMinute + 5; ++i) {
        const Reply reply
            = rawRequest(port, "PUT", "/api/watchlist/flood/r" + QByteArray::number(i));
        if (reply.status == 200)
            ++accepted;
        else
            refused = reply;
    }
    QCOMPARE(accepted, WatchlistController::maxAdditionsPerMinute);
    QCOMPARE(refused.status, 429);
    QVERIFY(refused.headers.value("retry-after").toInt() > 0);
    QCOMPARE(watchlist.names().size(), WatchlistController::maxAdditionsPerMinute);
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
