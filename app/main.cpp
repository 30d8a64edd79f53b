#include "apiserver.h"
#include "batchcommands.h"
#include "config/config.h"
#include "config/setting.h"
#include "dashboardcontroller.h"
#include "dashboardimage.h"
#include "instancelock.h"
#include "mainwindow.h"
#include "services.h"
#include "settingsdialog.h"
#include "signalwatcher.h"
#include "store/changelistener.h"
#include "store/database.h"

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

// The configuration's errors, each naming where its value came from: the command-line
// option as typed, the environment variable, or the window's Settings.
QStringList explained(const ConfigResult &result)
{
    QStringList errors;
    for (QString error : result.errors) {
        const QString variable = error.section(u'=', 0, 0).section(u':', 0, 0);
        switch (result.source(variable)) {
        case ConfigSource::CommandLine:
            if (const Setting *setting = Config::setting(variable))
                error.replace(variable + u'=', u"--%1 "_s.arg(setting->option));
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

// --help's list of the environment, from the table of settings: each variable, what it
// does and its default, wrapped to 100 columns (the README has the ranges).
QString environmentHelp()
{
    constexpr qsizetype column = 36;
    constexpr qsizetype width = 100 - column;
    QString help = u"Environment [default]:\n"_s;
    for (const Setting &setting : Config::settings()) {
        QString line = QString(u"  "_s + setting.variable).leftJustified(column - 1) + u' ';
        qsizetype used = 0;
        QString text = setting.help;
        if (!setting.zeroMeans.isEmpty())
            text += u"; 0: "_s + setting.zeroMeans;
        text += u" [%1]"_s.arg(setting.defaultText());
        for (const QString &word : text.split(u' ')) {
            if (used > 0 && used + 1 + word.size() > width) {
                line += u'\n' + QString(column, u' ');
                used = 0;
            } else if (used > 0) {
                line += u' ';
                ++used;
            }
            line += word;
            used += word.size();
        }
        help += line + u'\n';
    }
    return help;
}

// Log lines carry their category, and their time unless journald adds its own.
void setUpLogging(const QString &level)
{
    const QHash<QString, QString> rules {{u"debug"_s, u"ghm.*=true"_s},
                                         {u"info"_s, u"ghm.*.debug=false"_s},
                                         {u"warning"_s, u"ghm.*.debug=false\nghm.*.info=false"_s}};
    QLoggingCategory::setFilterRules(rules.value(level));
    qSetMessagePattern(
        qEnvironmentVariableIsSet("JOURNAL_STREAM")
            ? u"%{if-category}%{category}: %{endif}%{message}"_s
            : u"%{time yyyy-MM-dd hh:mm:ss} %{if-category}%{category}: %{endif}%{message}"_s);
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
    if (hasArgument(
            argc, argv,
            {"--help", "-h", "--version", "-v", "--import", "--import-archive", "--rebuild"}))
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
    // Before anything logs or creates a file. Files and folders are readable by their
    // owner only unless GHM_UMASK says otherwise: the store holds the token's traffic.
    const ConfigResult process
        = Config::loadProcessSettings(QProcessEnvironment::systemEnvironment());
    for (const QString &error : process.errors)
        std::fprintf(stderr, "ghmonitor: %s (environment)\n", qPrintable(error));
    if (!process.ok())
        return 2;
    setUpLogging(process.config.logLevel);
    ::umask(mode_t(process.config.fileMask));
    Database::configureSqlite();
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
    const QCommandLineOption importArchive(
        u"import-archive"_s,
        u"Download every GH Archive hour of FROM..TO (days such as 2024-01-01..2024-01-31, or "
        "hours as GH Archive names them: 2024-01-01-0..2024-01-01-23) from GHM_ARCHIVE_URL "
        "into bronze, four at once, and import them; run it again to resume, then exit."_s,
        u"range"_s);
    parser.addOption(importArchive);
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
    for (const Setting &setting : Config::settings()) {
        if (!setting.option.isEmpty())
            parser.addOption({setting.option,
                              u"%1%2 (%3)."_s.arg(setting.help.first(1).toUpper(),
                                                  setting.help.sliced(1), setting.variable),
                              setting.valueName});
    }
    parser.process(*app);

    QHash<QString, QString> values;
    for (const Setting &setting : Config::settings()) {
        if (!setting.option.isEmpty() && parser.isSet(setting.option))
            values.insert(setting.variable, parser.value(setting.option));
    }
    // The window's Settings apply to the window only.
    const bool gui = !parser.isSet(headless) && !parser.isSet(import)
        && !parser.isSet(importArchive) && !parser.isSet(rebuild) && !parser.isSet(exportFile);
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
        if (!config.config.store().isShared()) {
            std::fprintf(stderr,
                         "ghmonitor: --viewer needs a shared database: set "
                         "GHM_DATABASE_URL or --database-url\n");
            return 2;
        }
        return runViewer(*static_cast<QApplication *>(app.get()), config.config);
    }
    if (parser.isSet(import))
        return BatchCommands::runImport(*app, config.config, parser.positionalArguments());
    if (parser.isSet(importArchive))
        return BatchCommands::runImportArchive(*app, config.config, parser.value(importArchive));
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
