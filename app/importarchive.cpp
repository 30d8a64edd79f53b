// ghmonitor --import-archive FROM..TO: GH Archive's hours of a range, downloaded several at
// once into bronze while the ingest thread reads the ones that have arrived.

#include "batchcommands.h"

#include "collect/archiveimport.h"
#include "collect/bronzestore.h"
#include "config/config.h"
#include "ingest/pipeline.h"
#include "services.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

QString size(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString duration(double seconds)
{
    const qint64 s = qRound64(seconds);
    return s >= 3600 ? u"%1 h %2 min"_s.arg(s / 3600).arg(s % 3600 / 60)
        : s >= 60    ? u"%1 min %2 s"_s.arg(s / 60).arg(s % 60)
                     : u"%1 s"_s.arg(s);
}

// One run: the downloads, the hours handed to the ingest thread, and what is printed.
class ArchiveImportRun : public QObject
{
public:
    ArchiveImportRun(QCoreApplication &app, const AppConfig &config, const QList<QDateTime> &hours)
        : m_app(app)
        , m_config(config)
        , m_bronze(config.dataDir)
        , m_services(config, Services::Role::OneShot)
        , m_import(options(config), hours, &m_bronze, &m_network)
    {
        connect(&m_import, &ArchiveImport::surveyed, this, &ArchiveImportRun::onSurveyed);
        connect(&m_import, &ArchiveImport::hourStored, this, &ArchiveImportRun::ingest);
        connect(&m_import, &ArchiveImport::finished, this, &ArchiveImportRun::finishIfDone);
        Pipeline *pipeline = m_services.pipeline();
        connect(pipeline, &Pipeline::progress, this,
                [this](int, int, const IngestProgress &progress) { m_current = progress.events; });
        connect(pipeline, &Pipeline::finished, this, &ArchiveImportRun::onIngested);
        connect(pipeline, &Pipeline::failed, this, [](const QString &message) {
            std::fprintf(stderr, "\nghmonitor: %s\n", qPrintable(message));
        });
        connect(&m_watcher, &SignalWatcher::terminationRequested, this, [this] { stop(); });
        connect(&m_ticker, &QTimer::timeout, this, &ArchiveImportRun::printProgress);
    }

    int exec()
    {
        m_services.start();
        QMetaObject::invokeMethod(m_services.pipeline(), &Pipeline::open);
        m_import.survey();
        m_app.exec();
        m_services.stop();
        return m_exitCode;
    }

private:
    static ArchiveImport::Options options(const AppConfig &config)
    {
        ArchiveImport::Options options;
        options.baseUrl = config.archiveUrl;
        options.limits.timeoutMs = config.requestTimeoutSeconds * 1000;
        return options;
    }

    void onSurveyed(const ArchiveImport::Plan &plan)
    {
        const qint64 floor = ArchiveDownload::Limits().minimumFreeBytes;
        std::printf("%d GH Archive hour(s) from %s: %d in bronze already, %d to download, "
                    "%s%s (%s)\n",
                    plan.hours, qPrintable(m_config.archiveUrl.toString()), plan.stored,
                    plan.hours - plan.stored, plan.estimated() ? "about " : "",
                    qPrintable(size(plan.downloadBytes)),
                    plan.estimated()
                        ? qPrintable(u"from the sizes of %1 of them"_s.arg(plan.sampled))
                        : "the server's sizes");
        std::printf("bronze keeps every file: %s free in %s, where silver and gold need room "
                    "too\n",
                    plan.freeBytes < 0 ? "unknown" : qPrintable(size(plan.freeBytes)),
                    qPrintable(m_config.dataDir));
        std::fflush(stdout);
        m_planned = plan;
        if (plan.freeBytes >= 0 && plan.downloadBytes + floor > plan.freeBytes) {
            std::fprintf(stderr, "ghmonitor: not enough room: %s to download, %s free\n",
                         qPrintable(size(plan.downloadBytes)), qPrintable(size(plan.freeBytes)));
            m_exitCode = 1;
            m_app.quit();
            return;
        }
        m_clock.start();
        m_ticker.start(1000);
        m_import.start();
    }

    void ingest(const QString &path)
    {
        ++m_queued;
        QMetaObject::invokeMethod(m_services.pipeline(), [pipeline = m_services.pipeline(), path] {
            pipeline->importStored({path});
        });
    }

    void onIngested(const IngestSummary &summary)
    {
        ++m_ingested;
        m_total.add(summary);
        m_current = 0;
        if (!summary.ok && !summary.cancelled) {
            std::fprintf(stderr, "\nghmonitor: %s\n", qPrintable(summary.error));
            m_exitCode = 1;
        }
        finishIfDone();
    }

    void printProgress()
    {
        const qint64 events = m_total.inserted + m_total.duplicates + m_current;
        const double seconds = std::max(0.001, m_clock.elapsed() / 1000.0);
        const int hours = m_planned.hours;
        const QString line = u"[%1/%2 hours downloaded, %3 ingested] %4  %5 events  %6 events/s"
                             "  ETA %7"_s.arg(m_import.hoursStored())
                                 .arg(hours)
                                 .arg(m_ingested)
                                 .arg(size(m_import.bytesDone()), QLocale::c().toString(events),
                                      QLocale::c().toString(qRound64(events / seconds)), eta());
        std::fprintf(stderr, isatty(STDERR_FILENO) ? "\r%-100s" : "%s\n", qPrintable(line));
        std::fflush(stderr);
    }

    // The later of the downloads' end, at their rate, and the ingest's, at its rate so far.
    QString eta() const
    {
        const double seconds = m_clock.elapsed() / 1000.0;
        const qint64 left = std::max<qint64>(0, m_planned.downloadBytes - m_import.bytesDone());
        const double rate = m_import.bytesPerSecond();
        const double download = left == 0 ? 0 : rate > 0 ? double(left) / rate : -1;
        const int toIngest = m_planned.hours - m_ingested;
        const double ingest = m_ingested > 0 ? seconds / m_ingested * toIngest : -1;
        if (download < 0 || ingest < 0)
            return u"-"_s;
        return duration(std::max(download, ingest));
    }

    void finishIfDone()
    {
        const bool downloaded
            = m_import.hoursStored() + m_import.failures().size() + m_import.missing().size()
            == m_planned.hours;
        if (!downloaded || m_ingested < m_queued || m_finished)
            return;
        m_finished = true;
        m_ticker.stop();
        printProgress();
        printSummary();
        m_app.quit();
    }

    void printSummary()
    {
        std::fprintf(stderr, "\n");
        std::printf("%s: %lld hour(s) ingested (%lld imported before), %lld events new, %lld "
                    "duplicates, %lld quarantined, %s\n",
                    m_stopped                           ? "stopped"
                        : m_import.failures().isEmpty() ? "done"
                                                        : "failed",
                    m_ingested - m_total.alreadyIngested, m_total.alreadyIngested, m_total.inserted,
                    m_total.duplicates, m_total.quarantined,
                    qPrintable(duration(m_clock.elapsed() / 1000.0)));
        for (const QDateTime &hour : m_import.missing())
            std::printf("not on GH Archive (404): %s\n",
                        qPrintable(hour.toString(u"yyyy-MM-dd-H"_s)));
        for (const QString &failure : m_import.failures())
            std::fprintf(stderr, "ghmonitor: cannot download %s\n", qPrintable(failure));
        if (!m_import.failures().isEmpty())
            m_exitCode = 1;
    }

    // Ctrl-C: downloads stop (their .part files stay, to resume), the batch being ingested
    // commits, and the next run takes up where this one ended.
    void stop()
    {
        std::fprintf(stderr, "\nstopping: run the same command again to resume\n");
        m_stopped = true;
        m_exitCode = 130;
        m_import.abort();
        m_services.pipeline()->cancel();
        m_app.quit();
    }

    QCoreApplication &m_app;
    const AppConfig &m_config;
    BronzeStore m_bronze;
    QNetworkAccessManager m_network;
    Services m_services;
    ArchiveImport m_import;
    SignalWatcher m_watcher;
    QTimer m_ticker;
    QElapsedTimer m_clock;
    ArchiveImport::Plan m_planned;
    IngestSummary m_total;
    qint64 m_current = 0; // events of the hour being ingested
    int m_queued = 0;
    int m_ingested = 0;
    int m_exitCode = 0;
    bool m_stopped = false;
    bool m_finished = false;
};

} // namespace

int BatchCommands::runImportArchive(QCoreApplication &app, const AppConfig &config,
                                    const QString &range)
{
    QString error;
    const std::optional<QList<QDateTime>> hours
        = ArchiveImport::parseRange(range, QDateTime::currentDateTimeUtc(), &error);
    if (!hours) {
        std::fprintf(stderr, "ghmonitor: --import-archive: %s\n", qPrintable(error));
        return 2;
    }
    ArchiveImportRun run(app, config, *hours);
    return run.exec();
}
