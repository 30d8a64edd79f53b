#include "childprocess.h"
#include "dashboardcontroller.h"
#include "goldcounts.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "store/changelistener.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QThread>

#include <map>

using namespace Qt::StringLiterals;

namespace {

// Counts read straight from the shared database, through a connection of the test's own.
class SharedDatabase
{
public:
    explicit SharedDatabase(const QUrl &url)
    {
        m_database = QSqlDatabase::addDatabase(u"QPSQL"_s, u"inspector"_s);
        m_database.setHostName(url.host());
        m_database.setPort(url.port());
        m_database.setUserName(url.userName());
        m_database.setDatabaseName(url.path().mid(1));
        m_database.open();
    }
    ~SharedDatabase()
    {
        m_database.close();
        m_database = {};
        QSqlDatabase::removeDatabase(u"inspector"_s);
    }

    const QSqlDatabase &database() const { return m_database; }

    qint64 scalar(const QString &sql)
    {
        QSqlQuery query(sql, m_database);
        return query.next() ? query.value(0).toLongLong() : -1;
    }

    std::map<QString, qint64> pairs(const QString &sql)
    {
        std::map<QString, qint64> result;
        QSqlQuery query(sql, m_database);
        while (query.next())
            result[query.value(0).toString()] = query.value(1).toLongLong();
        return result;
    }

private:
    QSqlDatabase m_database;
};

// An archive of synthetic events in which every 10th line repeats an earlier event, as
// GH Archive hours overlap; the expected counts come from the lines, parsed here.
struct Archive
{
    qint64 lines = 0;
    std::map<QString, qint64> eventsByType;
    qint64 distinct = 0;
};

Archive writeArchive(const QString &path, qint64 events, qint64 first = 0)
{
    Archive archive;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return archive;
    QSet<QString> seen;
    for (qint64 i = first; i < first + events; ++i) {
        const qint64 index = i % 10 == 9 ? i / 2 : i;
        const QByteArray line = SyntheticEvents::event(index, 1735740000 + index / 20, 9);
        file.write(line + '\n');
        ++archive.lines;
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (!seen.contains(event["id"_L1].toString())) {
            seen.insert(event["id"_L1].toString());
            ++archive.eventsByType[event["type"_L1].toString()];
        }
    }
    archive.distinct = seen.size();
    return archive;
}

// An import through an in-process collector, which commits before it returns.
IngestSummary importFile(Pipeline &collector, const QString &file)
{
    QSignalSpy finished(&collector, &Pipeline::finished);
    collector.importFiles({file});
    return finished.size() == 1 ? finished.first().first().value<IngestSummary>()
                                : IngestSummary {false, false, u"no result"_s};
}

// Two collectors, each with its own bronze, importing into the shared store at once.
bool importConcurrently(const TestStorage &storage, const QString &first, const QString &second)
{
    QList<std::shared_ptr<QProcess>> collectors;
    for (const auto &[name, file] :
         {std::pair {u"collector-a"_s, first}, {u"collector-b"_s, second}}) {
        auto process = std::make_shared<QProcess>();
        process->setProcessEnvironment(ChildProcess::cleanEnvironment());
        process->start(QStringLiteral(GHM_BINARY),
                       {u"--import"_s, file, u"--data-dir"_s, storage.filePath(name),
                        u"--database-url"_s, storage.location().databaseUrl.toString()});
        collectors.append(process);
    }
    bool ok = true;
    for (const auto &process : std::as_const(collectors)) {
        ok = ok && process->waitForFinished(120000) && process->exitCode() == 0;
        qInfo("collector: %s%s", process->readAllStandardOutput().trimmed().constData(),
              process->readAllStandardError().right(300).constData());
    }
    return ok;
}

} // namespace

// Team mode: collectors and viewers sharing one PostgreSQL database. Runs only on the
// PostgreSQL backend (make test provides the cluster).
class TestTeamMode : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void concurrentCollectorsStoreEachEventOnce();
    void overlappingConcurrentImportsStoreTheUnion();
    void viewerUpdatesWithinTwoSecondsOfACommit();
    void listenerReconnectsAfterTheServerDropsIt();
    void writersAndReadersReconnectAfterTheServerDropsThem();
    void passwordsNeverShow();
};

void TestTeamMode::init()
{
    if (!TestStorage::onSharedDatabase())
        QSKIP("team mode needs PostgreSQL or ClickHouse: this suite runs as part of make test");
}

