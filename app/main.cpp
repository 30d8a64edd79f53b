#include "apiserver.h"
#include "batchcommands.h"
#include "config/config.h"
#include "dashboardcontroller.h"
#include "dashboardimage.h"
#include "instancelock.h"
#include "mainwindow.h"
#include "services.h"
#include "settingsdialog.h"
#include "signalwatcher.h"
#include "store/changelistener.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QIcon>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QSettings>
#include <QStatusBar>

#include <cstdio>
#include <memory>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace {

// Command-line options that override an environment variable of the same meaning.
struct Override
{
    const char *option;
    const char *variable;
    const char *valueName;
    const char *help;
};

constexpr Override overrides[] = {
    {"data-dir", "GHM_DATA_DIR", "dir", "Data root (bronze, silver, gold)."},
    {"database-url", "GHM_DATABASE_URL", "url", "PostgreSQL for silver and gold."},
    {"api-url", "GITHUB_API_URL", "url", "GitHub API base URL."},
    {"interval-seconds", "COLLECTION_INTERVAL_SECONDS", "seconds", "Poll interval."},
    {"max-pages", "MAX_PAGES_PER_COLLECTION", "n", "Pages per poll."},
    {"capture-budget", "GHM_CAPTURE_BUDGET", "percent",
     "Share of the rate limit the global feed may spend (0: obey X-Poll-Interval)."},
    {"api-host", "GHM_API_HOST", "address", "REST API bind address."},
    {"api-port", "GHM_API_PORT", "port", "REST API port."},
};

// The configuration's errors, each naming where its value came from: the command-line
// option as typed, the environment variable, or the window's Settings.
QStringList explained(const ConfigResult &result)
{
    QStringList errors;
    for (QString error : result.errors) {
        const QString variable = error.section(u'=', 0, 0).section(u':', 0, 0);
        switch (result.source(variable)) {
        case ConfigSource::CommandLine:
            for (const Override &entry : overrides) {
                if (variable == QLatin1StringView(entry.variable))
                    error.replace(variable + u'=', u"--%1 "_s.arg(QLatin1StringView(entry.option)));
            }
            error += u" (command line)"_s;
            break;
        case ConfigSource::Environment: error += u" (environment)"_s; break;
        case ConfigSource::SettingsFile:
            error += u" (saved in Settings: %1)"_s.arg(QSettings().fileName());
            break;
        case ConfigSource::Default: break;
        }
        errors << error;
    }
    return errors;
}

// --help's list of the environment, with the defaults (the README has the ranges).
QString environmentHelp()
{
    return u"Environment (default):\n"
           "  GITHUB_TOKEN                     GitHub token, optional (none: 60 requests an hour)\n"
           "  GITHUB_API_URL                   GitHub API (https://api.github.com)\n"
           "  COLLECTION_INTERVAL_SECONDS      poll interval (60; or COLLECTION_INTERVAL_MINUTES)\n"
           "  MAX_PAGES_PER_COLLECTION         pages per poll (3)\n"
           "  GHM_CAPTURE_BUDGET               % of the rate limit the global feed may spend\n"
           "                                   (0: obey GitHub's X-Poll-Interval)\n"
           "  GHM_REQUEST_TIMEOUT_SECONDS      one request's timeout (30)\n"
           "  BRONZE_RETENTION_DAYS            days of bronze pages kept (0: forever)\n"
           "  GHM_DATA_DIR                     data root (./data from a build tree,\n"
           "                                   ~/.local/share/ghmonitor when installed)\n"
           "  GHM_DATABASE_URL                 PostgreSQL for silver and gold (none: SQLite)\n"
           "  GHM_UMASK                        mode of new files, as a umask (077: owner only)\n"
           "  GHM_API_HOST, GHM_API_PORT       REST API address (127.0.0.1, 8000)\n"
           "  GHM_API_TOKEN                    bearer token the API requires (none)\n"
           "  GHM_API_CORS_ORIGINS             origins allowed by CORS (none)\n"
           "  GHM_API_ALLOWED_HOSTS            Host names accepted beyond loopback (none)\n"
           "  GHM_ALERT_WEBHOOK_URL            alerts are POSTed here (none)\n"
           "  GHM_ALERT_WEBHOOK_SECRET         signs each alert POST, HMAC-SHA256 (none)\n"
           "  GHM_API_MAX_BODY_KB              request body limit (64)\n"
           "  GHM_API_MAX_HEADER_KB, _HEADERS  request header limits (16, 100)\n"
           "  GHM_API_IDLE_TIMEOUT_SECONDS     idle connections closed after (30)\n"
           "  GHM_API_REQUEST_TIMEOUT_SECONDS  a request must arrive within (10)\n"
           "  GHM_API_MAX_CONNECTIONS          open connections (256)\n"
           "  GHM_API_CACHE_MB                 response cache (32)\n"
           "  GHM_WATCH, GHM_WATCH_MAX         repositories (owner/name) and organizations to\n"
           "                                   watch (none), at most (100)\n"
           "  GHM_PR_HORIZON_DAYS, _COUNT      pull-request history kept (90 days, 1000)\n"
           "  GHM_PR_REFRESH_MINUTES           pull-request history refreshed every (15)\n"
           "  GHM_ARCHIVE                      follow GH Archive hour by hour: on, off (off)\n"
           "  GHM_ARCHIVE_URL                  GH Archive (https://data.gharchive.org)\n"
           "  GHM_ARCHIVE_BACKFILL_HOURS       finished hours fetched at the first start (0)\n"
           "  GHM_LOG_LEVEL                    debug, info or warning (info)"_s;
}

