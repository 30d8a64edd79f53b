// `make bench`: import speed, memory, store size and metric latency, printed as a table.
#include "compressedfile.h"
#include "database.h"
#include "metricsqueries.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <sys/resource.h>
#include <zlib.h>

#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 eventsPerSecond = 5; // the density of the synthetic history

// A fixture event with its id and created_at cut out, ready to be filled in.
struct Template
{
    QByteArrayList parts; // text, id or time, text, id or time, text
    bool idFirst = true;
};

QList<Template> loadTemplates(const QString &fixtures)
{
    QList<QJsonObject> objects;
    for (const QString &name :
         QDir(fixtures).entryList({u"*.json"_s, u"*.ndjson"_s, u"*.ndjson.gz"_s})) {
        if (name.startsWith("recorded_"_L1))
            continue;
        const QByteArray content = CompressedFile::readAll(fixtures + u'/' + name);
        if (content.startsWith('[')) {
            for (const QJsonValue &value : QJsonDocument::fromJson(content).array())
                objects << value.toObject();
        } else {
            for (const QByteArray &line : content.split('\n')) {
                if (!line.trimmed().isEmpty())
                    objects << QJsonDocument::fromJson(line).object();
            }
        }
    }
    QList<Template> templates;
    for (QJsonObject object : objects) {
        object.insert("id"_L1, u"@ID@"_s);
        object.insert("created_at"_L1, u"@TS@"_s);
        const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
        const qsizetype id = text.indexOf("@ID@");
        const qsizetype ts = text.indexOf("@TS@");
        Template t;
        t.idFirst = id < ts;
        const qsizetype a = std::min(id, ts), b = std::max(id, ts);
        t.parts = {text.left(a), text.mid(a + 4, b - a - 4), text.mid(b + 4)};
        templates << t;
    }
    return templates;
}

QByteArray eventLine(const Template &t, qint64 index, qint64 start)
{
    const QByteArray id = QByteArray::number(50000000000LL + index);
    const QByteArray time = QDateTime::fromSecsSinceEpoch(start + index / eventsPerSecond, Qt::UTC)
                                .toString(Qt::ISODate)
                                .toLatin1();
    return t.parts[0] + (t.idFirst ? id : time) + t.parts[1] + (t.idFirst ? time : id) + t.parts[2]
        + '\n';
}

qint64 historyStart()
{
    return QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
}

void generate(const QList<Template> &templates, qint64 firstIndex, qint64 count,
              const QString &plain, const QString &gzip)
{
    QFile out(plain);
    out.open(QIODevice::WriteOnly);
    gzFile gz = gzip.isEmpty() ? nullptr : gzopen(QFile::encodeName(gzip).constData(), "wb1");
    QByteArray buffer;
    for (qint64 i = firstIndex; i < firstIndex + count; ++i) {
        buffer += eventLine(templates[i % templates.size()], i, historyStart());
        if (buffer.size() > (1 << 22) || i == firstIndex + count - 1) {
            out.write(buffer);
            if (gz)
                gzwrite(gz, buffer.constData(), unsigned(buffer.size()));
            buffer.clear();
        }
    }
    if (gz)
        gzclose(gz);
}

struct ImportRun
{
    double seconds = 0;
    qint64 peakRssKb = 0;
    bool ok = false;
};

// Runs `ghmonitor --import` as a child, so its time and memory are the product's own.
ImportRun runImport(const QString &binary, const StoreLocation &store, const QString &file)
{
    QElapsedTimer timer;
    timer.start();
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList arguments {u"--data-dir"_s, store.dataDir, u"--import"_s, file};
    if (store.isPostgres())
        arguments << u"--database-url"_s << store.databaseUrl.toString();
    process.start(binary, arguments);
    process.waitForFinished(-1);
    ImportRun run;
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    rusage usage = {};
    getrusage(RUSAGE_CHILDREN, &usage);
    run.peakRssKb = usage.ru_maxrss;
    return run;
}

struct Latency
{
    double p50 = 0;
    double p99 = 0;
};

Latency measure(int iterations, const std::function<void(int)> &query)
{
    QList<double> samples;
    QElapsedTimer timer;
    for (int i = 0; i < iterations; ++i) {
        timer.start();
        query(i);
        samples << double(timer.nsecsElapsed()) / 1e6;
    }
    std::sort(samples.begin(), samples.end());
    return {samples[samples.size() / 2], samples[qsizetype(double(samples.size()) * 0.99)]};
}

struct MetricLatencies
{
    double importSeconds = 0; // of the store measured
    Latency counts60;
    Latency active60;
    Latency averagePr;
};

