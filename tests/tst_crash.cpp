#include "childprocess.h"
#include "goldcounts.h"
#include "store/database.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

// kill -9 during `ghmonitor --import`, then re-run: exactly the file's events, once.
class TestCrash : public QObject
{
    Q_OBJECT

private slots:
    void killedImportResumesExactly();
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

    for (int kill = 0; kill < 2; ++kill) {
        QProcess import;
        import.setProcessEnvironment(ChildProcess::cleanEnvironment());
        import.start(QStringLiteral(GHM_BINARY), arguments);
        // Killed right after a batch reported progress: mid-way through the next one.
        QVERIFY(import.waitForStarted());
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += import.readAllStandardError()).contains("[file 1/1]"),
                                 60000);
        QVERIFY(ChildProcess::terminate(import, SIGKILL));
        QCOMPARE(import.exitStatus(), QProcess::CrashExit);
    }

    QProcess finish;
    finish.setProcessEnvironment(ChildProcess::cleanEnvironment());
    finish.start(QStringLiteral(GHM_BINARY), arguments);
    QVERIFY(finish.waitForFinished(120000));
    QCOMPARE(finish.exitCode(), 0);

    QString error;
    QSqlDatabase database = Database::open(dir.location(), u"test"_s, true, &error);
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
    QVERIFY(query.exec(u"SELECT value FROM gold.meta WHERE key = 'events_total'"_s)
            && query.next());
    QCOMPARE(query.value(0).toLongLong(), eventCount);
    query.finish();
    Database::close(database);
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