// Log lines carry their category, and their time unless journald adds its own. The
// level comes from GHM_LOG_LEVEL. The error for an unknown level.
QString setUpLogging()
{
    const QString level = qEnvironmentVariable("GHM_LOG_LEVEL", u"info"_s);
    const QHash<QString, QString> rules {{u"debug"_s, u"ghm.*=true"_s},
                                         {u"info"_s, u"ghm.*.debug=false"_s},
                                         {u"warning"_s, u"ghm.*.debug=false\nghm.*.info=false"_s}};
    if (!rules.contains(level))
        return u"GHM_LOG_LEVEL=%1 is invalid: expected debug, info or warning"_s.arg(level);
    QLoggingCategory::setFilterRules(rules.value(level));
    qSetMessagePattern(
        qEnvironmentVariableIsSet("JOURNAL_STREAM")
            ? u"%{if-category}%{category}: %{endif}%{message}"_s
            : u"%{time yyyy-MM-dd hh:mm:ss} %{if-category}%{category}: %{endif}%{message}"_s);
    return {};
}

// Files and folders are created readable by their owner only, unless GHM_UMASK (octal)
// says otherwise: the store holds the token's traffic and whatever was imported. The
// error for a value that is not an octal umask.
QString setUpFileMode()
{
    bool ok = true;
    const QString value = qEnvironmentVariable("GHM_UMASK", u"077"_s);
    const uint mask = value.toUInt(&ok, 8);
    if (!ok || mask > 0777)
        return u"GHM_UMASK=%1 is invalid: expected an octal umask such as 077 or 022"_s.arg(value);
    ::umask(mode_t(mask));
    return {};
}

bool hasArgument(int argc, char **argv, std::initializer_list<const char *> names)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *name : names) {
            if (qstrcmp(argv[i], name) == 0)
                return true;
        }
    }
    return false;
}

// --help, --import and --rebuild need no GUI at all; --headless and --export draw charts
// off screen (the /dashboard images, PNG exports); only the window needs a display.
QCoreApplication *createApplication(int &argc, char **argv)
{
    if (hasArgument(argc, argv, {"--help", "-h", "--version", "-v", "--import", "--rebuild"}))
        return new QCoreApplication(argc, argv);
    if (hasArgument(argc, argv, {"--headless", "--export"})
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    auto *app = new QApplication(argc, argv);
    // Every window and dialog, the About box included, shows it; the desktop file name
    // ties the running window to its menu entry and icon on Wayland.
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(u":/icons/ghmonitor-%1.png"_s.arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);
    QGuiApplication::setDesktopFileName(u"ghmonitor"_s);
    return app;
}

int runHeadless(QCoreApplication &app, const AppConfig &config)
{
    InstanceLock lock(config.dataDir);
    if (QString error; !lock.acquire(&error)) {
        std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(error));
        return 1;
    }
    // Headless has no windows: drawing a /dashboard image must never end the event loop.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    Services services(config, Services::Role::Collector);
    services.apiServer()->setPanelPainter(DashboardImage::pngPainter(&app));
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        qInfo("Received signal %d, shutting down", number);
        services.stop();
        app.quit();
    });
    QObject::connect(&services, &Services::apiFailed, &app, [&](const QString &message) {
        std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(message));
        services.stop();
        app.exit(1);
    });
    services.start();
    return app.exec();
}