MetricLatencies measureMetrics(const StoreLocation &store, qint64 events)
{
    MetricsQueries queries(store);
    QString error;
    queries.open(&error);
    QRandomGenerator random(42);
    const qint64 span = events / eventsPerSecond;
    const auto randomAt = [&] {
        return QDateTime::fromSecsSinceEpoch(
            historyStart() + 3600 + qint64(random.bounded(int(span - 3600))), Qt::UTC);
    };
    QStringList repos = queries.repositoryNames(QString(), 100000);
    MetricLatencies result;
    result.counts60 = measure(2000, [&](int) { queries.eventCounts(60, randomAt()); });
    result.active60 = measure(2000, [&](int) { queries.activeRepositories(10, 60, randomAt()); });
    result.averagePr = measure(
        2000, [&](int i) { queries.averagePullRequestInterval(repos[(i * 7919) % repos.size()]); });
    return result;
}

struct WrkResult
{
    double requestsPerSecond = 0;
    QString p50;
    QString p99;
    qint64 errors = 0;
};

// wrk -t2 -c32 against one URL; its --latency table gives the percentiles.
WrkResult runWrk(const QString &url, int seconds)
{
    QProcess wrk;
    wrk.start(u"wrk"_s, {u"-t2"_s, u"-c32"_s, u"-d%1s"_s.arg(seconds), u"--latency"_s, url});
    wrk.waitForFinished(-1);
    WrkResult result;
    for (const QByteArray &raw : wrk.readAllStandardOutput().split('\n')) {
        const QByteArray line = raw.trimmed();
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (line.startsWith("Requests/sec:"))
            result.requestsPerSecond = fields.value(1).toDouble();
        else if (line.startsWith("50%"))
            result.p50 = QString::fromLatin1(fields.value(1));
        else if (line.startsWith("99%"))
            result.p99 = QString::fromLatin1(fields.value(1));
        else if (line.startsWith("Non-2xx"))
            result.errors += fields.last().toLongLong();
        else if (line.startsWith("Socket errors"))
            result.errors += 1;
    }
    return result;
}

// `ghmonitor --headless` over a data root; returns its API URL once it listens.
QString startServer(QProcess &server, const QString &binary, const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s); // offline: no polling traffic
    env.insert(u"GHM_API_PORT"_s, u"0"_s);
    env.insert(u"QT_LOGGING_RULES"_s, u"ghm.poller=false"_s);
    server.setProcessEnvironment(env);
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(binary, {u"--headless"_s, u"--data-dir"_s, dataDir});
    QByteArray output;
    while (server.waitForReadyRead(10000)) {
        output += server.readAll();
        const qsizetype at = output.indexOf("API listening on ");
        if (at >= 0 && output.indexOf('\n', at) > 0)
            return QString::fromLatin1(
                output.mid(at + 17, output.indexOf('\n', at) - at - 17).trimmed());
    }
    return {};
}

qint64 storeSize(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + "-wal"_L1).size();
}

// An empty shared database: the schemas of an earlier run are dropped.
bool resetPostgres(const QUrl &url)
{
    QString error;
    QSqlDatabase database = Database::open(StoreLocation({}, url), u"bench"_s, false, &error);
    QSqlQuery query(database);
    const bool ok = database.isValid() && query.exec(u"DROP SCHEMA IF EXISTS silver CASCADE"_s)
        && query.exec(u"DROP SCHEMA IF EXISTS gold CASCADE"_s);
    if (!ok)
        std::fprintf(stderr, "ghm_bench: %s\n", qPrintable(error + query.lastError().text()));
    query.finish();
    Database::close(database);
    return ok;
}

double databaseSizeMb(const QUrl &url)
{
    QString error;
    QSqlDatabase database = Database::open(StoreLocation({}, url), u"bench"_s, true, &error);
    QSqlQuery query(u"SELECT pg_database_size(current_database())"_s, database);
    const double size = query.next() ? query.value(0).toDouble() / (1024.0 * 1024.0) : 0;
    query.finish();
    Database::close(database);
    return size;
}

