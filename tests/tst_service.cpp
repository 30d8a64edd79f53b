#include "childprocess.h"
#include "event/compressedfile.h"
#include "event/timeformat.h"
#include "store/database.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpSocket>

#include <map>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 firstSecond = 1735745400; // 2025-01-01T15:30:00Z
constexpr int syntheticEvents = 3000;

struct Reply
{
    int status = 0;
    QByteArray contentType;
    QByteArray retryAfter;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

} // namespace

// The service as users run it: `ghmonitor --headless`, a real process with its own event
// loop, on a store filled by `ghmonitor --import`.
class TestService : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void dashboardRoutesLeaveTheServiceRunning();
    void droppedConnectionsGiveNumbersOrA503();
    void unreadableStoreAnswers503NeverZeros();
    void aWaitingAnswerDelaysNoOther();
    void pipelinedRequestsAreAnsweredInOrder();
    void aStopWhileReadersAnswerIsClean();
    void hostileClientsCostBoundedMemory();
    void aDamagedStoreIsReportedWithTheWayOut();
    void archiveBackfillMakesItsHoursComplete();
    void theLiveFeedIsMeasuredAsItIs_data();
    void theLiveFeedIsMeasuredAsItIs();

private:
    void importSynthetic();
    QString startService(const QStringList &extra = {},
                         const QHash<QString, QString> &environment = {});
    Reply get(const QString &path);
    Reply waitFor(QNetworkReply *reply);
    QSqlDatabase adminConnection(const QString &name) const;
    // Events by type of the generated file in the API's default window ending at `to`.
    std::map<QString, qint64> expectedCounts(qint64 from, qint64 to) const;

    std::unique_ptr<TestStorage> m_storage;
    QProcess m_service;
    QString m_apiUrl;
    QNetworkAccessManager m_network;
    QList<QByteArray> m_lines;
};

void TestService::init()
{
    m_storage = std::make_unique<TestStorage>();
    m_lines.clear();
}

void TestService::cleanup()
{
    if (m_service.state() != QProcess::NotRunning)
        ChildProcess::terminate(m_service);
    m_storage.reset();
}

void TestService::importSynthetic()
{
    const QString file = m_storage->filePath(u"synthetic.ndjson"_s);
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    for (qint64 i = 0; i < syntheticEvents; ++i) {
        m_lines << SyntheticEvents::event(i, firstSecond + i, 7);
        out.write(m_lines.last() + '\n');
    }
    out.close();
    QProcess import;
    import.setProcessEnvironment(ChildProcess::cleanEnvironment());
    import.start(QStringLiteral(GHM_BINARY),
                 QStringList {u"--import"_s, file} + m_storage->options());
    QVERIFY(import.waitForFinished(60000));
    QVERIFY2(import.exitCode() == 0, import.readAllStandardError().constData());
}

QString TestService::startService(const QStringList &extra,
                                  const QHash<QString, QString> &environment)
{
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s); // nothing listens: polls fail
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        env.insert(it.key(), it.value());
    m_service.setProcessEnvironment(env);
    m_service.setProcessChannelMode(QProcess::MergedChannels);
    m_service.start(QStringLiteral(GHM_BINARY),
                    QStringList {u"--headless"_s} + m_storage->options() + extra);
    QByteArray output;
    QDeadlineTimer deadline(15000);
    while (!output.contains("API listening on ") && !deadline.hasExpired()
           && m_service.state() != QProcess::NotRunning) {
        m_service.waitForReadyRead(200);
        output += m_service.readAll();
    }
    const qsizetype at = output.indexOf("API listening on ");
    if (at < 0) {
        qWarning().noquote() << output;
        return {};
    }
    const qsizetype start = at + 17;
    return QString::fromLatin1(output.mid(start, output.indexOf('\n', start) - start).trimmed());
}

Reply TestService::get(const QString &path)
{
    return waitFor(m_network.get(QNetworkRequest(QUrl(m_apiUrl + path))));
}

Reply TestService::waitFor(QNetworkReply *reply)
{
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(20000);
    reply->deleteLater();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            reply->rawHeader("Content-Type"), reply->rawHeader("Retry-After"), reply->readAll()};
}