// Settings underneath the environment underneath the command line.
ConfigResult loadConfig(bool withSettings, const QHash<QString, QString> &commandLine)
{
    return Config::loadLayers(withSettings ? SettingsDialog::stored() : QHash<QString, QString>(),
                              QProcessEnvironment::systemEnvironment(), commandLine);
}

int runGui(QApplication &app, const ConfigResult &configuration,
           const QHash<QString, QString> &commandLine)
{
    const AppConfig &config = configuration.config;
    InstanceLock lock(config.dataDir);
    if (QString error; !lock.acquire(&error)) {
        QMessageBox::critical(nullptr, QObject::tr("GitHub Event Monitor"), error);
        return 1;
    }
    Services services(config, Services::Role::Collector);
    services.apiServer()->setPanelPainter(DashboardImage::pngPainter(&app));
    DashboardController dashboard(config.store(), config.prHorizonDays, services.dashboardThread());
    MainWindow window(&dashboard, services.pipeline());
    window.setWatchlist(services.watchlist());
    window.setConfiguration(configuration);
    QObject::connect(&services, &Services::pollerSnapshotChanged, &window,
                     &MainWindow::showPollerSnapshot);
    QObject::connect(&services, &Services::archiveStatusChanged, &window,
                     &MainWindow::showArchiveStatus);
    QObject::connect(&services, &Services::goldChanged, &dashboard,
                     &DashboardController::onGoldChanged);
    QObject::connect(&services, &Services::apiListening, &window, &MainWindow::setApiAddress);
    QObject::connect(&window, &MainWindow::pollNowRequested, &services, &Services::pollNow);
    QObject::connect(&services, &Services::apiFailed, &window, &MainWindow::setApiFailed);
    QObject::connect(&services, &Services::integrityChecked, &window, &MainWindow::showStoreDamage);
    QObject::connect(&services, &Services::alertsChanged, &window, &MainWindow::showAlerts);
    QObject::connect(&services, &Services::alertNotified, &window, &MainWindow::notifyAlerts);
    QObject::connect(&window, &MainWindow::alertSettingsChanged, &services,
                     &Services::reevaluateAlerts);
    QObject::connect(&window, &MainWindow::settingsSaved, &window, [&] {
        const ConfigResult changed = loadConfig(true, commandLine);
        if (!changed.ok()) {
            QMessageBox::warning(&window, QObject::tr("Settings"), explained(changed).join(u'\n'));
            return;
        }
        window.setConfiguration(changed);
        const QStringList later = services.reconfigure(changed.config);
        window.statusBar()->showMessage(
            later.isEmpty()
                ? QObject::tr("Settings applied")
                : QObject::tr("Settings applied; %1 at the next start").arg(later.join(u", "_s)),
            8000);
    });
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QApplication::quit);
    window.show();
    services.start();
    const int code = app.exec();
    services.stop();
    return code;
}

