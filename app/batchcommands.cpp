#include "batchcommands.h"

#include "store/database.h"

#include "collect/archivedownload.h"
#include "collect/bronzestore.h"
#include "collect/watchlist.h"
#include "config/config.h"
#include "config/watchedscope.h"
#include "dashboardimage.h"
#include "event/timeformat.h"
#include "ingest/pipeline.h"
#include "query/metricsexport.h"
#include "query/metricsqueries.h"
#include "services.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QSaveFile>

#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

void printProgress(int fileIndex, int fileCount, const IngestProgress &progress)
{
    const double percent = progress.bytesTotal > 0
        ? 100.0 * double(progress.bytesDone) / double(progress.bytesTotal)
        : 100.0;
    const QString eta
        = progress.etaSeconds >= 0 ? u"%1 s"_s.arg(qRound64(progress.etaSeconds)) : u"-"_s;
    const QString line = u"[file %1/%2] %3%  %4 events  %5 events/s  ETA %6"_s.arg(
        QString::number(fileIndex + 1), QString::number(fileCount),
        QString::number(percent, 'f', 1), QLocale::c().toString(progress.events),
        QLocale::c().toString(qRound64(progress.eventsPerSecond)), eta);
    // On a terminal the line redraws in place; in a log each update is its own line.
    std::fprintf(stderr, isatty(STDERR_FILENO) ? "\r%-78s" : "%s\n", qPrintable(line));
    std::fflush(stderr);
}

// One removed archive hour fetched again, a few attempts (each resuming the last); the
// error, or empty once it is back.
QString restoreArchiveHour(QNetworkAccessManager *network, BronzeStore *bronze,
                           const BronzeStore::ArchiveLineage &lineage, int timeoutMs)
{
    QString error;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        ArchiveDownload::Limits limits;
        limits.timeoutMs = timeoutMs;
        ArchiveDownload download(network, bronze, lineage.url, lineage.hour, limits);
        download.setExpectedSha256(lineage.sha256);
        QEventLoop loop;
        bool done = false;
        QString path;
        QObject::connect(&download, &ArchiveDownload::finished,
                         [&](const QString &stored, const QString &problem, bool) {
                             path = stored;
                             error = problem;
                             done = true;
                             loop.quit();
                         });
        download.start();
        if (!done)
            loop.exec();
        if (!path.isEmpty())
            return {};
    }
    return error;
}

// GH Archive hours that retention removed come back from where they were fetched, each
// checked against the hash its lineage kept, before anything is dropped: a rebuild never
// loses an hour bronze once held. False when one could not be fetched.
bool restoreArchiveHours(const AppConfig &config)
{
    BronzeStore bronze(config.dataDir);
    const QList<BronzeStore::ArchiveLineage> removed = bronze.removedArchiveHours();
    if (removed.isEmpty())
        return true;
    std::printf("fetching %lld GH Archive hour(s) that retention removed\n",
                qint64(removed.size()));
    QNetworkAccessManager network;
    bool ok = true;
    for (const BronzeStore::ArchiveLineage &lineage : removed) {
        const QString error
            = restoreArchiveHour(&network, &bronze, lineage, config.requestTimeoutSeconds * 1000);
        if (error.isEmpty()) {
            std::printf("fetched %s\n", qPrintable(lineage.url.toString()));
        } else {
            std::fprintf(stderr, "ghmonitor: cannot fetch %s again: %s\n",
                         qPrintable(lineage.url.toString()), qPrintable(error));
            ok = false;
        }
    }
    std::fflush(stdout);
    return ok;
}

int run(QCoreApplication &app, const AppConfig &config,
        const std::function<void(Pipeline *)> &start)
{
    Services services(config, Services::Role::OneShot);
    Pipeline *pipeline = services.pipeline();

    int exitCode = 0;
    QObject::connect(pipeline, &Pipeline::progress, &app, printProgress);
    QObject::connect(pipeline, &Pipeline::failed, &app, [](const QString &message) {
        std::fprintf(stderr, "\nghmonitor: %s\n", qPrintable(message));
    });
    QObject::connect(pipeline, &Pipeline::finished, &app, [&](const IngestSummary &summary) {
        std::fprintf(stderr, "\n");
        std::printf("%s: %lld events new, %lld duplicates, %lld quarantined, %.1f s\n",
                    summary.cancelled ? "cancelled"
                        : summary.ok  ? "done"
                                      : "failed",
                    summary.inserted, summary.duplicates, summary.quarantined, summary.seconds);
        if (summary.alreadyIngested > 0)
            std::printf("%lld file(s) already imported: nothing to do for them\n",
                        summary.alreadyIngested);
        if (!summary.ok) {
            std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(summary.error));
            // A store error may be damage: then say so, with the way out.
            if (const QString damage = Database::integrityProblem(config.store());
                !damage.isEmpty())
                std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(damage));
        }
        exitCode = summary.cancelled ? 130 : summary.ok ? 0 : 1;
        app.quit();
    });
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [pipeline] {
        std::fprintf(stderr, "\nstopping after the current batch…\n");
        pipeline->cancel();
    });

    services.start();
    start(pipeline);
    app.exec();
    services.stop();
    return exitCode;
}

} // namespace

