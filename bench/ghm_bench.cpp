// `make bench`: import speed, memory, metric latency and API throughput at GitHub's real
// shape, on data it generates itself; then the same at 2,500 repositories for comparison,
// and optionally SQLite against PostgreSQL. Prints Markdown tables.
#include "query/dashboardsnapshot.h"
#include "query/metricsqueries.h"
#include "realshape.h"
#include "store/countblock.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <cstdio>
#include <functional>
#include <optional>

#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace {

qint64 historyStart()
{
    return QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
}

qint64 environment(const char *name, qint64 fallback)
{
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    return ok ? value : fallback;
}

struct ImportRun
{
    double seconds = 0;
    qint64 peakRssKb = 0;
    bool ok = false;
};

// A process's peak resident memory so far, from /proc.
qint64 peakRssKb(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    status.open(QIODevice::ReadOnly);
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// A child that outlives a killed benchmark would load the machine of the next run.
void stopsWithTheBenchmark(QProcess &child)
{
    child.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

// Runs `ghmonitor --import` as a child, so its time and memory are the product's own.
ImportRun runImport(const QString &binary, const StoreLocation &store, const QStringList &files)
{
    QElapsedTimer timer;
    timer.start();
    QProcess process;
    stopsWithTheBenchmark(process);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList arguments {u"--data-dir"_s, store.dataDir, u"--import"_s};
    arguments << files;
    if (store.isShared())
        arguments << u"--database-url"_s << store.databaseUrl.toString();
    process.start(binary, arguments);
    ImportRun run;
    if (!process.waitForStarted()) {
        std::fprintf(stderr, "cannot start %s: %s\n", qPrintable(binary),
                     qPrintable(process.errorString()));
        return run;
    }
    // This import's own peak, read while it runs.
    while (!process.waitForFinished(100))
        run.peakRssKb = std::max(run.peakRssKb, peakRssKb(process.processId()));
    run.seconds = double(timer.nsecsElapsed()) / 1e9;
    run.ok = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
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

// A random `at` inside the stored span, at least `minutes` after its start when it can be.
struct History
{
    qint64 first = 0;
    qint64 last = 0;

    QDateTime randomAt(QRandomGenerator &random, qint64 minutes) const
    {
        const qint64 earliest = std::min(first + minutes * 60, last);
        return QDateTime::fromMSecsSinceEpoch(
            (earliest + qint64(random.bounded(double(last - earliest + 1)))) * 1000
                + random.bounded(1000),
            Qt::UTC);
    }
};

struct WindowLatency
{
    qint64 minutes;
    Latency count;
    Latency active;
};

QString windowName(qint64 minutes)
{
    return minutes % 1440 == 0 ? u"%1 d"_s.arg(minutes / 1440)
        : minutes % 60 == 0    ? u"%1 h"_s.arg(minutes / 60)
                               : u"%1 min"_s.arg(minutes);
}

QList<WindowLatency> measureWindows(const StoreLocation &store, const History &history,
                                    const QList<qint64> &windows, int samples)
{
    MetricsQueries queries(store);
    QString error;
    queries.open(&error);
    QRandomGenerator random(42);
    QList<WindowLatency> result;
    for (const qint64 minutes : windows) {
        WindowLatency row {minutes, {}, {}};
        row.count = measure(
            samples, [&](int) { queries.eventCounts(minutes, history.randomAt(random, minutes)); });
        row.active = measure(samples, [&](int) {
            queries.activeRepositories(10, minutes, history.randomAt(random, minutes));
        });
        result << row;
    }
    return result;
}

Latency measurePullRequests(const StoreLocation &store, const QStringList &repositories,
                            int samples)
{
    MetricsQueries queries(store);
    QString error;
    queries.open(&error);
    return measure(samples, [&](int i) {
        queries.averagePullRequestInterval(repositories[(i * 7919) % repositories.size()]);
    });
}

Latency measureDashboard(const StoreLocation &store, const History &history, qint64 minutes,
                         int samples)
{
    MetricsQueries queries(store);
    QString error;
    queries.open(&error);
    QRandomGenerator random(43);
    return measure(samples, [&](int) {
        DashboardRequest request;
        request.minutes = minutes;
        request.at = history.randomAt(random, minutes);
        DashboardSnapshot::load(queries, request);
    });
}

// The narrower scopes, counted from silver: a watch list of busy repositories over a day,
// and all of GitHub without bots over an hour and a day.
struct ScopeLatency
{
    Latency watchedDay;
    Latency botsLeftOutHour;
    Latency botsLeftOutDay;
};

ScopeLatency measureScopes(const StoreLocation &store, const History &history,
                           const QStringList &watched, int samples)
{
    MetricsQueries queries(store);
    QString error;
    queries.open(&error);
    QRandomGenerator random(44);
    const auto timed = [&](qint64 minutes, const Scope &scope) {
        return measure(samples, [&](int) {
            queries.typeCounts(TimeWindow::endingAt(history.randomAt(random, minutes), minutes),
                               scope);
        });
    };
    Scope noBots;
    noBots.bots = Scope::Bots::Exclude;
    return {timed(1440, Scope::watched(u"watched"_s, watched)), timed(60, noBots),
            timed(1440, noBots)};
}

// The repositories with the most pull-request openings: scripts ask about busy ones.
QStringList busyRepositories(const StoreLocation &store, int count)
{
    QString error;
    QSqlDatabase database = Database::open(store, u"bench"_s, true, &error);
    QSqlQuery query(database);
    query.exec(u"SELECT r.repo_name FROM gold.pr_opened p JOIN gold.repos r USING (repo_id) "
               "GROUP BY r.repo_id ORDER BY COUNT(*) DESC LIMIT %1"_s.arg(count));
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    query.finish();
    Database::close(database);
    return names;
}

struct Cardinality
{
    double perHour = 0; // distinct repositories, over the stored hour blocks
    qint64 total = 0;
};

Cardinality cardinality(const StoreLocation &store)
{
    QString error;
    QSqlDatabase database = Database::open(store, u"bench"_s, true, &error);
    QSqlQuery query(database);
    Cardinality result;
    query.exec(u"SELECT AVG(length(counts)) FROM gold.repo_counts_hour"_s);
    if (query.next())
        result.perHour = query.value(0).toDouble() / double(CountBlock::entrySize);
    query.exec(u"SELECT COUNT(*) FROM gold.repos"_s);
    result.total = query.next() ? query.value(0).toLongLong() : 0;
    query.finish();
    Database::close(database);
    return result;
}

struct WrkResult
{
    double requestsPerSecond = 0;
    QString p50;
    QString p99;
    qint64 errors = 0;
};

// wrk -t2 -c32 with a Lua script that makes every request's URL different, so that the
// response cache never answers.
WrkResult runWrk(const QString &api, const QString &script, int seconds, int connections = 32)
{
    QProcess wrk;
    stopsWithTheBenchmark(wrk);
    wrk.start(u"wrk"_s,
              {u"-t2"_s, u"-c%1"_s.arg(connections), u"-d%1s"_s.arg(seconds), u"--latency"_s,
               u"-s"_s, script, api});
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

// A wrk script requesting `pathFormat` with %AT% replaced by an `at` that walks the
// stored history in steps of a prime number of seconds, and %REPO% by busy repositories.
QString wrkScript(const QString &work, const QString &name, const QString &pathFormat,
                  const History &history, const QStringList &repositories)
{
    QStringList quoted;
    for (const QString &repository : repositories)
        quoted << u"\"%1\""_s.arg(repository);
    const QString lua = uR"(local n = %5
local repos = {%1}
request = function()
  n = n + 1
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ", %2 + (n * 7919) % %3)
  local path = string.gsub("%4", "%%AT%%", at)
  path = string.gsub(path, "%%REPO%%", repos[n % #repos + 1])
  return wrk.format("GET", path)
end
)"_s.arg(quoted.join(u','))
                            .arg(history.first + 3600)
                            .arg(std::max<qint64>(history.last - history.first - 3600, 1))
                            .arg(pathFormat)
                            .arg(qHash(name) % 100000);
    const QString path = work + u"/wrk-"_s + name + u".lua"_s;
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(lua.toUtf8());
    return path;
}

// `ghmonitor --headless` over a data root; returns its API URL once it listens.
QString startServer(QProcess &server, const QString &binary, const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GITHUB_API_URL"_s, u"http://127.0.0.1:9"_s); // offline: no polling traffic
    env.insert(u"GHM_API_PORT"_s, u"0"_s);
    env.insert(u"QT_LOGGING_RULES"_s, u"ghm.poller=false"_s);
    // No response cache: every answer is computed (the API refuses unknown parameters, so
    // a nonce cannot make URLs unique).
    env.insert(u"GHM_API_CACHE_MB"_s, u"0"_s);
    server.setProcessEnvironment(env);
    stopsWithTheBenchmark(server);
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(binary, {u"--headless"_s, u"--data-dir"_s, dataDir});
    QByteArray output;
    while (server.waitForReadyRead(30000)) {
        output += server.readAll();
        const qsizetype at = output.indexOf("API listening on ");
        if (at >= 0 && output.indexOf('\n', at) > 0)
            return QString::fromLatin1(
                output.mid(at + 17, output.indexOf('\n', at) - at - 17).trimmed());
    }
    return {};
}

// Whether `response` holds its headers and the whole body they announce.
bool isComplete(const QByteArray &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const qsizetype at = response.toLower().indexOf("content-length:");
    const qint64 length = at < 0
        ? 0
        : response.mid(at + 15, response.indexOf('\r', at) - at - 15).trimmed().toLongLong();
    return response.size() >= end + 4 + length;
}

// One GET /api/health at a time, on a fresh connection each: milliseconds per answer.
QList<double> healthLatencies(const QUrl &api, int count)
{
    QList<double> samples;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer timer;
        timer.start();
        QTcpSocket socket;
        socket.connectToHost(api.host(), quint16(api.port()));
        if (!socket.waitForConnected(5000))
            continue;
        socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray response;
        while (!isComplete(response) && socket.waitForReadyRead(30000))
            response += socket.readAll();
        if (isComplete(response))
            samples << double(timer.nsecsElapsed()) / 1e6;
        QThread::msleep(100);
    }
    std::sort(samples.begin(), samples.end());
    return samples;
}

qint64 storeSize(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + "-wal"_L1).size();
}

void printLatencyRows(const QList<WindowLatency> &rows, const QString &suffix)
{
    for (const WindowLatency &row : rows) {
        std::printf("| `count`, %s window%s, p50 / p99 | %.2f / %.2f ms |\n",
                    qPrintable(windowName(row.minutes)), qPrintable(suffix), row.count.p50,
                    row.count.p99);
        std::printf("| `active` (top 10), %s window%s, p50 / p99 | %.2f / %.2f ms |\n",
                    qPrintable(windowName(row.minutes)), qPrintable(suffix), row.active.p50,
                    row.active.p99);
    }
}

// Hour files in the GH Archive naming, generated once and kept for the next run.
QStringList hourFiles(const EventGenerator &generator, const QString &dir, qint64 firstHour,
                      qint64 hours, const char *suffix)
{
    QDir().mkpath(dir);
    QStringList files;
    for (qint64 hour = firstHour; hour < firstHour + hours; ++hour) {
        const QDateTime start
            = QDateTime::fromSecsSinceEpoch(historyStart() + hour * 3600, Qt::UTC);
        const QString path = u"%1/%2-%3.json%4"_s.arg(dir, start.toString(u"yyyy-MM-dd"_s))
                                 .arg(start.time().hour())
                                 .arg(QLatin1StringView(suffix));
        const QString done = path + u".complete"_s;
        if (!QFile::exists(done)) {
            std::fprintf(stderr, "generating %s…\n", qPrintable(QFileInfo(path).fileName()));
            const qint64 perHour = generator.eventsPerHour();
            if (!generator.write(path, hour * perHour, perHour))
                return {};
            QFile(done).open(QIODevice::WriteOnly);
        }
        files << path;
    }
    return files;
}

// GitHub's real shape, with or without payload text (GHM_BENCH_PAYLOAD), and the suffix of
// the folders its hour files are kept in.
std::pair<Shape, QString> realShapeFromEnvironment()
{
    Shape shape = Shape::github();
    shape.payloadText = environment("GHM_BENCH_PAYLOAD", 1) != 0;
    return {shape, shape.payloadText ? QString() : u"-light"_s};
}

// GitHub's real shape: a day of hour files, about 5.8M events.
bool realShape(const QString &binary, const QString &work)
{
    const qint64 hours = environment("GHM_BENCH_HOURS", 24);
    const qint64 gzipHours = std::min(environment("GHM_BENCH_GZIP_HOURS", 4), hours);
    const int samples = int(environment("GHM_BENCH_SAMPLES", 200));
    const auto [shape, suffix] = realShapeFromEnvironment();
    const EventGenerator generator(shape, historyStart());
    const QStringList plain = hourFiles(generator, work + u"/archive"_s + suffix, 0, hours, "");
    const QStringList gzip
        = hourFiles(generator, work + u"/archive-gz"_s + suffix, 0, gzipHours, ".gz");
    const QStringList later
        = hourFiles(generator, work + u"/archive-later"_s + suffix, hours, 1, "");
    if (plain.isEmpty() || gzip.isEmpty() || later.isEmpty())
        return false;

    const StoreLocation store(work + u"/data"_s);
    const StoreLocation gzipStore(work + u"/data-gz"_s);
    for (const StoreLocation &location : {store, gzipStore})
        QDir(location.dataDir).removeRecursively();
    const qint64 events = hours * generator.eventsPerHour();
    std::fprintf(stderr, "importing %lld events…\n", events);
    const ImportRun imported = runImport(binary, store, plain);
    std::fprintf(stderr, "importing %lld gzipped hours…\n", gzipHours);
    const ImportRun gzipped = runImport(binary, gzipStore, gzip);
    QDir(gzipStore.dataDir).removeRecursively();
    if (!imported.ok || !gzipped.ok)
        return false;

    const History history {historyStart(), historyStart() + hours * 3600 - 1};
    std::fprintf(stderr, "querying…\n");
    QList<qint64> windows {1, 10, 60, 1440};
    if (hours >= 48)
        windows << 2 * 1440;
    if (hours >= 7 * 24)
        windows << 7 * 1440;
    const QList<WindowLatency> latencies = measureWindows(store, history, windows, samples);
    const QStringList busy = busyRepositories(store, 1000);
    const Latency pullRequests = measurePullRequests(store, busy, samples);
    const Latency dashboard = measureDashboard(store, history, 1440, std::max(samples / 4, 10));
    const ScopeLatency scopes
        = measureScopes(store, history, busy.first(std::min<qsizetype>(100, busy.size())),
                        std::max(samples / 4, 10));
    const Cardinality repositories = cardinality(store);

    const double mb = 1024.0 * 1024.0;
    std::printf("\n## GitHub's real shape: %lld hours, %lld events\n\n", hours, events);
    std::printf("| measure | value |\n|---|---|\n");
    std::printf("| events a minute | %lld |\n", generator.eventsPerHour() / 60);
    std::printf("| repositories an hour (mean) / in all %lld hours | %.0f / %lld |\n", hours,
                repositories.perHour, repositories.total);
    std::printf("| import, plain NDJSON, %lld events | %.0f events/s (%.1f s) |\n", events,
                double(events) / imported.seconds, imported.seconds);
    std::printf("| import, .json.gz (zlib level 1), %lld events | %.0f events/s (%.1f s) |\n",
                gzipHours * generator.eventsPerHour(),
                double(gzipHours * generator.eventsPerHour()) / gzipped.seconds, gzipped.seconds);
    std::printf("| import peak RSS | %.0f MB |\n", double(imported.peakRssKb) / 1024.0);
    std::printf("| silver / gold size | %.0f / %.0f MB |\n",
                double(storeSize(Database::silverPath(store.dataDir))) / mb,
                double(storeSize(Database::goldPath(store.dataDir))) / mb);
    printLatencyRows(latencies, QString());
    std::printf("| `avg_pr_time`, the 1,000 busiest repositories, p50 / p99 | %.2f / %.2f ms |\n",
                pullRequests.p50, pullRequests.p99);
    std::printf("| one dashboard load, 24 h window, p50 / p99 | %.2f / %.2f ms |\n", dashboard.p50,
                dashboard.p99);
    std::printf("| `count`, watched scope (100 busy repositories), 24 h window, p50 / p99 | "
                "%.2f / %.2f ms |\n",
                scopes.watchedDay.p50, scopes.watchedDay.p99);
    std::printf("| `count`, bots left out, 60 min / 24 h window, p99 | %.1f / %.1f ms |\n",
                scopes.botsLeftOutHour.p99, scopes.botsLeftOutDay.p99);

    QProcess server;
    const QString api = startServer(server, binary, store.dataDir);
    if (api.isEmpty()) {
        std::fprintf(stderr, "ghm_bench: the API did not start\n");
        return false;
    }
    const QList<std::pair<QString, QString>> routes {
        {u"/api/events/count (60 min)"_s, u"/api/events/count?offset=60&at=%AT%"_s},
        {u"/api/events/count (24 h)"_s, u"/api/events/count?offset=1440&at=%AT%"_s},
        {u"/api/repositories/active (60 min)"_s, u"/api/repositories/active?offset=60&at=%AT%"_s},
        {u"/api/repositories/active (24 h)"_s, u"/api/repositories/active?offset=1440&at=%AT%"_s},
        {u"/api/repository/…/avg_pr_time"_s, u"/api/repository/%REPO%/avg_pr_time"_s},
        {u"/api/dashboard (60 min), the web page's poll"_s, u"/api/dashboard?window=60&at=%AT%"_s},
        {u"/api/health"_s, u"/api/health"_s},
    };
    int index = 0;
    for (const auto &[name, path] : routes) {
        const WrkResult result = runWrk(
            api, wrkScript(work, QString::number(index++), path, history, busy.mid(0, 200)), 5);
        std::printf("| %s, uncached, wrk -t2 -c32 | %.0f req/s, p50 %s, p99 %s, %lld errors |\n",
                    qPrintable(name), result.requestsPerSecond, qPrintable(result.p50),
                    qPrintable(result.p99), result.errors);
    }

    // /api/health while 32 connections keep the readers busy with 24-hour windows.
    const QString slow = wrkScript(
        work, u"slow"_s, u"/api/repositories/active?offset=1440&at=%AT%"_s, history, busy);
    QProcess load;
    stopsWithTheBenchmark(load);
    load.start(u"wrk"_s, {u"-t2"_s, u"-c32"_s, u"-d12s"_s, u"-s"_s, slow, api});
    QThread::sleep(2);
    const QList<double> health = healthLatencies(QUrl(api), 40);
    load.waitForFinished(-1);
    if (!health.isEmpty())
        std::printf("| `/api/health` while 32 slow requests run, p50 / max | %.1f / %.1f ms |\n",
                    health[health.size() / 2], health.last());

    // Serving and ingesting at once: the server's peak memory.
    QProcess import;
    stopsWithTheBenchmark(import);
    import.start(binary, {u"--data-dir"_s, store.dataDir, u"--import"_s, later.first()});
    const WrkResult during
        = runWrk(api, wrkScript(work, u"during"_s, routes[2].second, history, busy), 5);
    import.waitForFinished(-1);
    std::printf("| `active` (60 min) during an import of another hour | %.0f req/s, p99 %s, %lld "
                "errors |\n",
                during.requestsPerSecond, qPrintable(during.p99), during.errors);
    std::printf("| API process peak RSS, serving and ingesting | %.0f MB |\n",
                double(peakRssKb(server.processId())) / 1024.0);
    server.terminate();
    server.waitForFinished();
    return true;
}

// Windows of up to `hours`, each asked `samples` times up to an hour and fewer beyond, at
// least 10: ClickHouse scans a week's rows for each answer.
QList<WindowLatency> measureBackend(const StoreLocation &store, qint64 hours, int samples)
{
    QList<qint64> windows {60, 360};
    if (hours >= 24)
        windows << 1440;
    if (hours >= 7 * 24)
        windows << 7 * 1440;
    const History history {historyStart(), historyStart() + hours * 3600 - 1};
    QList<WindowLatency> rows;
    for (const qint64 minutes : windows)
        rows << measureWindows(store, history, {minutes}, std::max(10, int(samples * 60 / minutes)))
                    .first();
    return rows;
}

// What one back end measured: its import, and its windows once each stage was stored.
struct BackendRun
{
    double seconds = 0;
    qint64 peakRssKb = 0;
    QList<QList<WindowLatency>> stages;
};

// The hours imported in stages (the first day, then the rest), each stage's windows asked
// once it is stored: how the answers grow with the history kept.
std::optional<BackendRun> runBackend(const QString &binary, const StoreLocation &store,
                                     const QStringList &files, const QList<qint64> &stages,
                                     int samples)
{
    BackendRun result;
    qint64 imported = 0;
    for (const qint64 hours : stages) {
        const ImportRun run = runImport(binary, store, files.mid(imported, hours - imported));
        if (!run.ok)
            return std::nullopt;
        imported = hours;
        result.seconds += run.seconds;
        result.peakRssKb = std::max(result.peakRssKb, run.peakRssKb);
        result.stages << measureBackend(store, hours, samples);
    }
    return result;
}

// The same real-shape hours imported into SQLite, PostgreSQL (GHM_BENCH_POSTGRES_URL, an empty
// database) and a two-shard ClickHouse (GHM_BENCH_CLICKHOUSE_URL, an empty database), then
// the same windows asked of each: scripts/bench.sh makes throwaway clusters. A back end
// without its URL is left out; with neither, the step is skipped. Beyond a day, the windows
// are asked once the first day is stored and again at the end.
bool backendsSideBySide(const QString &binary, const QString &work)
{
    QList<std::pair<QString, StoreLocation>> backends {
        {u"SQLite"_s, StoreLocation(work + u"/data-sqlite"_s)}};
    if (const QUrl url(qEnvironmentVariable("GHM_BENCH_POSTGRES_URL")); !url.isEmpty())
        backends.append({u"PostgreSQL"_s, StoreLocation(work + u"/data-postgres"_s, url)});
    if (const QUrl url(qEnvironmentVariable("GHM_BENCH_CLICKHOUSE_URL")); !url.isEmpty())
        backends.append(
            {u"ClickHouse, 2 shards"_s, StoreLocation(work + u"/data-clickhouse"_s, url)});
    if (backends.size() == 1)
        return true;
    const qint64 hours = environment("GHM_BENCH_BACKEND_HOURS", 6);
    const int samples = int(environment("GHM_BENCH_SAMPLES", 200));
    const auto [shape, suffix] = realShapeFromEnvironment();
    const EventGenerator generator(shape, historyStart());
    const QStringList files = hourFiles(generator, work + u"/archive"_s + suffix, 0, hours, "");
    if (files.isEmpty())
        return false;
    const QList<qint64> stages = hours > 24 ? QList<qint64> {24, hours} : QList<qint64> {hours};
    const qint64 events = hours * generator.eventsPerHour();
    QStringList names;
    for (const auto &[name, store] : backends)
        names << name;
    std::printf("\n## The back ends, the same %lld real-shape hours (%lld events%s)\n\n", hours,
                events, shape.payloadText ? "" : ", no payload text");
    std::printf("| measure | %s |\n|---|%s\n", qPrintable(names.join(u" | "_s)),
                qPrintable(u"---|"_s.repeated(names.size())));
    QStringList imports;
    QStringList memory;
    QList<BackendRun> runs;
    for (const auto &[name, store] : backends) {
        QDir(store.dataDir).removeRecursively();
        std::fprintf(stderr, "importing %lld events into %s…\n", events, qPrintable(name));
        const std::optional<BackendRun> run = runBackend(binary, store, files, stages, samples);
        if (!run)
            return false;
        imports << u"%1 events/s"_s.arg(qRound64(double(events) / run->seconds));
        memory << u"%1 MB"_s.arg(qRound64(double(run->peakRssKb) / 1024.0));
        runs << *run;
        QDir(store.dataDir).removeRecursively();
    }
    std::printf("| import, plain NDJSON | %s |\n", qPrintable(imports.join(u" | "_s)));
    std::printf("| import peak RSS (ghmonitor) | %s |\n", qPrintable(memory.join(u" | "_s)));
    const auto cell = [](const Latency &latency) {
        return u"%1 / %2 ms"_s.arg(latency.p50, 0, 'f', 2).arg(latency.p99, 0, 'f', 2);
    };
    for (qsizetype stage = 0; stage < stages.size(); ++stage) {
        const QString stored
            = stages.size() > 1 ? u", %1 stored"_s.arg(windowName(stages[stage] * 60)) : QString();
        const QList<WindowLatency> &first = runs.first().stages[stage];
        for (qsizetype i = 0; i < first.size(); ++i) {
            QStringList counts, actives;
            for (const BackendRun &run : std::as_const(runs)) {
                counts << cell(run.stages[stage][i].count);
                actives << cell(run.stages[stage][i].active);
            }
            const QString window = windowName(first[i].minutes);
            std::printf("| `count`, %s window%s, p50 / p99 | %s |\n", qPrintable(window),
                        qPrintable(stored), qPrintable(counts.join(u" | "_s)));
            std::printf("| `active` (top 10), %s window%s, p50 / p99 | %s |\n", qPrintable(window),
                        qPrintable(stored), qPrintable(actives.join(u" | "_s)));
        }
    }
    return true;
}

// The earlier benchmark's shape, 2,500 repositories, for comparison with older tables.
bool fewRepositories(const QString &binary, const QString &work)
{
    const qint64 events = environment("GHM_BENCH_SMALL_EVENTS", 1000000);
    const EventGenerator generator(Shape::fewRepositories(), historyStart());
    const QString plain = work + u"/few.ndjson"_s;
    const QString gzip = work + u"/few.ndjson.gz"_s;
    std::fprintf(stderr, "generating %lld events of 2,500 repositories…\n", events);
    if (!generator.write(plain, 0, events) || !generator.write(gzip, 0, events))
        return false;
    const StoreLocation store(work + u"/data-few"_s);
    const StoreLocation gzipStore(work + u"/data-few-gz"_s);
    for (const StoreLocation &location : {store, gzipStore})
        QDir(location.dataDir).removeRecursively();
    const ImportRun imported = runImport(binary, store, {plain});
    const ImportRun gzipped = runImport(binary, gzipStore, {gzip});
    QDir(gzipStore.dataDir).removeRecursively();
    if (!imported.ok || !gzipped.ok)
        return false;
    const History history {historyStart(), generator.createdAt(events - 1)};
    const QList<WindowLatency> latencies
        = measureWindows(store, history, {60}, int(environment("GHM_BENCH_SAMPLES", 200)));
    std::printf("\n## 2,500 repositories, %lld events (the earlier shape)\n\n", events);
    std::printf("| measure | value |\n|---|---|\n");
    std::printf("| import, plain NDJSON | %.0f events/s (%.1f s) |\n",
                double(events) / imported.seconds, imported.seconds);
    std::printf("| import, .json.gz (zlib level 1) | %.0f events/s (%.1f s) |\n",
                double(events) / gzipped.seconds, gzipped.seconds);
    printLatencyRows(latencies, QString());
    QFile::remove(plain);
    QFile::remove(gzip);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: ghm_bench GHMONITOR WORK_DIR\n");
        return 2;
    }
    const QString work = QDir(args[2]).absolutePath();
    QDir().mkpath(work);
    // GHM_BENCH_STEPS picks some: real, few, backends (all by default).
    const QStringList steps
        = qEnvironmentVariable("GHM_BENCH_STEPS", u"real,few,backends"_s).split(u',');
    try {
        if ((steps.contains("real"_L1) && !realShape(args[1], work))
            || (steps.contains("few"_L1) && !fewRepositories(args[1], work))
            || (steps.contains("backends"_L1) && !backendsSideBySide(args[1], work))) {
            std::fprintf(stderr, "ghm_bench: a step failed\n");
            return 1;
        }
    } catch (const StoreUnavailable &unavailable) {
        std::fprintf(stderr, "ghm_bench: a store could not answer: %s\n",
                     qPrintable(unavailable.message));
        return 1;
    }
    return 0;
}
