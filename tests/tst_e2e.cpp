#include "childprocess.h"
#include "goldcounts.h"
#include "store/database.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace {

const QByteArray token = "ghp_EndToEndSecret0123456789";

struct Served
{
    QSet<qint64> ids;
    QSet<QByteArray> bodies; // sha1, hex
};

Served readServedLog(const QString &path)
{
    Served served;
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("body "))
            served.bodies.insert(line.mid(5));
        else if (!line.isEmpty())
            served.ids.insert(line.toLongLong());
    }
    return served;
}

qint64 silverCount(const QString &dataDir)
{
    QString error;
    QSqlDatabase database = Database::open(dataDir, u"probe"_s, true, &error);
    qint64 count = -1;
    {
        QSqlQuery query(database);
        if (query.exec(u"SELECT COUNT(*) FROM events"_s) && query.next())
            count = query.value(0).toLongLong();
    }
    Database::close(database);
    return count;
}

qint64 residentKb(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    status.open(QIODevice::ReadOnly);
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

// The real `ghmonitor --headless` against the stand-in's moving feed with faults all
// along, killed with SIGKILL twice: silver must hold exactly what was served.
class TestEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void nothingLostNothingDoubledUnderFaultsAndKills();

private:
    void startMonitor(QProcess &monitor);
    QJsonObject health();
    QString m_dataDir;
    QUrl m_github;
    QString m_apiUrl;
    QByteArray m_logs;
    QNetworkAccessManager m_network;
};

void TestEndToEnd::startMonitor(QProcess &monitor)
{
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, m_github.toString());
    env.insert(u"GITHUB_TOKEN"_s, QString::fromLatin1(token));
    env.insert(u"COLLECTION_INTERVAL_SECONDS"_s, u"1"_s);
    env.insert(u"GHM_REQUEST_TIMEOUT_SECONDS"_s, u"1"_s);
    env.insert(u"GHM_DATA_DIR"_s, m_dataDir);
    monitor.setProcessEnvironment(env);
    monitor.setProcessChannelMode(QProcess::MergedChannels);
    monitor.start(QStringLiteral(GHM_BINARY), {u"--headless"_s});
    QVERIFY(monitor.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += monitor.readAll()).contains("API listening on "), 15000);
    const qsizetype at = output.indexOf("API listening on ") + 17;
    m_apiUrl = QString::fromLatin1(output.mid(at, output.indexOf('\n', at) - at).trimmed());
    m_logs += output;
}