// SQLite against PostgreSQL on this machine: the 1M-event import, then both stores grown
// to `scale` events with fresh 1M-event files, and the metric latencies at both sizes.
// `imported` are the files already in the SQLite store, in order (1M events each).
bool compareBackends(const QString &binary, const QList<Template> &templates, const QString &work,
                     const QUrl &url, qint64 large, qint64 scale,
                     const MetricLatencies &sqliteAtLarge, const QStringList &imported)
{
    const StoreLocation sqlite(work + "/data-large"_L1);
    const StoreLocation postgres(work + "/data-postgres"_L1, url);
    QDir(postgres.dataDir).removeRecursively();
    if (!resetPostgres(url))
        return false;
    std::fprintf(stderr, "PostgreSQL: importing %lld events…\n", large);
    const ImportRun initial = runImport(binary, postgres, imported.first());
    if (!initial.ok)
        return false;
    const MetricLatencies postgresAtLarge = measureMetrics(postgres, large);
    if (!runImport(binary, postgres, imported.last()).ok)
        return false;

    // The rest of the history, 1M events at a time, into both stores.
    double sqliteSeconds = 0, postgresSeconds = 0;
    const QString chunk = work + "/events-chunk.ndjson"_L1;
    for (qint64 first = large * imported.size(); first < scale; first += large) {
        std::fprintf(stderr, "both stores: events %lld to %lld…\n", first, first + large);
        generate(templates, first, large, chunk, {});
        const ImportRun intoSqlite = runImport(binary, sqlite, chunk);
        const ImportRun intoPostgres = runImport(binary, postgres, chunk);
        if (!intoSqlite.ok || !intoPostgres.ok)
            return false;
        sqliteSeconds += intoSqlite.seconds;
        postgresSeconds += intoPostgres.seconds;
        QFile::remove(chunk);
    }
    std::fprintf(stderr, "querying both at %lld events…\n", scale);
    const MetricLatencies sqliteAtScale = measureMetrics(sqlite, scale);
    const MetricLatencies postgresAtScale = measureMetrics(postgres, scale);

    const qint64 grown = scale - large * imported.size();
    std::printf("\n| backend comparison | SQLite | PostgreSQL | target |\n|---|---|---|---|\n");
    std::printf("| import, plain NDJSON, %lld events into an empty store | %.0f events/s | %.0f "
                "events/s | PostgreSQL within 2x |\n",
                large, double(large) / sqliteAtLarge.importSeconds,
                double(large) / initial.seconds);
    std::printf("| import, %lld more events, the store growing to %lld | %.0f events/s | %.0f "
                "events/s | PostgreSQL within 2x |\n",
                grown, scale, double(grown) / sqliteSeconds, double(grown) / postgresSeconds);
    std::printf("| silver + gold at %lld events | %.0f MB | %.0f MB | |\n", scale,
                double(storeSize(sqlite.dataDir + "/silver/github_events.db"_L1)
                       + storeSize(sqlite.dataDir + "/gold/github_metrics.db"_L1))
                    / (1024.0 * 1024.0),
                databaseSizeMb(url));
    const auto row = [](const char *name, qint64 events, const Latency &a, const Latency &b) {
        std::printf("| %s at %lld events, p50 / p99 | %.2f / %.2f ms | %.2f / %.2f ms | p99 < 20 "
                    "ms |\n",
                    name, events, a.p50, a.p99, b.p50, b.p99);
    };
    row("eventCounts(60 min)", large, sqliteAtLarge.counts60, postgresAtLarge.counts60);
    row("eventCounts(60 min)", scale, sqliteAtScale.counts60, postgresAtScale.counts60);
    row("activeRepositories(10, 60 min)", large, sqliteAtLarge.active60, postgresAtLarge.active60);
    row("activeRepositories(10, 60 min)", scale, sqliteAtScale.active60, postgresAtScale.active60);
    row("averagePullRequestInterval", large, sqliteAtLarge.averagePr, postgresAtLarge.averagePr);
    row("averagePullRequestInterval", scale, sqliteAtScale.averagePr, postgresAtScale.averagePr);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4) {
        std::fprintf(stderr, "usage: ghm_bench GHMONITOR FIXTURES_DIR WORK_DIR [EVENTS]\n");
        return 2;
    }
    const QString binary = args[1];
    const QString fixtures = args[2];
    const QString work = args[3];
    const qint64 large = args.size() > 4 ? args[4].toLongLong() : 1000000;
    const qint64 small = large / 10;
    QDir().mkpath(work);

    const QList<Template> templates = loadTemplates(fixtures);
    if (templates.isEmpty()) {
        std::fprintf(stderr, "ghm_bench: no fixture events in %s\n", qPrintable(fixtures));
        return 1;
    }
    std::fprintf(stderr, "generating %lld and %lld events from %lld real fixture events…\n", large,
                 small, qint64(templates.size()));
    const QString largePlain = work + "/events-large.ndjson"_L1;
    const QString largeGzip = work + "/events-large.ndjson.gz"_L1;
    const QString smallPlain = work + "/events-small.ndjson"_L1;
    const QString laterPlain = work + "/events-later.ndjson"_L1;
    generate(templates, 0, large, largePlain, largeGzip);
    generate(templates, 0, small, smallPlain, {});
    generate(templates, large, large, laterPlain, {}); // fresh ids, for the import under load

    std::fprintf(stderr, "importing…\n");
    const QString largeDir = work + "/data-large"_L1;
    for (const char *name : {"/data-large", "/data-gzip", "/data-small"})
        QDir(work + QLatin1StringView(name)).removeRecursively();
    const ImportRun plainRun = runImport(binary, largeDir, largePlain);
    const ImportRun gzipRun = runImport(binary, QString(work + "/data-gzip"_L1), largeGzip);
    const ImportRun smallRun = runImport(binary, QString(work + "/data-small"_L1), smallPlain);
    if (!plainRun.ok || !gzipRun.ok || !smallRun.ok) {
        std::fprintf(stderr, "ghm_bench: an import failed\n");
        return 1;
    }
    QDir(work + "/data-gzip"_L1).removeRecursively();

    std::fprintf(stderr, "querying…\n");
    const MetricLatencies atSmall = measureMetrics(QString(work + "/data-small"_L1), small);
    MetricLatencies atLarge = measureMetrics(largeDir, large);
    atLarge.importSeconds = plainRun.seconds;

    const double mb = 1024.0 * 1024.0;
    std::printf("\n| benchmark | value | target |\n|---|---|---|\n");
    std::printf("| import, plain NDJSON, %lld events | %.0f events/s (%.1f s) | >= 100,000 |\n",
                large, double(large) / plainRun.seconds, plainRun.seconds);
    std::printf("| import, .json.gz, %lld events | %.0f events/s (%.1f s) | >= 60,000 |\n", large,
                double(large) / gzipRun.seconds, gzipRun.seconds);
    std::printf("| import peak RSS | %.0f MB | < 200 MB |\n", double(plainRun.peakRssKb) / 1024.0);
    std::printf("| silver size at %lld events | %.0f MB | |\n", large,
                double(storeSize(work + "/data-large/silver/github_events.db"_L1)) / mb);
    std::printf("| gold size at %lld events | %.0f MB | |\n", large,
                double(storeSize(work + "/data-large/gold/github_metrics.db"_L1)) / mb);
    const auto row = [](const char *name, qint64 events, const Latency &latency) {
        std::printf("| %s at %lld events, p50 / p99 | %.2f / %.2f ms | p99 < 5 ms |\n", name,
                    events, latency.p50, latency.p99);
    };
    row("eventCounts(60 min)", small, atSmall.counts60);
    row("eventCounts(60 min)", large, atLarge.counts60);
    row("activeRepositories(10, 60 min)", small, atSmall.active60);
    row("activeRepositories(10, 60 min)", large, atLarge.active60);
    row("averagePullRequestInterval", small, atSmall.averagePr);
    row("averagePullRequestInterval", large, atLarge.averagePr);

    QProcess server;
    const QString api = startServer(server, binary, largeDir);
    if (api.isEmpty()) {
        std::fprintf(stderr, "ghm_bench: the API did not start\n");
        return 1;
    }
    MetricsQueries queries(largeDir);
    QString error;
    queries.open(&error);
    const QString busyRepo
        = queries.activeRepositories(1, 5256000, QDateTime::currentDateTimeUtc()).value(0).key;
    const QString at
        = QDateTime::fromSecsSinceEpoch(historyStart() + large / eventsPerSecond / 2, Qt::UTC)
              .toString(Qt::ISODate);
    const QList<std::pair<QString, QString>> endpoints {
        {u"/api/events/count (60 min)"_s, u"/api/events/count?offset=60&at="_s + at},
        {u"/api/repository/.../avg_pr_time"_s,
         u"/api/repository/"_s + busyRepo + u"/avg_pr_time"_s},
        {u"/api/repositories/active (60 min)"_s, u"/api/repositories/active?offset=60&at="_s + at},
    };
    const auto wrkRow = [](const QString &name, const char *when, const WrkResult &result) {
        std::printf("| %s, %s, wrk -t2 -c32 | %.0f req/s, p50 %s, p99 %s, %lld errors | |\n",
                    qPrintable(name), when, result.requestsPerSecond, qPrintable(result.p50),
                    qPrintable(result.p99), result.errors);
    };
    for (const auto &[name, path] : endpoints)
        wrkRow(name, "idle", runWrk(api + path, 5));

    // The same again while another process imports new events into the same store.
    QProcess import;
    import.start(binary, {u"--data-dir"_s, largeDir, u"--import"_s, laterPlain});
    import.waitForStarted();
    for (const auto &[name, path] : endpoints)
        wrkRow(name, "during an import", runWrk(api + path, 2));
    std::printf("| import still running at the end of the load | %s | yes |\n",
                import.state() == QProcess::Running ? "yes" : "no");
    import.waitForFinished(-1);
    server.terminate();
    server.waitForFinished();

    const QUrl databaseUrl(qEnvironmentVariable("GHM_BENCH_DATABASE_URL"));
    if (databaseUrl.isEmpty()) {
        std::fprintf(stderr,
                     "ghm_bench: GHM_BENCH_DATABASE_URL is not set: no PostgreSQL column\n");
        return 0;
    }
    const qint64 scale = args.size() > 5 ? args[5].toLongLong() : 10 * large;
    return compareBackends(binary, templates, work, databaseUrl, large, scale, atLarge,
                           {largePlain, laterPlain})
        ? 0
        : 1;
}
