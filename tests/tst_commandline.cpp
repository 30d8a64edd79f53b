#include "childprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

// Runs the real ghmonitor binary.
class TestCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void version();
    void help();
    void badEnvironmentValueIsRefused();
    void badOptionIsNamedAsTyped();
    void windowShowsItsStartupErrorInADialog();
    void secondCollectorOnOneDataDirectoryIsRefused();
    void viewerNeedsASharedDatabase();
    void headlessStopsCleanlyOnSigterm();
    void badFileModeIsRefused();
    void exportWritesAllOrSaysWhyNot();

private:
    // Runs ghmonitor with `arguments` and extra `variables`, expects it to refuse to start
    // (exit code 2), and gives what it wrote to stderr in `error`.
    void expectRefusal(const QStringList &arguments, const QProcessEnvironment &variables,
                       QByteArray *error);
};

namespace {

// Runs ghmonitor to its end; its exit code, stderr in `error`.
int runToEnd(const QStringList &arguments, QByteArray *error = nullptr)
{
    QProcess process;
    process.setProcessEnvironment(ChildProcess::cleanEnvironment());
    process.start(QStringLiteral(GHM_BINARY), arguments);
    if (!process.waitForFinished(30000))
        return -1;
    if (error)
        *error = process.readAllStandardError();
    return process.exitCode();
}

} // namespace

// --export --window all spans the stored events; a store that cannot answer is an error
// with its message and exit code 1, never a crash.
void TestCommandLine::exportWritesAllOrSaysWhyNot()
{
    QTemporaryDir dir;
    QFile events(dir.filePath(u"events.ndjson"_s));
    QVERIFY(events.open(QIODevice::WriteOnly));
    const qint64 first = 1735743600; // 2025-01-01T15:00:00Z
    for (int i = 0; i < 40; ++i)
        events.write(
            u"{\"id\":\"%1\",\"type\":\"PushEvent\",\"actor\":{\"login\":\"a\"},"
            "\"repo\":{\"name\":\"o/r\"},\"created_at\":\"%2\"}\n"_s.arg(1000 + i)
                .arg(QDateTime::fromSecsSinceEpoch(first + i * 90, Qt::UTC).toString(Qt::ISODate))
                .toUtf8());
    events.close();
    const QString data = dir.filePath(u"data"_s);
    QCOMPARE(runToEnd({u"--import"_s, events.fileName(), u"--data-dir"_s, data}), 0);

    const QString json = dir.filePath(u"all.json"_s);
    QCOMPARE(runToEnd({u"--export"_s, json, u"--window"_s, u"all"_s, u"--data-dir"_s, data}), 0);
    QFile written(json);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonObject snapshot = QJsonDocument::fromJson(written.readAll()).object();
    QCOMPARE(snapshot["events_total"_L1].toInt(), 40);
    QCOMPARE(snapshot["window"_L1]["from"_L1].toString(), u"2025-01-01T15:00:00Z"_s);
    QCOMPARE(snapshot["window"_L1]["to"_L1].toString(), u"2025-01-01T15:58:30Z"_s);

    // A store from before star histories were kept: nothing to say about stars, no failure.
    const auto dropGoldTable = [&data](const QString &table) {
        {
            QSqlDatabase gold = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"damage"_s);
            gold.setDatabaseName(data + u"/gold/github_metrics.db"_s);
            if (!gold.open() || !QSqlQuery(gold).exec(u"DROP TABLE "_s + table))
                qFatal("cannot drop %s", qPrintable(table));
        }
        QSqlDatabase::removeDatabase(u"damage"_s);
    };
    dropGoldTable(u"star_days"_s);
    QCOMPARE(runToEnd({u"--export"_s, json, u"--window"_s, u"all"_s, u"--data-dir"_s, data}), 0);

    dropGoldTable(u"source_hours"_s);
    QByteArray error;
    QCOMPARE(runToEnd({u"--export"_s, dir.filePath(u"x.json"_s), u"--data-dir"_s, data}, &error),
             1);
    QVERIFY2(error.contains("cannot read the store"), error.constData());
}

void TestCommandLine::expectRefusal(const QStringList &arguments,
                                    const QProcessEnvironment &variables, QByteArray *error)
{
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(variables);
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GHM_BINARY), arguments);
    QVERIFY(process.waitForFinished(10000));
    *error = process.readAllStandardError();
    QVERIFY2(process.exitCode() == 2, error->constData());
}