int BatchCommands::runImport(QCoreApplication &app, const AppConfig &config,
                             const QStringList &files)
{
    if (files.isEmpty()) {
        std::fprintf(stderr, "ghmonitor: --import needs at least one file\n");
        return 2;
    }
    return run(app, config, [files](Pipeline *pipeline) {
        QMetaObject::invokeMethod(pipeline, [pipeline, files] {
            if (pipeline->open())
                pipeline->importFiles(files);
            else
                emit pipeline->finished({false, false, u"cannot open the store"_s});
        });
    });
}

int BatchCommands::runRebuild(QCoreApplication &app, const AppConfig &config)
{
    if (!restoreArchiveHours(config)) {
        std::fprintf(stderr,
                     "ghmonitor: nothing was rebuilt: run --rebuild again once those "
                     "hours can be fetched\n");
        return 1;
    }
    return run(app, config,
               [](Pipeline *pipeline) { QMetaObject::invokeMethod(pipeline, &Pipeline::rebuild); });
}

namespace {

// --scope and --bots as a Scope; nothing, with a message, for a value that is neither.
std::optional<Scope> exportScope(const AppConfig &config,
                                 const BatchCommands::ExportOptions &options)
{
    const Watchlist watchlist(config.dataDir, config.watchMaximum);
    const std::optional<Scope> named = WatchedScope::named(options.scope, &watchlist);
    if (!named) {
        std::fprintf(stderr, "ghmonitor: --scope must be one of %s\n",
                     qPrintable(WatchedScope::names(&watchlist).join(u", "_s)));
        return std::nullopt;
    }
    Scope scope = *named;
    const std::optional<Scope::Bots> bots = Scope::botsFrom(options.bots);
    if (!bots) {
        std::fprintf(stderr, "ghmonitor: --bots must be one of %s\n",
                     qPrintable(Scope::botsNames().join(u", "_s)));
        return std::nullopt;
    }
    scope.bots = *bots;
    return scope;
}

} // namespace

int BatchCommands::runExport(const AppConfig &config, const ExportOptions &options)
{
    const QString &window = options.window;
    const QString &at = options.at;
    const QString &file = options.file;
    const std::optional<Scope> scope = exportScope(config, options);
    if (!scope)
        return 2;
    DashboardRequest request;
    request.scope = *scope;
    request.followNow = false;
    request.wholeStore = window == "all"_L1;
    const auto minutes = TimeFormat::parseWholeNumber(window, 1, TimeFormat::maxWindowMinutes);
    if (!minutes && !request.wholeStore) {
        std::fprintf(stderr,
                     "ghmonitor: --window must be a whole number of minutes from 1 to %lld, "
                     "or all\n",
                     TimeFormat::maxWindowMinutes);
        return 2;
    }
    request.minutes = minutes.value_or(0);
    if (!at.isEmpty()) {
        const auto end = TimeFormat::parseUtc(at);
        if (!end) {
            std::fprintf(stderr,
                         "ghmonitor: --at must be an ISO-8601 UTC time such as "
                         "2025-01-01T15:30:00Z\n");
            return 2;
        }
        request.at = *end;
    }
    MetricsQueries queries(config.store(), config.prHorizonDays);
    QString error;
    if (!queries.open(&error)) {
        std::fprintf(stderr, "ghmonitor: %s\n", qPrintable(error));
        return 1;
    }
    DashboardSnapshot data;
    try {
        data = DashboardSnapshot::load(queries, request);
    } catch (const StoreUnavailable &unavailable) {
        std::fprintf(stderr, "ghmonitor: cannot read the store: %s\n",
                     qPrintable(unavailable.message));
        return 1;
    }
    bool written = false;
    if (file.endsWith(".png"_L1, Qt::CaseInsensitive)) {
        written = DashboardImage::render(data).save(file, "PNG");
    } else if (file.endsWith(".json"_L1, Qt::CaseInsensitive)
               || file.endsWith(".csv"_L1, Qt::CaseInsensitive)) {
        const QByteArray bytes = file.endsWith(".csv"_L1, Qt::CaseInsensitive)
            ? MetricsExport::csv(data)
            : QJsonDocument(MetricsExport::json(data)).toJson();
        QSaveFile out(file);
        written
            = out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.commit();
    } else {
        std::fprintf(stderr, "ghmonitor: --export needs a .csv, .json or .png file name\n");
        return 2;
    }
    if (!written) {
        std::fprintf(stderr, "ghmonitor: cannot write %s\n", qPrintable(file));
        return 1;
    }
    std::printf("wrote %s (%s to %s)\n", qPrintable(file),
                qPrintable(TimeFormat::iso(data.window.from)),
                qPrintable(TimeFormat::iso(data.window.to)));
    return 0;
}