QJsonObject TestEndToEnd::health()
{
    QNetworkReply *reply = m_network.get(QNetworkRequest(QUrl(m_apiUrl + "/api/health"_L1)));
    QSignalSpy(reply, &QNetworkReply::finished).wait(5000);
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

void TestEndToEnd::nothingLostNothingDoubledUnderFaultsAndKills()
{
    QTemporaryDir dir;
    m_dataDir = dir.filePath(u"data"_s);
    const QString servedLog = dir.filePath(u"served.log"_s);
    QProcess github;
    m_github = ChildProcess::startFakeGitHub(github,
                                             {u"--era"_s,
                                              u"2024"_s,
                                              u"--rate"_s,
                                              u"25"_s,
                                              u"--poll-interval"_s,
                                              u"1"_s,
                                              u"--token"_s,
                                              QString::fromLatin1(token),
                                              u"--fail-every"_s,
                                              u"7"_s,
                                              u"--truncate-every"_s,
                                              u"5"_s,
                                              u"--retry-after-every"_s,
                                              u"23"_s,
                                              u"--slow-every"_s,
                                              u"29"_s,
                                              u"--slow-ms"_s,
                                              u"1500"_s,
                                              u"--reset-every"_s,
                                              u"31"_s,
                                              u"--rate-limit"_s,
                                              u"40:15"_s,
                                              u"--served-log"_s,
                                              servedLog});
    QVERIFY(m_github.isValid());

    QProcess monitor;
    for (int kill = 0; kill < 2; ++kill) {
        startMonitor(monitor);
        const qint64 before = std::max<qint64>(silverCount(m_dataDir), 0);
        // Killed mid-ingest: once new events have reached silver since the start.
        QTRY_VERIFY_WITH_TIMEOUT(silverCount(m_dataDir) > before + 50, 30000);
        QVERIFY(ChildProcess::terminate(monitor, SIGKILL));
        m_logs += monitor.readAll();
    }
    startMonitor(monitor);

    // Bronze becomes unwritable (a file where today's folder belongs; chmod would not stop
    // root): a clear error state, polling pauses, and it recovers with nothing dropped.
    {
        const QString today = m_dataDir
            + QDateTime::currentDateTimeUtc().toString(u"'/bronze/events/'yyyy/MM/dd"_s);
        const QString aside = today + ".aside"_L1;
        QVERIFY(QDir().rename(today, aside));
        QFile blocker(today);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const auto pollerState = [this] {
            const QJsonObject now = health();
            return QString(now["status"_L1].toString() + u'/'
                           + now["poller"_L1]["state"_L1].toString());
        };
        QTRY_COMPARE_WITH_TIMEOUT(pollerState(), u"degraded/storage_error"_s, 20000);
        QVERIFY(QFile::remove(today));
        QVERIFY(QDir().rename(aside, today));
        QTRY_COMPARE_WITH_TIMEOUT(pollerState().section(u'/', 1), u"up_to_date"_s, 30000);
    }

    // Load the API while ingestion goes on: no errors, and memory stays put.
    const QString wrk = QStandardPaths::findExecutable(u"wrk"_s);
    if (!wrk.isEmpty()) {
        const qint64 rssBefore = residentKb(monitor.processId());
        QProcess load;
        load.start(wrk,
                   {u"-t2"_s, u"-c32"_s, u"-d10s"_s, m_apiUrl + "/api/events/count?offset=60"_L1});
        QVERIFY(load.waitForFinished(30000));
        const QByteArray report = load.readAllStandardOutput();
        QVERIFY2(report.contains("Requests/sec:") && !report.contains("Non-2xx")
                     && !report.contains("Socket errors"),
                 report.constData());
        const qint64 rssAfter = residentKb(monitor.processId());
        QVERIFY2(rssAfter < rssBefore + 50 * 1024,
                 qPrintable(u"RSS %1 -> %2 kB"_s.arg(rssBefore).arg(rssAfter)));
    } else {
        qWarning("wrk is not installed: the API load part is skipped");
    }

    // Freeze the feed, then wait until the monitor has caught up with it (a poll answered
    // 304 since; until then it may still page through events never served) and everything
    // served has reached silver.
    const auto notModified
        = [this] { return health()["poller"_L1]["not_modified"_L1].toInteger(); };
    const qint64 notModifiedBefore = notModified();
    QNetworkRequest pause(QUrl(m_github.toString() + "/_control/pause"_L1));
    QNetworkReply *paused = m_network.post(pause, QByteArray());
    QVERIFY(QSignalSpy(paused, &QNetworkReply::finished).wait());
    QTRY_VERIFY_WITH_TIMEOUT(notModified() > notModifiedBefore, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(readServedLog(servedLog).ids.size() == silverCount(m_dataDir), 30000);

    // The API agrees with what was served.
    QNetworkReply *count
        = m_network.get(QNetworkRequest(QUrl(m_apiUrl + "/api/events/count?offset=5256000"_L1)));
    QVERIFY(QSignalSpy(count, &QNetworkReply::finished).wait());
    const QJsonObject answer = QJsonDocument::fromJson(count->readAll()).object();

    QVERIFY(ChildProcess::terminate(monitor));
    QCOMPARE(monitor.exitCode(), 0);
    m_logs += monitor.readAll();
    ChildProcess::terminate(github);

    const Served served = readServedLog(servedLog);
    QVERIFY2(served.ids.size() > 200, QByteArray::number(served.ids.size()));
    QCOMPARE(answer["total"_L1].toInteger(), served.ids.size());

    QString error;
    QSqlDatabase database = Database::open(m_dataDir, u"check"_s, true, &error);
    {
        QSqlQuery query(database);
        QSet<qint64> silver;
        QVERIFY(query.exec(u"SELECT id FROM events"_s));
        while (query.next())
            silver.insert(query.value(0).toLongLong());
        QCOMPARE(silver.size(), served.ids.size());
        QVERIFY(silver == served.ids);
        QVERIFY(query.exec(u"SELECT (SELECT SUM(events) FROM gold.type_minute), "
                           "(SELECT value FROM gold.meta WHERE key = 'events_total')"_s)
                && query.next());
        for (int column = 0; column < 2; ++column)
            QCOMPARE(query.value(column).toLongLong(), served.ids.size());
        QCOMPARE(GoldCounts::repositoryTotal(database), served.ids.size());
    }
    Database::close(database);

    // Bronze: every page is one the stand-in served in full, byte for byte.
    int pages = 0;
    QDirIterator it(m_dataDir + "/bronze/events"_L1, {u"events_*.json"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(".meta.json"_L1))
            continue;
        QFile page(path);
        QVERIFY(page.open(QIODevice::ReadOnly));
        QVERIFY2(served.bodies.contains(
                     QCryptographicHash::hash(page.readAll(), QCryptographicHash::Sha1).toHex()),
                 qPrintable(path));
        ++pages;
    }
    QVERIFY(pages > 10);

    // The token is in no file and no log.
    QVERIFY(!m_logs.contains(token));
    QDirIterator files(m_dataDir, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(token), qPrintable(file.fileName()));
    }
    QVERIFY(m_logs.contains("poll failed")); // the faults really happened
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_e2e.moc"
