#include "childprocess.h"
#include "goldcounts.h"
#include "query/metricsqueries.h"
#include "store/clickhouseclient.h"
#include "store/database.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QRandomGenerator>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

// kill -9 during `ghmonitor --import`, then re-run: exactly the file's events, once.
class TestCrash : public QObject
{
    Q_OBJECT

private slots:
    void killedImportResumesExactly();

private:
    static void verifyStoredOnce(const StoreLocation &location, qint64 eventCount);
};

void TestCrash::killedImportResumesExactly()
{
    constexpr qint64 eventCount = 200000;
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QString archive = dir.filePath(u"synthetic.ndjson"_s);
    {
        QFile file(archive);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const qint64 start = QDateTime(QDate(2025, 3, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        for (qint64 i = 0; i < eventCount; ++i)
            file.write(SyntheticEvents::event(i, start + i / 50, 3) + '\n');
    }
    const QStringList arguments = dir.options() << u"--import"_s << archive;

    // Killed right after a batch reported progress (mid-way through the next one), then at
    // random instants: before the first batch, or inside one, or between its statements.
    for (int kill = 0; kill < 4; ++kill) {
        QProcess import;
        import.setProcessEnvironment(ChildProcess::cleanEnvironment());
        import.start(QStringLiteral(GHM_BINARY), arguments);
        QVERIFY(import.waitForStarted());
        if (kill == 0) {
            QByteArray output;
            QTRY_VERIFY_WITH_TIMEOUT(
                (output += import.readAllStandardError()).contains("[file 1/1]"), 60000);
        } else {
            const int delayMs = QRandomGenerator::global()->bounded(50, 1000);
            qInfo("kill %d after %d ms", kill, delayMs);
            if (import.waitForFinished(delayMs))
                break; // the import finished first: nothing left to interrupt
        }
        QVERIFY(ChildProcess::terminate(import, SIGKILL));
        QCOMPARE(import.exitStatus(), QProcess::CrashExit);
    }

    QProcess finish;
    finish.setProcessEnvironment(ChildProcess::cleanEnvironment());
    finish.start(QStringLiteral(GHM_BINARY), arguments);
    QVERIFY(finish.waitForFinished(120000));
    QCOMPARE(finish.exitCode(), 0);
    verifyStoredOnce(dir.location(), eventCount);
}

void TestCrash::verifyStoredOnce(const StoreLocation &location, qint64 eventCount)
{
    // What every reader sees, on every back end.
    MetricsQueries queries(location);
    QCOMPARE(queries.eventsStored(), eventCount);
    qint64 byType = 0;
    for (const auto &[type, events] : queries.eventTotalsByType())
        byType += events;
    QCOMPARE(byType, eventCount);

    if (location.isClickHouse()) {
        // No merge has to run first: each id is stored once.
        ClickHouseClient client(location.databaseUrl);
        const auto rows
            = client.select(u"SELECT count(), uniqExact(id), min(id), max(id) FROM events"_s);
        QVERIFY2(rows && !rows->isEmpty(), qPrintable(client.lastError()));
        const ClickHouseClient::Row &row = rows->first();
        QCOMPARE(row.value(0).toLongLong(), eventCount);
        QCOMPARE(row.value(1).toLongLong(), eventCount);
        QCOMPARE(row.value(2).toLongLong(), SyntheticEvents::idFor(0));
        QCOMPARE(row.value(3).toLongLong(), SyntheticEvents::idFor(eventCount - 1));
        return;
    }
    QString error;
    QSqlDatabase database = Database::open(location, u"test"_s, true, &error);
    QSqlQuery query(database);
    QVERIFY(query.exec(u"SELECT COUNT(*), MIN(id), MAX(id) FROM events"_s) && query.next());
    QCOMPARE(query.value(0).toLongLong(), eventCount);
    QCOMPARE(query.value(1).toLongLong(), SyntheticEvents::idFor(0));
    QCOMPARE(query.value(2).toLongLong(), SyntheticEvents::idFor(eventCount - 1));
    QVERIFY(query.exec(u"SELECT SUM(events) FROM gold.type_minute"_s) && query.next());
    QCOMPARE(query.value(0).toLongLong(), eventCount);
    QCOMPARE(GoldCounts::repositoryTotal(database), eventCount);
    if (!TestStorage::onPostgres()) {
        const GoldCounts::RollupCheck rollups = GoldCounts::checkRollups(database, u"repo"_s);
        QVERIFY2(rollups.mismatches.isEmpty(), qPrintable(rollups.mismatches.join(u", "_s)));
    }
    query.finish();
    Database::close(database);
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