void TestCommandLine::version()
{
    QProcess process;
    process.start(QStringLiteral(GHM_BINARY), {u"--version"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput().trimmed(), QByteArray("ghmonitor " GHM_VERSION));
}

void TestCommandLine::help()
{
    QProcess process;
    process.start(QStringLiteral(GHM_BINARY), {u"--help"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray help = process.readAllStandardOutput();
    for (const char *option :
         {"--headless", "--data-dir", "--api-port", "GHM_API_PORT", "GHM_DATA_DIR", "GITHUB_TOKEN",
          "GHM_LOG_LEVEL", "~/.local/share/ghmonitor when installed"})
        QVERIFY2(help.contains(option), option);
}

void TestCommandLine::badEnvironmentValueIsRefused()
{
    QProcessEnvironment env;
    env.insert(u"MAX_PAGES_PER_COLLECTION"_s, u"0"_s);
    QByteArray error;
    expectRefusal({u"--headless"_s}, env, &error);
    QVERIFY2(error.contains("MAX_PAGES_PER_COLLECTION=0"), error.constData());
    QVERIFY2(error.contains("from 1 to 10"), error.constData());
    QVERIFY2(error.contains("(environment)"), error.constData());
}

void TestCommandLine::badOptionIsNamedAsTyped()
{
    QByteArray error;
    expectRefusal({u"--headless"_s, u"--api-port"_s, u"99999"_s}, {}, &error);
    QVERIFY2(error.contains("--api-port 99999") && error.contains("(command line)"),
             error.constData());
    QVERIFY2(!error.contains("GHM_API_PORT=99999"), error.constData());
}

// Started from a menu there is no terminal: the window does not vanish with the error on
// stderr alone, it waits in a dialog (closed here by the test).
void TestCommandLine::windowShowsItsStartupErrorInADialog()
{
    QTemporaryDir home;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"HOME"_s, home.path()); // no Settings of the user's
    env.insert(u"XDG_CONFIG_HOME"_s, home.path());
    env.insert(u"GHM_API_PORT"_s, u"99999"_s);
    QProcess window;
    window.setProcessEnvironment(env);
    window.start(QStringLiteral(GHM_BINARY), {u"-platform"_s, u"offscreen"_s});
    QVERIFY(window.waitForStarted());
    QByteArray error;
    QTRY_VERIFY_WITH_TIMEOUT(
        (error += window.readAllStandardError()).contains("GHM_API_PORT=99999"), 10000);
    QVERIFY2(error.contains("(environment)"), error.constData());
    QTest::qWait(1000);
    QCOMPARE(window.state(), QProcess::Running); // the dialog holds it
    window.kill();
    window.waitForFinished(5000);
}

void TestCommandLine::secondCollectorOnOneDataDirectoryIsRefused()
{
    QTemporaryDir dataDir;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s);
    const QStringList arguments {u"--headless"_s, u"--data-dir"_s, dataDir.path()};
    // A collector on dataDir, once its API listens.
    const auto startCollector = [&](QProcess &process) {
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(GHM_BINARY), arguments);
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += process.readAll()).contains("API listening"), 15000);
    };
    QProcess first;
    startCollector(first);

    QProcess second;
    second.setProcessEnvironment(env);
    second.start(QStringLiteral(GHM_BINARY), arguments);
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitCode(), 1);
    const QByteArray error = second.readAllStandardError();
    QVERIFY2(error.contains("already collects into")
                 && error.contains(QByteArray::number(first.processId())),
             error.constData());
    QCOMPARE(first.state(), QProcess::Running);
    QVERIFY(ChildProcess::terminate(first));

    // Once the first is gone, the directory is free again.
    QProcess third;
    startCollector(third);
    QCOMPARE(third.state(), QProcess::Running);
    QVERIFY(ChildProcess::terminate(third));
}

void TestCommandLine::viewerNeedsASharedDatabase()
{
    QByteArray error;
    expectRefusal({u"--viewer"_s, u"-platform"_s, u"offscreen"_s}, {}, &error);
    QVERIFY2(error.contains("--viewer needs a shared database"), error.constData());
    QVERIFY2(error.contains("GHM_DATABASE_URL"), error.constData());
}

void TestCommandLine::headlessStopsCleanlyOnSigterm()
{
    QTemporaryDir dataDir;
    QProcess process;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    // Nothing listens here: the poller goes offline, which must not block shutdown.
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s);
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(GHM_BINARY), {u"--headless"_s, u"--data-dir"_s, dataDir.path()});
    QVERIFY(process.waitForStarted());
    QTest::qWait(1000);
    QCOMPARE(process.state(), QProcess::Running);
    QVERIFY(ChildProcess::terminate(process));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

// GHM_UMASK is checked before anything is created: a bad one starts nothing.
void TestCommandLine::badFileModeIsRefused()
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(u"GHM_UMASK"_s, u"0x22"_s);
    QByteArray error;
    expectRefusal({u"--headless"_s, u"--data-dir"_s, dir.filePath(u"data"_s)}, env, &error);
    QVERIFY2(error.contains("GHM_UMASK=0x22 is invalid") && error.contains("(environment)"),
             error.constData());
    QVERIFY(!QFile::exists(dir.filePath(u"data"_s)));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