void TestTeamMode::concurrentCollectorsStoreEachEventOnce()
{
    SKIP_ON_CLICKHOUSE("one writer process at a time (README)");
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const QString file = storage.filePath(u"hour.ndjson"_s);
    const Archive archive = writeArchive(file, 240000);
    QVERIFY(archive.distinct > 200000);

    // Two collectors, each with its own bronze, importing the same hour at once.
    QVERIFY(importConcurrently(storage, file, file));

    SharedDatabase shared(storage.location().databaseUrl);
    QCOMPARE(shared.scalar(u"SELECT COUNT(*) FROM silver.events"_s), archive.distinct);
    QCOMPARE(shared.scalar(u"SELECT COUNT(DISTINCT id) FROM silver.events"_s), archive.distinct);
    QCOMPARE(shared.scalar(u"SELECT SUM(events) FROM gold.type_minute"_s), archive.distinct);
    QCOMPARE(GoldCounts::repositoryTotal(shared.database()), archive.distinct);
    QCOMPARE(shared.scalar(u"SELECT SUM(events) FROM gold.repos"_s), archive.distinct);
    QCOMPARE(shared.scalar(u"SELECT value FROM gold.meta WHERE key = 'events_total'"_s),
             archive.distinct);
    QCOMPARE(shared.pairs(u"SELECT type, SUM(events) FROM gold.type_minute GROUP BY 1"_s),
             archive.eventsByType);
    // Gold per minute equals silver per minute: no batch was counted by both.
    QCOMPARE(shared.scalar(uR"(SELECT COUNT(*) FROM (
        SELECT created_at / 60 AS minute, type, COUNT(*) AS n FROM silver.events GROUP BY 1, 2
        EXCEPT SELECT minute, type, events FROM gold.type_minute) AS differences)"_s),
             0);
    // Between them, the collectors inserted each event once.
    QCOMPARE(shared.scalar(u"SELECT SUM(events_new) FROM silver.sources"_s), archive.distinct);
}

void TestTeamMode::overlappingConcurrentImportsStoreTheUnion()
{
    SKIP_ON_CLICKHOUSE("one writer process at a time (README)");
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    // Two hours that share half their events, imported at once: the writers race for the
    // shared half, batch by batch.
    const QString early = storage.filePath(u"early.ndjson"_s);
    const QString late = storage.filePath(u"late.ndjson"_s);
    writeArchive(early, 200000);
    writeArchive(late, 200000, 100000);
    const Archive both = writeArchive(storage.filePath(u"union.ndjson"_s), 300000);

    QVERIFY(importConcurrently(storage, early, late));
    SharedDatabase shared(storage.location().databaseUrl);
    QCOMPARE(shared.scalar(u"SELECT COUNT(*) FROM silver.events"_s), both.distinct);
    QCOMPARE(shared.scalar(u"SELECT value FROM gold.meta WHERE key = 'events_total'"_s),
             both.distinct);
    QCOMPARE(shared.pairs(u"SELECT type, SUM(events) FROM gold.type_minute GROUP BY 1"_s),
             both.eventsByType);
    // Gold per minute and repository equals silver's: no batch was counted by both.
    QSqlQuery silver(uR"(SELECT created_at / 60, lower(repo_name) COLLATE "C", COUNT(*)
                         FROM silver.events GROUP BY 1, 2 ORDER BY 1, 2)"_s,
                     shared.database());
    QStringList expected;
    while (silver.next())
        expected << u"%1|%2|%3"_s.arg(silver.value(0).toString(), silver.value(1).toString(),
                                      silver.value(2).toString());
    QCOMPARE(GoldCounts::repositoryMinutes(shared.database()), expected);
}

void TestTeamMode::viewerUpdatesWithinTwoSecondsOfACommit()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    Pipeline collector(storage.location());
    QVERIFY(collector.open());

    QThread thread;
    DashboardController viewer(storage.location(), 90, &thread);
    auto *listener = new ChangeListener(storage.location());
    listener->moveToThread(&thread);
    connect(&thread, &QThread::finished, listener, &QObject::deleteLater);
    connect(listener, &ChangeListener::goldChanged, &viewer, &DashboardController::onGoldChanged);
    QSignalSpy listening(listener, &ChangeListener::listening);
    QSignalSpy ready(&viewer, &DashboardController::dataReady);
    thread.start();
    const auto stop = qScopeGuard([&] {
        thread.quit();
        thread.wait();
    });
    QMetaObject::invokeMethod(listener, &ChangeListener::start);
    QTRY_COMPARE(listening.size(), 1);
    viewer.setRequest({});
    QTRY_COMPARE(ready.size(), 1);

    qint64 stored = 0;
    qint64 slowest = 0;
    for (int commit = 1; commit <= 5; ++commit) {
        const QString file = storage.filePath(u"commit-%1.ndjson"_s.arg(commit));
        writeArchive(file, 50 * commit);
        const qint64 inserted = importFile(collector, file).inserted;
        QElapsedTimer sinceCommit;
        sinceCommit.start();
        QVERIFY(inserted > 0);
        stored += inserted;
        const auto shows = [&] {
            return ready.last().first().value<DashboardSnapshot>().eventsStored == stored;
        };
        QTRY_VERIFY_WITH_TIMEOUT(shows(), 2000);
        slowest = std::max(slowest, sinceCommit.elapsed());
        QTest::qWait(DashboardController::throttleMs); // each commit its own refresh
    }
    qInfo("slowest viewer update after a commit: %lld ms", slowest);
}

