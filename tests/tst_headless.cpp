#include "childprocess.h"
#include "collect/bronzestore.h"
#include "store/database.h"
#include "testdata.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

// `ghmonitor --headless` against the fake GitHub program, both as real processes.
class TestHeadless : public QObject
{
    Q_OBJECT

private slots:
    void collectsRecordedPagesThenGets304s();
    void apiPortInUseExitsNonZero();
};

void TestHeadless::apiPortInUseExitsNonZero()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost));
    QTemporaryDir dataDir;
    QProcess monitor;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s);
    env.insert(u"GHM_API_PORT"_s, QString::number(occupant.serverPort()));
    monitor.setProcessEnvironment(env);
    monitor.start(QStringLiteral(GHM_BINARY), {u"--headless"_s, u"--data-dir"_s, dataDir.path()});
    QVERIFY(monitor.waitForFinished(15000));
    QCOMPARE(monitor.exitCode(), 1);
    const QByteArray error = monitor.readAllStandardError();
    QVERIFY2(error.contains("API off") && error.contains("in use"), error.constData());
}

void TestHeadless::collectsRecordedPagesThenGets304s()
{
    SKIP_WITHOUT_FIXTURES();
    const QByteArray token = "ghp_HeadlessSecret987654321";
    QProcess github;
    const QUrl url = ChildProcess::startFakeGitHub(github,
                                                   {u"--recorded"_s, TestData::fixturesDir(),
                                                    u"--poll-interval"_s, u"1"_s, u"--token"_s,
                                                    QString::fromLatin1(token)});
    QVERIFY(url.isValid());

    QTemporaryDir dataDir;
    QProcess monitor;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, url.toString());
    env.insert(u"GITHUB_TOKEN"_s, QString::fromLatin1(token));
    env.insert(u"COLLECTION_INTERVAL_SECONDS"_s, u"1"_s);
    env.insert(u"GHM_DATA_DIR"_s, dataDir.path());
    monitor.setProcessEnvironment(env);
    monitor.start(QStringLiteral(GHM_BINARY), {u"--headless"_s});
    QVERIFY(monitor.waitForStarted());

    QByteArray served;
    QTRY_VERIFY_WITH_TIMEOUT((served += github.readAllStandardOutput()).count("-> 304") >= 2,
                             15000);
    QVERIFY(ChildProcess::terminate(monitor));
    QCOMPARE(monitor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(monitor.exitCode(), 0);
    QCOMPARE(served.count("-> 200"), 3);

    const QStringList pages = BronzeStore(dataDir.path()).listSources();
    QCOMPARE(pages.size(), 3);
    QSet<qint64> ids;
    for (int page = 1; page <= 3; ++page) {
        QFile file(pages[page - 1]);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray body = file.readAll();
        QCOMPARE(body,
                 TestData::readFixture(u"octokit.rb_2016-09-29_events_page%1.json"_s.arg(page)));
        for (const QJsonValue &event : QJsonDocument::fromJson(body).array())
            ids.insert(event.toObject().value("id"_L1).toString().toLongLong());
    }
    QCOMPARE(ids.size(), 261);

    // The pipeline ingested the pages into silver, each event once.
    {
        QString error;
        QSqlDatabase database = Database::open(dataDir.path(), u"test"_s, true, &error);
        QSqlQuery query(database);
        QVERIFY(query.exec(u"SELECT COUNT(*), COUNT(DISTINCT id) FROM events"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), 261);
        QCOMPARE(query.value(1).toInt(), 261);
        query.finish();
        Database::close(database);
    }

    QVERIFY(!monitor.readAllStandardError().contains(token));
    QDirIterator it(dataDir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(token), qPrintable(file.fileName()));
    }
    ChildProcess::terminate(github);
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
