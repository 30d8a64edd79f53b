#include "config/config.h"
#include "config/setting.h"

#include <QDir>
#include <QFile>

#include <QProcessEnvironment>
#include <QTest>

using namespace Qt::StringLiterals;

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void environmentIsRead();
    void secondsWinOverMinutes();
    void commandLineOverridesEnvironment();
    void badValuesAreRefused_data();
    void badValuesAreRefused();
    void everyBadValueIsReported();
    void nonLoopbackApiNeedsToken();
    void everyDefaultIsAccepted();
    void everyValueReadsBackAsTyped();
    void readmeTableMatchesTheSettings();
};

static QProcessEnvironment environment(const QHash<QString, QString> &values)
{
    QProcessEnvironment env;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

void TestConfig::defaults()
{
    const ConfigResult result = Config::load(QProcessEnvironment());
    QVERIFY(result.ok());
    QCOMPARE(result.config.apiUrl, QUrl(u"https://api.github.com"_s));
    QCOMPARE(result.config.intervalSeconds, 60);
    QCOMPARE(result.config.maxPagesPerCollection, 3);
    QCOMPARE(result.config.dataDir, u"./data"_s);
    QCOMPARE(result.config.apiHost, u"127.0.0.1"_s);
    QCOMPARE(result.config.apiPort, 8000);
    QCOMPARE(result.config.requestTimeoutSeconds, 30);
    QVERIFY(result.config.githubToken.isEmpty());
}

void TestConfig::environmentIsRead()
{
    const ConfigResult result = Config::load(environment({
        {u"GITHUB_TOKEN"_s, u"secret"_s},
        {u"GITHUB_API_URL"_s, u"http://127.0.0.1:9000/"_s},
        {u"COLLECTION_INTERVAL_MINUTES"_s, u"5"_s},
        {u"MAX_PAGES_PER_COLLECTION"_s, u"2"_s},
        {u"GHM_CAPTURE_BUDGET"_s, u"25"_s},
        {u"GHM_DATA_DIR"_s, u"/tmp/ghm"_s},
        {u"GHM_API_PORT"_s, u"8123"_s},
    }));
    QVERIFY2(result.ok(), qPrintable(result.errors.join(u'\n')));
    QCOMPARE(result.config.githubToken, u"secret"_s);
    QCOMPARE(result.config.apiUrl, QUrl(u"http://127.0.0.1:9000"_s));
    QCOMPARE(result.config.intervalSeconds, 300);
    QCOMPARE(result.config.maxPagesPerCollection, 2);
    QCOMPARE(result.config.captureBudgetPercent, 25);
    QCOMPARE(result.config.dataDir, u"/tmp/ghm"_s);
    QCOMPARE(result.config.apiPort, 8123);
}

void TestConfig::secondsWinOverMinutes()
{
    const ConfigResult result = Config::load(environment(
        {{u"COLLECTION_INTERVAL_MINUTES"_s, u"5"_s}, {u"COLLECTION_INTERVAL_SECONDS"_s, u"7"_s}}));
    QVERIFY(result.ok());
    QCOMPARE(result.config.intervalSeconds, 7);
}

void TestConfig::commandLineOverridesEnvironment()
{
    const ConfigResult result = Config::load(
        environment({{u"GHM_API_PORT"_s, u"8123"_s}, {u"GHM_DATA_DIR"_s, u"/env"_s}}),
        {{u"GHM_API_PORT"_s, u"9001"_s}});
    QVERIFY(result.ok());
    QCOMPARE(result.config.apiPort, 9001);
    QCOMPARE(result.config.dataDir, u"/env"_s);
}

void TestConfig::badValuesAreRefused_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("range");
    QTest::newRow("pages zero") << u"MAX_PAGES_PER_COLLECTION"_s << u"0"_s << u"from 1 to 10"_s;
    QTest::newRow("budget over 100") << u"GHM_CAPTURE_BUDGET"_s << u"101"_s << u"from 0 to 100"_s;
    QTest::newRow("port too large") << u"GHM_API_PORT"_s << u"70000"_s << u"from 0 to 65535"_s;
    QTest::newRow("interval text")
        << u"COLLECTION_INTERVAL_MINUTES"_s << u"abc"_s << u"from 1 to 1440"_s;
    QTest::newRow("seconds negative")
        << u"COLLECTION_INTERVAL_SECONDS"_s << u"-5"_s << u"from 1 to 86400"_s;
    QTest::newRow("seconds fraction")
        << u"COLLECTION_INTERVAL_SECONDS"_s << u"1.5"_s << u"from 1 to 86400"_s;
    QTest::newRow("overflow") << u"GHM_API_PORT"_s << u"99999999999999999999"_s
                              << u"from 0 to 65535"_s;
    QTest::newRow("api url") << u"GITHUB_API_URL"_s << u"ftp://x"_s << u"http:// or https://"_s;
    QTest::newRow("empty data dir") << u"GHM_DATA_DIR"_s << u" "_s << u"is empty"_s;
}

void TestConfig::badValuesAreRefused()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, range);
    const ConfigResult result = Config::load(environment({{variable, value}}));
    QVERIFY(!result.ok());
    QCOMPARE(result.errors.size(), 1);
    QVERIFY2(result.errors.first().contains(variable), qPrintable(result.errors.first()));
    QVERIFY2(result.errors.first().contains(range), qPrintable(result.errors.first()));
}

void TestConfig::everyBadValueIsReported()
{
    const ConfigResult result = Config::load(
        environment({{u"MAX_PAGES_PER_COLLECTION"_s, u"0"_s}, {u"GHM_API_PORT"_s, u"-1"_s}}));
    QCOMPARE(result.errors.size(), 2);
}