void TestTeamMode::listenerReconnectsAfterTheServerDropsIt()
{
    SKIP_ON_CLICKHOUSE("it drops PostgreSQL backends; ClickHouse has no sessions to drop");
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    ChangeListener listener(storage.location());
    QSignalSpy listening(&listener, &ChangeListener::listening);
    QSignalSpy changed(&listener, &ChangeListener::goldChanged);
    listener.start();
    QCOMPARE(listening.size(), 1);

    SharedDatabase shared(storage.location().databaseUrl);
    QCOMPARE(shared.scalar(uR"(SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
                               WHERE application_name = 'ghmonitor-listener')"_s),
             1);
    QTRY_VERIFY_WITH_TIMEOUT(listening.size() == 2, 3 * ChangeListener::retryMs);
    // Commits may have been missed while it was away: it asks for a full refresh.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toLongLong(), -1);

    Pipeline collector(storage.location());
    QVERIFY(collector.open());
    const QString file = storage.filePath(u"after.ndjson"_s);
    writeArchive(file, 10);
    QVERIFY(importFile(collector, file).ok);
    QTRY_COMPARE(changed.size(), 2);
    QVERIFY(changed.last().at(0).toLongLong() > 0);
}

void TestTeamMode::writersAndReadersReconnectAfterTheServerDropsThem()
{
    SKIP_ON_CLICKHOUSE("it drops PostgreSQL backends; ClickHouse has no sessions to drop");
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    Pipeline collector(storage.location());
    QVERIFY(collector.open());
    MetricsQueries reader(storage.location());
    QString error;
    QVERIFY(reader.open(&error));
    qint64 expected = 0;
    const auto import = [&](const QString &name, qint64 first) {
        const QString file = storage.filePath(name);
        expected += writeArchive(file, 10, first).distinct;
        return importFile(collector, file);
    };
    const IngestSummary before = import(u"before.ndjson"_s, 0);
    QCOMPARE(before.inserted, expected);
    const qint64 version = reader.dataVersion();

    // As when the server restarts: every connection to the database is cut.
    SharedDatabase shared(storage.location().databaseUrl);
    QVERIFY(shared.scalar(uR"(SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
                              WHERE datname = current_database() AND pid <> pg_backend_pid())"_s)
            >= 3);

    const IngestSummary after = import(u"after.ndjson"_s, 1000);
    QVERIFY2(after.ok, qPrintable(after.error));
    QVERIFY(after.inserted > 0);
    const qint64 versionAfter = reader.dataVersion();
    QVERIFY2(versionAfter > version, qPrintable(u"%1 -> %2"_s.arg(version).arg(versionAfter)));
    QCOMPARE(reader.eventsStored(), expected);
}

void TestTeamMode::passwordsNeverShow()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    QUrl wrong = storage.location().databaseUrl;
    wrong.setPassword(u"s3cret-Pa55"_s);
    wrong.setPath(u"/no_such_database"_s);
    const QString file = storage.filePath(u"one.ndjson"_s);
    writeArchive(file, 1);
    QProcess process;
    process.setProcessEnvironment(ChildProcess::cleanEnvironment());
    process.start(QStringLiteral(GHM_BINARY),
                  {u"--import"_s, file, u"--data-dir"_s, storage.path(), u"--database-url"_s,
                   wrong.toString()});
    QVERIFY(process.waitForFinished(30000));
    QVERIFY(process.exitCode() != 0);
    const QByteArray output = process.readAllStandardOutput() + process.readAllStandardError();
    QVERIFY2(output.contains("no_such_database"), output.constData());
    QVERIFY2(!output.contains("s3cret-Pa55"), output.constData());

    QProcessEnvironment environment = ChildProcess::cleanEnvironment();
    environment.insert(u"GHM_DATABASE_URL"_s, u"mysql://user:s3cret-Pa55@host/db"_s);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(GHM_BINARY), {u"--import"_s, file});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 2);
    const QByteArray refused = process.readAllStandardError();
    QVERIFY2(refused.contains("GHM_DATABASE_URL"), refused.constData());
    QVERIFY2(!refused.contains("s3cret-Pa55"), refused.constData());
}

QTEST_MAIN(TestTeamMode)
#include "tst_teammode.moc"