// A connection of the test's own to the service's PostgreSQL database.
QSqlDatabase TestService::adminConnection(const QString &name) const
{
    QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    const QUrl url = m_storage->location().databaseUrl;
    admin.setHostName(url.host());
    admin.setPort(url.port());
    admin.setUserName(url.userName());
    admin.setDatabaseName(url.path().mid(1));
    return admin;
}

std::map<QString, qint64> TestService::expectedCounts(qint64 from, qint64 to) const
{
    std::map<QString, qint64> counts;
    QSet<QString> ids;
    for (const QByteArray &line : m_lines) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        const qint64 created = QDateTime::fromString(event["created_at"_L1].toString(), Qt::ISODate)
                                   .toSecsSinceEpoch();
        if (created >= from && created <= to && !ids.contains(event["id"_L1].toString())) {
            ids.insert(event["id"_L1].toString());
            ++counts[event["type"_L1].toString()];
        }
    }
    return counts;
}

void TestService::dashboardRoutesLeaveTheServiceRunning()
{
    REQUIRE_STORAGE(*m_storage);
    importSynthetic();
    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());

    const Reply page = get(u"/dashboard"_s);
    QCOMPARE(page.status, 200);
    QVERIFY(page.contentType.startsWith("text/html"));
    for (const char *panel : {"types", "rate", "repositories", "pull_requests"}) {
        const Reply image = get(u"/dashboard/%1.png?window=60&at=2025-01-01T16:00:00Z"_s.arg(
            QString::fromLatin1(panel)));
        QCOMPARE(image.status, 200);
        QCOMPARE(image.contentType, QByteArray("image/png"));
        const QImage png = QImage::fromData(image.body, "PNG");
        QVERIFY2(png.width() >= 400 && png.height() >= 300, panel);
    }

    // The images once ended the process within about 2 s, with status 0.
    QTest::qWait(10000);
    QCOMPARE(m_service.state(), QProcess::Running);
    const Reply health = get(u"/api/health"_s);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()["events_stored"_L1].toInteger(), syntheticEvents);
}

void TestService::droppedConnectionsGiveNumbersOrA503()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: a SQLite file has no server to drop it");
    REQUIRE_STORAGE(*m_storage);
    importSynthetic();
    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());
    const QString path = u"/api/events/count?offset=60&at=2025-01-01T16:00:00Z"_s;
    QCOMPARE(get(path).status, 200);

    const qint64 to = firstSecond + 1800;
    for (int round = 0; round < 3; ++round) {
        {
            QSqlDatabase admin = adminConnection(u"dropper"_s);
            QVERIFY(admin.open());
            QSqlQuery drop(admin);
            QVERIFY(drop.exec(uR"(SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                  WHERE datname = current_database()
                                    AND pid <> pg_backend_pid())"_s));
        }
        QSqlDatabase::removeDatabase(u"dropper"_s);
        // A different `at` each round: no cached answer.
        const Reply reply
            = get(u"/api/events/count?offset=60&at=2025-01-01T16:00:0%1Z"_s.arg(round));
        if (reply.status == 503) {
            QVERIFY(!reply.retryAfter.isEmpty());
            continue;
        }
        QCOMPARE(reply.status, 200);
        const std::map<QString, qint64> shifted = expectedCounts(to - 3600 + round, to + round);
        QVERIFY(!shifted.empty());
        const QJsonObject counts = reply.json()["counts"_L1].toObject();
        QCOMPARE(counts.size(), qsizetype(shifted.size()));
        for (const auto &[type, count] : shifted)
            QCOMPARE(counts[type].toInteger(), count);
    }
    QCOMPARE(m_service.state(), QProcess::Running);
}