// A window on a shared PostgreSQL store: no polling, no API, no pipeline. It refreshes when
// a collector's commit notifies it.
int runViewer(QApplication &app, const AppConfig &config)
{
    Services services(config, Services::Role::Viewer);
    DashboardController dashboard(config.store(), config.prHorizonDays, services.dashboardThread());
    MainWindow window(&dashboard, nullptr);
    const QString database = config.store().describe();
    window.showViewerStatus(database);
    QObject::connect(&services, &Services::goldChanged, &dashboard,
                     &DashboardController::onGoldChanged);
    QObject::connect(services.listener(), &ChangeListener::listening, &window,
                     [&] { window.showViewerStatus(database); });
    QObject::connect(services.listener(), &ChangeListener::connectionLost, &window,
                     [&](const QString &problem) { window.showViewerStatus(database, problem); });

    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, &QApplication::quit);
    services.start();
    window.show();
    const int code = app.exec();
    services.stop();
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    // Before anything logs or creates a file.
    for (const auto setUp : {setUpLogging, setUpFileMode}) {
        if (const QString error = setUp(); !error.isEmpty()) {
            std::fprintf(stderr, "ghmonitor: %s (environment)\n", qPrintable(error));
            return 2;
        }
    }
    std::unique_ptr<QCoreApplication> app(createApplication(argc, argv));
    QCoreApplication::setApplicationName(u"ghmonitor"_s);
    QCoreApplication::setOrganizationName(u"ghmonitor"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(GHM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"GitHub Event Monitor: watches GitHub's public events, stores them in a "
        "bronze/silver/gold layout and serves metrics over a REST API.\n"
        "Configuration comes from the environment; these options override it.\n\n"_s
        + environmentHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(
        u"headless"_s, u"No window: run ingestion and the API until SIGINT/SIGTERM."_s);
    parser.addOption(headless);
    const QCommandLineOption viewer(
        u"viewer"_s,
        u"Window on the shared database of --database-url: no polling, no API; "
        "refreshes when a collector commits."_s);
    parser.addOption(viewer);
    const QCommandLineOption import(
        u"import"_s,
        u"Import GH Archive files (.json.gz or NDJSON) or /events pages, then exit."_s);
    parser.addOption(import);
    const QCommandLineOption rebuild(
        u"rebuild"_s, u"Drop silver and gold and rebuild both from bronze, then exit."_s);
    parser.addOption(rebuild);
    const QCommandLineOption exportFile(
        u"export"_s, u"Write the metrics to FILE (.csv, .json or .png) and exit."_s, u"file"_s);
    const QCommandLineOption window(
        u"window"_s, u"Window of --export in minutes (default 60), or all (every stored event)."_s,
        u"minutes"_s, u"60"_s);
    const QCommandLineOption at(
        u"at"_s, u"End of the --export window, ISO-8601 UTC (default: the latest event)."_s,
        u"time"_s);
    const QCommandLineOption scope(
        u"scope"_s,
        u"Scope of --export: all (every stored event, default), watched (the watched "
        "repositories' and organizations' own feeds) or a group of the watch list."_s,
        u"scope"_s, u"all"_s);
    const QCommandLineOption bots(u"bots"_s,
                                  u"Bots in --export: include (default), exclude or only."_s,
                                  u"bots"_s, u"include"_s);
    parser.addOptions({exportFile, window, at, scope, bots});
    parser.addPositionalArgument(u"files"_s, u"Files for --import."_s, u"[files...]"_s);
    for (const Override &entry : overrides) {
        parser.addOption({QString::fromLatin1(entry.option),
                          u"%1 (%2)."_s.arg(QString::fromLatin1(entry.help).chopped(1),
                                            QString::fromLatin1(entry.variable)),
                          QString::fromLatin1(entry.valueName)});
    }
    parser.process(*app);

    QHash<QString, QString> values;
    for (const Override &entry : overrides) {
        if (parser.isSet(QString::fromLatin1(entry.option)))
            values.insert(QString::fromLatin1(entry.variable),
                          parser.value(QString::fromLatin1(entry.option)));
    }
    // The window's Settings apply to the window only.
    const bool gui = !parser.isSet(headless) && !parser.isSet(import) && !parser.isSet(rebuild)
        && !parser.isSet(exportFile);
    const ConfigResult config = loadConfig(gui, values);
    if (!config.ok()) {
        const QStringList errors = explained(config);
        for (const QString &error : errors)
            std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(error));
        // Started from a menu, there is no terminal to read.
        if (gui && !parser.isSet(viewer))
            QMessageBox::critical(nullptr, QObject::tr("GitHub Event Monitor cannot start"),
                                  errors.join(u"\n\n"_s));
        return 2;
    }

    if (parser.isSet(viewer)) {
        if (!config.config.store().isPostgres()) {
            std::fprintf(stderr,
                         "ghmonitor: --viewer needs a shared database: set "
                         "GHM_DATABASE_URL or --database-url\n");
            return 2;
        }
        return runViewer(*static_cast<QApplication *>(app.get()), config.config);
    }
    if (parser.isSet(import))
        return BatchCommands::runImport(*app, config.config, parser.positionalArguments());
    if (parser.isSet(rebuild))
        return BatchCommands::runRebuild(*app, config.config);
    if (parser.isSet(exportFile))
        return BatchCommands::runExport(config.config,
                                        {parser.value(exportFile), parser.value(window),
                                         parser.value(at), parser.value(scope),
                                         parser.value(bots)});
    if (parser.isSet(headless))
        return runHeadless(*app, config.config);
    return runGui(*static_cast<QApplication *>(app.get()), config, values);
}