void TestConfig::nonLoopbackApiNeedsToken()
{
    QVERIFY(Config::load(environment({{u"GHM_API_HOST"_s, u"::1"_s}})).ok());
    QVERIFY(Config::load(environment({{u"GHM_API_HOST"_s, u"localhost"_s}})).ok());
    const ConfigResult open = Config::load(environment({{u"GHM_API_HOST"_s, u"0.0.0.0"_s}}));
    QCOMPARE(open.errors.size(), 1);
    QVERIFY(open.errors.first().contains("GHM_API_TOKEN"_L1));
    const ConfigResult withToken = Config::load(
        environment({{u"GHM_API_HOST"_s, u"0.0.0.0"_s},
                     {u"GHM_API_TOKEN"_s, u"s3cret"_s},
                     {u"GHM_API_CORS_ORIGINS"_s, u"http://a.example, http://b.example"_s}}));
    QVERIFY(withToken.ok());
    QCOMPARE(withToken.config.apiToken, u"s3cret"_s);
    QCOMPARE(withToken.config.corsOrigins,
             QStringList({u"http://a.example"_s, u"http://b.example"_s}));
}

// A default outside its own range would be refused the moment a user typed it back.
void TestConfig::everyDefaultIsAccepted()
{
    const AppConfig defaults;
    for (const Setting &setting : Config::settings()) {
        AppConfig config;
        const QString typed = Config::text(defaults, setting);
        if (typed.isEmpty())
            continue; // no default: unset
        QCOMPARE(Config::assign(&config, setting, typed), QString());
        QCOMPARE(Config::text(config, setting), typed);
    }
    QCOMPARE(defaults.fileMask, 077);
    QCOMPARE(defaults.apiLimits.maxBodyBytes, 64 * 1024);
    QCOMPARE(defaults.intervalSeconds, 60);
}

// What the Settings dialog shows and saves is what Config::load reads back.
void TestConfig::everyValueReadsBackAsTyped()
{
    const QHash<QString, QString> typed {{u"COLLECTION_INTERVAL_SECONDS"_s, u"45"_s},
                                         {u"GHM_API_MAX_BODY_KB"_s, u"128"_s},
                                         {u"GHM_ARCHIVE"_s, u"on"_s},
                                         {u"GHM_UMASK"_s, u"022"_s},
                                         {u"GHM_API_ALLOWED_HOSTS"_s, u"a.example,b.example"_s},
                                         {u"GHM_LOG_LEVEL"_s, u"warning"_s}};
    const ConfigResult result = Config::load(environment(typed));
    QVERIFY2(result.ok(), qPrintable(result.errors.join(u'\n')));
    for (auto it = typed.cbegin(); it != typed.cend(); ++it)
        QCOMPARE(Config::text(result.config, *Config::setting(it.key())), it.value());
    QCOMPARE(result.config.apiLimits.maxBodyBytes, 128 * 1024);
    QCOMPARE(result.config.fileMask, 022);
    const ConfigResult bad = Config::load(environment({{u"GHM_LOG_LEVEL"_s, u"loud"_s}}));
    QCOMPARE(bad.errors,
             QStringList {u"GHM_LOG_LEVEL=loud is invalid: expected debug, info, warning"_s});
}

namespace {

QString markdownRow(const Setting &setting)
{
    QString meaning = setting.help;
    meaning.replace(0, 1, meaning.first(1).toUpper());
    if (!setting.zeroMeans.isEmpty())
        meaning += u"; 0: "_s + setting.zeroMeans;
    meaning += u'.';
    if (!setting.details.isEmpty())
        meaning += u' ' + setting.details;
    const QString defaultValue = setting.defaultValue.isNull() || !setting.shownDefault.isEmpty()
        ? setting.defaultText()
        : u"`%1`"_s.arg(setting.defaultText());
    QString applies;
    if (setting.label)
        applies = setting.applies == Setting::Applies::AtOnce ? u"at once"_s : u"next start"_s;
    return u"| `%1` | %2 | %3 | %4 | %5 | %6 |"_s.arg(
        setting.variable, setting.option.isEmpty() ? QString() : u"`--%1`"_s.arg(setting.option),
        meaning, defaultValue, setting.acceptedText(), applies);
}

} // namespace

// The README's configuration table is the table of settings, row for row.
void TestConfig::readmeTableMatchesTheSettings()
{
    QStringList expected {
        u"| variable | option | what it does | default | accepted | in Settings |"_s,
        u"|---|---|---|---|---|---|"_s};
    for (const Setting &setting : Config::settings())
        expected << markdownRow(setting);

    QFile readme(QStringLiteral(GHM_TESTS_DIR "/../README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(readme.readAll()).split(u'\n');
    QStringList table;
    for (qsizetype i = lines.indexOf(expected.first());
         i >= 0 && i < lines.size() && lines.at(i).startsWith(u'|'); ++i)
        table << lines.at(i);
    if (table != expected) {
        QDir().mkpath(QStringLiteral(GHM_ARTIFACTS_DIR));
        QFile out(QStringLiteral(GHM_ARTIFACTS_DIR "/settings-table.md"));
        if (out.open(QIODevice::WriteOnly))
            out.write((expected.join(u'\n') + u'\n').toUtf8());
        qWarning("The table the README should have is in %s", qPrintable(out.fileName()));
    }
    for (qsizetype i = 0; i < std::max(table.size(), expected.size()); ++i)
        QCOMPARE(table.value(i), expected.value(i));
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