void TestService::unreadableStoreAnswers503NeverZeros()
{
    SKIP_ON_POSTGRES("the unreadable file is SQLite's");
    REQUIRE_STORAGE(*m_storage);
    QVERIFY(QDir(m_storage->path()).mkpath(u"silver"_s));
    QFile silver(m_storage->filePath(u"silver/github_events.db"_s));
    QVERIFY(silver.open(QIODevice::WriteOnly));
    silver.write(QByteArray(8192, 'x')); // not a database
    silver.close();

    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());
    for (const QString &path :
         {u"/api/events/count"_s, u"/api/repositories/active"_s,
          u"/api/repository/octo/cat/avg_pr_time"_s, u"/metrics"_s, u"/dashboard/types.png"_s}) {
        const Reply reply = get(path);
        QVERIFY2(reply.status == 503, qPrintable(path + u' ' + QString::number(reply.status)));
        QVERIFY(!reply.retryAfter.isEmpty());
        QVERIFY(reply.json()["error"_L1].toString().contains("database is unavailable"_L1));
    }
    const Reply health = get(u"/api/health"_s);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()["status"_L1].toString(), u"degraded"_s);
    // Unavailable to every query, and damaged once the integrity check has seen it.
    const QString state = health.json()["store"_L1]["state"_L1].toString();
    QVERIFY2(state == "unavailable"_L1 || state == "damaged"_L1, qPrintable(state));
    QVERIFY(health.json()["events_stored"_L1].isNull());
}

// The API answers metrics on a pool of reader threads: a query held up in one of them
// (here by a lock on the repository names) delays neither another metric nor health.
void TestService::aWaitingAnswerDelaysNoOther()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: a SQLite reader cannot be made to wait from outside");
    REQUIRE_STORAGE(*m_storage);
    importSynthetic();
    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());
    QCOMPARE(get(u"/api/health"_s).status, 200);
    {
        QSqlDatabase admin = adminConnection(u"locker"_s);
        QVERIFY(admin.open());
        QSqlQuery lock(admin);
        QVERIFY(lock.exec(u"BEGIN"_s));
        QVERIFY(lock.exec(u"LOCK TABLE gold.repos IN ACCESS EXCLUSIVE MODE"_s));

        QNetworkReply *held = m_network.get(QNetworkRequest(
            QUrl(m_apiUrl + u"/api/repositories/active?offset=60&at=2025-01-01T16:00:00Z"_s)));
        QTest::qWait(1000);
        QVERIFY2(!held->isFinished(), "the active repositories should wait for the lock");

        const Reply counts = get(u"/api/events/count?offset=60&at=2025-01-01T16:00:00Z"_s);
        QCOMPARE(counts.status, 200);
        const std::map<QString, qint64> expected
            = expectedCounts(firstSecond + 1800 - 3600, firstSecond + 1800);
        const QJsonObject answered = counts.json()["counts"_L1].toObject();
        QCOMPARE(answered.size(), qsizetype(expected.size()));
        for (const auto &[type, count] : expected)
            QCOMPARE(answered[type].toInteger(), count);
        QCOMPARE(get(u"/api/health"_s).status, 200);
        QVERIFY2(!held->isFinished(), "the lock still holds the first request");

        QVERIFY(lock.exec(u"COMMIT"_s));
        const Reply active = waitFor(held);
        QCOMPARE(active.status, 200);
        QVERIFY(!active.json()["repositories"_L1].toArray().isEmpty());
    }
    QSqlDatabase::removeDatabase(u"locker"_s);
}

// SIGTERM while the reader threads still have answers to compute: the server waits for them,
// and they find the pool they run on. It was a crash: the pool's pointer was cleared before
// the pool waited for its threads.
void TestService::aStopWhileReadersAnswerIsClean()
{
    REQUIRE_STORAGE(*m_storage);
    importSynthetic();
    m_apiUrl = startService({}, {{u"GHM_API_CACHE_MB"_s, u"0"_s}});
    QVERIFY(!m_apiUrl.isEmpty());
    const QUrl api(m_apiUrl);
    std::array<QTcpSocket, 128> clients;
    int sent = 0;
    for (QTcpSocket &socket : clients) {
        socket.connectToHost(api.host(), quint16(api.port()));
        QVERIFY(socket.waitForConnected(5000));
        QByteArray requests;
        for (int i = 0; i < 2; ++i, ++sent) {
            const QByteArray at = TimeFormat::iso(firstSecond + sent % 3000).toLatin1();
            requests += "GET /api/dashboard?window=all&bots=exclude&at=" + at
                + " HTTP/1.1\r\nHost: " + api.host().toLatin1() + "\r\n\r\n";
        }
        socket.write(requests);
        QVERIFY(socket.waitForBytesWritten(5000));
    }
    // Until the first answers come: the rest are queued for the readers.
    QVERIFY(clients.front().waitForReadyRead(10000));
    QVERIFY(clients.front().peek(12).startsWith("HTTP/1.1 200"));
    QVERIFY(ChildProcess::terminate(m_service));
    QCOMPARE(m_service.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_service.exitCode(), 0);
}

// HTTP/1.1 lets a client send its next request before the last is answered. A slow
// answer from a reader thread must still come before the quick one that followed it.
void TestService::pipelinedRequestsAreAnsweredInOrder()
{
    REQUIRE_STORAGE(*m_storage);
    importSynthetic();
    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());
    const QUrl api(m_apiUrl);
    QTcpSocket socket;
    socket.connectToHost(api.host(), quint16(api.port()));
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray host = "Host: " + api.host().toLatin1() + "\r\n\r\n";
    socket.write("GET /dashboard/types.png?window=60&at=2025-01-01T16:00:00Z HTTP/1.1\r\n" + host
                 + "GET /api/health HTTP/1.1\r\n" + host
                 + "GET /api/events/count?offset=60&at=2025-01-01T16:00:00Z HTTP/1.1\r\n" + host);
    QByteArray received;
    QList<QByteArray> contentTypes;
    QDeadlineTimer deadline(20000);
    while (contentTypes.size() < 3 && !deadline.hasExpired()) {
        socket.waitForReadyRead(200);
        received += socket.readAll();
        // Take every complete response off the front: headers, then Content-Length bytes.
        for (qsizetype end; (end = received.indexOf("\r\n\r\n")) >= 0;) {
            const QList<QByteArray> lines = received.left(end).split('\n');
            qint64 length = 0;
            QByteArray type;
            for (const QByteArray &line : lines) {
                const QByteArray lower = line.trimmed().toLower();
                if (lower.startsWith("content-length:"))
                    length = lower.mid(15).trimmed().toLongLong();
                else if (lower.startsWith("content-type:"))
                    type = lower.mid(13).trimmed();
            }
            if (received.size() < end + 4 + length)
                break;
            contentTypes << type;
            received.remove(0, end + 4 + length);
        }
    }
    QCOMPARE(contentTypes.size(), 3);
    QCOMPARE(contentTypes[0], QByteArray("image/png"));
    QVERIFY2(contentTypes[1].startsWith("application/json"), contentTypes[1].constData());
    QVERIFY2(contentTypes[2].startsWith("application/json"), contentTypes[2].constData());
    QCOMPARE(m_service.state(), QProcess::Running);
}

namespace {

qint64 residentBytes(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

} // namespace

// The attacks of the last hostile-input round, on the real service: bodies smuggled behind
// pipelined heads, and thousands of pipelined requests for a 200 KB asset left unread.
// Each connection is refused or closed, and the service's memory stays within 64 MiB of
// where it started (the README's limits table).
void TestService::hostileClientsCostBoundedMemory()
{
    REQUIRE_STORAGE(*m_storage);
    m_apiUrl = startService({}, {{u"GHM_API_TOKEN"_s, u"secret"_s}});
    QVERIFY(!m_apiUrl.isEmpty());
    const QUrl api(m_apiUrl);
    const qint64 pid = m_service.processId();
    QTest::qWait(500);
    const qint64 before = residentBytes(pid);
    QVERIFY(before > 0);

    const QByteArray host = "Host: " + api.host().toLatin1() + "\r\n";
    std::array<QTcpSocket, 3> smugglers;
    for (QTcpSocket &socket : smugglers) {
        socket.connectToHost(api.host(), quint16(api.port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /api/health HTTP/1.1\r\n" + host
                     + "\r\nPUT /api/watchlist/a/b HTTP/1.1\r\n" + host
                     + "Content-Length: 4000000000\r\n\r\n");
    }
    const QByteArray chunk = "\r\n\r\n" + QByteArray(1024 * 1024, 'x');
    for (int sent = 0; sent < 100; ++sent) {
        for (QTcpSocket &socket : smugglers) {
            if (socket.state() == QAbstractSocket::ConnectedState) {
                socket.write(chunk);
                socket.waitForBytesWritten(50);
            }
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(smugglers.cbegin(), smugglers.cend(),
                                         [](const QTcpSocket &socket) {
                                             return socket.state()
                                                 != QAbstractSocket::ConnectedState;
                                         }),
                             10000);

    QTcpSocket hoarder; // asks for the asset again and again, reads nothing
    hoarder.connectToHost(api.host(), quint16(api.port()));
    QVERIFY(hoarder.waitForConnected(5000));
    hoarder.setReadBufferSize(1);
    const QByteArray asset = "GET /dashboard/assets/chart.umd.min.js HTTP/1.1\r\n" + host + "\r\n";
    hoarder.write(asset.repeated(4000));
    QTest::qWait(4000); // the service cuts it meanwhile; what it had sent waits unread
    const qint64 during = residentBytes(pid);
    hoarder.setReadBufferSize(0);
    QTRY_VERIFY_WITH_TIMEOUT(
        (hoarder.readAll(), hoarder.state() != QAbstractSocket::ConnectedState), 10000);

    const qint64 after = std::max(residentBytes(pid), during);
    qInfo("service RSS: %lld MB before, %lld MB at most after", before >> 20, after >> 20);
    QVERIFY2(after - before < 64 * 1024 * 1024,
             qPrintable(u"RSS went from %1 to %2 MB"_s.arg(before >> 20).arg(after >> 20)));
    QCOMPARE(get(u"/api/health"_s).status, 401); // and it still answers
    QCOMPARE(m_service.state(), QProcess::Running);
}

// Random bytes across silver's pages: at start the service checks the store on a thread of
// its own and reports the damage in health, with the way out, while it keeps polling.
void TestService::aDamagedStoreIsReportedWithTheWayOut()
{
    SKIP_ON_POSTGRES("quick_check is SQLite's");
    importSynthetic();
    QFile silver(Database::silverPath(m_storage->path()));
    QVERIFY(silver.open(QIODevice::ReadWrite));
    QRandomGenerator random(5);
    for (qint64 at = 8192; at < silver.size() - 4096; at += 16384) {
        QByteArray noise(3000, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        silver.seek(at);
        silver.write(noise);
    }
    silver.close();
    m_apiUrl = startService();
    QVERIFY(!m_apiUrl.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(get(u"/api/health"_s).json()["store"_L1]["state"_L1].toString(),
                              u"damaged"_s, 15000);
    const QJsonObject health = get(u"/api/health"_s).json();
    QCOMPARE(health["status"_L1].toString(), u"degraded"_s);
    QVERIFY2(health["store"_L1]["error"_L1].toString().contains(u"ghmonitor --rebuild"_s),
             qPrintable(health["store"_L1]["error"_L1].toString()));
    QCOMPARE(m_service.state(), QProcess::Running);
}

// The follower in the real service: three finished hours fetched from the stand-in at the
// first start give /api/events/count the counts of the served files, and those hours, and
// no others, are complete in /api/coverage and in the count's answer.
void TestService::archiveBackfillMakesItsHoursComplete()
{
    QProcess github;
    const QUrl githubUrl = ChildProcess::startFakeGitHub(
        github, {u"--era"_s, u"2024"_s, u"--rate"_s, u"2"_s, u"--archive"_s});
    QVERIFY(githubUrl.isValid());
    // The service must see the same hour as the test, and the last hour must be due: the
    // follower asks for an hour 2 minutes after it ends.
    const qint64 intoHour = QDateTime::currentSecsSinceEpoch() % 3600;
    if (intoHour > 3570 || intoHour < 125)
        QTest::qWait(int((125 - intoHour + 3600) % 3600) * 1000);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 firstHour = now - now % 3600 - 3 * 3600;
    m_apiUrl = startService({},
                            {{u"GHM_ARCHIVE"_s, u"on"_s},
                             {u"GHM_ARCHIVE_URL"_s, githubUrl.toString()},
                             {u"GHM_ARCHIVE_BACKFILL_HOURS"_s, u"3"_s}});
    QVERIFY(!m_apiUrl.isEmpty());
    const QString hours = u"/api/coverage?from=%1&to=%2"_s.arg(
        TimeFormat::iso(firstHour), TimeFormat::iso(firstHour + 3 * 3600 - 1));
    QTRY_VERIFY_WITH_TIMEOUT(get(hours).json()["complete"_L1].toBool(), 30000);

    // The reference: the served files, fetched and counted here.
    std::map<QString, qint64> expected;
    for (qint64 hour = firstHour; hour < firstHour + 3 * 3600; hour += 3600) {
        const QDateTime start = QDateTime::fromSecsSinceEpoch(hour, Qt::UTC);
        QUrl url = githubUrl;
        url.setPath(
            u"/%1-%2.json.gz"_s.arg(start.toString(u"yyyy-MM-dd"_s)).arg(start.time().hour()));
        const Reply file = waitFor(m_network.get(QNetworkRequest(url)));
        QCOMPARE(file.status, 200);
        const QString path = m_storage->filePath(u"served.json.gz"_s);
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::WriteOnly));
        saved.write(file.body);
        saved.close();
        for (const QByteArray &line : CompressedFile::readAll(path).trimmed().split('\n'))
            ++expected[QJsonDocument::fromJson(line).object()["type"_L1].toString()];
    }
    const QString lastSecond = TimeFormat::iso(firstHour + 3 * 3600 - 1);
    const QJsonObject count = get(u"/api/events/count?offset=180&at=%1"_s.arg(lastSecond)).json();
    std::map<QString, qint64> counted;
    const QJsonObject counts = count["counts"_L1].toObject();
    for (auto it = counts.begin(); it != counts.end(); ++it)
        counted[it.key()] = it.value().toInteger();
    QCOMPARE(counted, expected);
    // A window includes both its ends: 180 minutes back from 17:59:59 is 14:59:59, a second
    // of a sampled hour. 179 minutes stay inside; a second later leaves them again.
    QVERIFY(!count["complete"_L1].toBool());
    const auto complete = [this](const QString &query) {
        return get(u"/api/events/count?"_s + query).json()["complete"_L1].toBool();
    };
    QVERIFY(complete(u"offset=179&at="_s + lastSecond));
    QVERIFY(!complete(u"offset=179&at="_s + TimeFormat::iso(firstHour + 3 * 3600)));

    const QJsonArray covered = get(hours).json()["hours"_L1].toArray();
    QCOMPARE(covered.size(), 3);
    for (const QJsonValue &hour : covered)
        QCOMPARE(hour["source"_L1].toString(), u"complete"_s);
    const QJsonObject archive = get(u"/api/health"_s).json()["archive"_L1].toObject();
    QCOMPARE(archive["hours_stored"_L1].toInteger(), 3);
    QCOMPARE(archive["state"_L1].toString(), u"waiting"_s);
    QVERIFY(archive["disk_bytes"_L1].toInteger() > 0);
    QVERIFY(get(u"/metrics"_s).body.contains("ghm_archive_files_stored_total 3\n"));
    QCOMPARE(m_service.state(), QProcess::Running);
    ChildProcess::terminate(github);
}

void TestService::theLiveFeedIsMeasuredAsItIs_data()
{
    QTest::addColumn<QString>("era");
    QTest::newRow("2024") << u"2024"_s;
    QTest::newRow("2026") << u"2026"_s;
}

// The same service on the stand-in of each era: the 2024 feed is measured healthy, the 2026
// feed degraded, with page 1 almost all pushes and the missing stars named; an archive hour
// of 2026 is filed by crawl hour and completes nothing. Nothing here knows the era but the
// stand-in.
void TestService::theLiveFeedIsMeasuredAsItIs()
{
    QFETCH(QString, era);
    QProcess github;
    const QUrl githubUrl = ChildProcess::startFakeGitHub(
        github,
        {u"--era"_s, era, u"--rate"_s, u"40"_s, u"--poll-interval"_s, u"1"_s, u"--rate-limit"_s,
         u"20000:3600"_s, u"--archive"_s});
    QVERIFY(githubUrl.isValid());
    const qint64 intoHour = QDateTime::currentSecsSinceEpoch() % 3600;
    if (intoHour > 3540 || intoHour < 125)
        QTest::qWait(int((125 - intoHour + 3600) % 3600) * 1000);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 archivedHour = now - now % 3600 - 3600;
    m_apiUrl = startService({},
                            {{u"GITHUB_API_URL"_s, githubUrl.toString()},
                             {u"COLLECTION_INTERVAL_SECONDS"_s, u"1"_s},
                             {u"GHM_ARCHIVE"_s, u"on"_s},
                             {u"GHM_ARCHIVE_URL"_s, githubUrl.toString()},
                             {u"GHM_ARCHIVE_BACKFILL_HOURS"_s, u"1"_s}});
    QVERIFY(!m_apiUrl.isEmpty());

    // Until page 1 has brought 300 events this hour.
    const auto pageOne = [this] {
        for (const QJsonValue &hour : get(u"/api/sources"_s).json()["hours"_L1].toArray()) {
            if (hour["source"_L1].toString() == "feed-p1"_L1
                && hour["hour"_L1].toString()
                    == TimeFormat::iso(QDateTime::currentSecsSinceEpoch() / 3600 * 3600))
                return hour.toObject();
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(pageOne()["new_events"_L1].toInteger() >= 300, 90000);
    const QJsonObject first = pageOne();
    const QJsonObject types = first["types"_L1].toObject();
    qint64 total = 0;
    for (auto it = types.begin(); it != types.end(); ++it)
        total += it.value().toInteger();
    const double pushShare = double(types["PushEvent"_L1].toInteger()) / double(total);
    const QJsonArray degraded = first["degraded_types"_L1].toArray();
    QCOMPARE(first["yield"_L1].toDouble(),
             double(first["new_events"_L1].toInteger()) / double(first["requests"_L1].toInteger()));

    const QJsonObject count = get(u"/api/events/count?offset=1440"_s).json();
    const QJsonObject quality = count["quality"_L1].toObject();
    const QString archived = u"/api/coverage?from=%1&to=%2"_s.arg(
        TimeFormat::iso(archivedHour), TimeFormat::iso(archivedHour + 3599));
    if (era == "2024"_L1) {
        QVERIFY2(pushShare < 0.8, qPrintable(QString::number(pushShare)));
        QVERIFY(degraded.isEmpty());
        QVERIFY(quality["degraded_types"_L1].toArray().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(get(archived).json()["complete"_L1].toBool(), 30000);
    } else {
        QVERIFY2(pushShare > 0.9, qPrintable(QString::number(pushShare)));
        QVERIFY(degraded.contains(u"CreateEvent"_s));
        QCOMPARE(quality["status"_L1].toString(), u"degraded"_s);
        QVERIFY(quality["degraded_types"_L1].toArray().contains(u"WatchEvent"_s));
        QVERIFY(quality["lower_bounds"_L1].toBool());
        QTRY_VERIFY_WITH_TIMEOUT(get(archived).json()["hours"_L1][0]["archived"_L1].toBool(),
                                 60000);
        const QJsonObject hour = get(archived).json()["hours"_L1][0].toObject();
        QCOMPARE(hour["source"_L1].toString(), u"sampled"_s);
        QVERIFY2(hour["incomplete_reason"_L1].toString().startsWith(u"filed by crawl hour"_s),
                 qPrintable(hour["incomplete_reason"_L1].toString()));
    }
    QCOMPARE(m_service.state(), QProcess::Running);
    ChildProcess::terminate(github);
}

QTEST_GUILESS_MAIN(TestService)
#include "tst_service.moc"
