#include "childprocess.h"
#include "collect/archivefollower.h"
#include "collect/archiveimport.h"
#include "collect/bronzestore.h"
#include "event/clock.h"
#include "event/compressedfile.h"
#include "fakegithub.h"
#include "gzip.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "query/metrictypes.h"
#include "syntheticevents.h"
#include "testdata.h"
#include "teststorage.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// The real GH Archive excerpt's hour; the stand-in serves three hours cut from it.
const QDateTime firstHour(QDate(2025, 1, 1), QTime(15, 0), Qt::UTC);
constexpr int hoursServed = 3;

} // namespace

// The GH Archive follower against the stand-in, with a manual clock: backfill, following,
// resuming, refusing a cut file, exactly-once with the live feed, and coverage.
class TestArchive : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void backfillGivesTheArchivesCounts();
    void completeFlagsHoldAtTheEdgesOfAnHour();
    void aNewHourIsFollowedOnceItIsPublished();
    void aCutDownloadResumes();
    void aTruncatedArchiveIsRetriedNeverPartial();
    void liveEventsAreStoredOnceAndTheirShareMeasured();
    void anImportedArchiveHourIsComplete();
    void rebuildFetchesWhatRetentionRemoved();
    void rebuildRefusesAFileThatChanged();
    void importArchiveFetchesARangeOnce();
    void anArchiveRangeIsReadAsTyped_data();
    void anArchiveRangeIsReadAsTyped();
    void aDownloadIsBounded_data();
    void aDownloadIsBounded();
    void aYearOfArchiveHoursAnswersAsOnSqlite();

private:
    void follow(int backfillHours);
    // `ghmonitor --rebuild` on this store, with the stand-in answering meanwhile.
    std::pair<int, QByteArray> rebuild();
    // `ghmonitor --import-archive range` on this store, from the stand-in.
    std::pair<int, QByteArray> importArchive(const QString &range);
    int archiveDownloads() const; // GET requests for hour files so far
    void removeWithRetention();
    void waitForHours(int count);
    MetricsQueries &queries();

    QList<QByteArray> m_lines[hoursServed]; // NDJSON lines of each served hour
    QByteArray m_files[hoursServed]; // gzip
    std::unique_ptr<TestStorage> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeGitHub> m_server;
    std::unique_ptr<BronzeStore> m_bronze;
    std::unique_ptr<Pipeline> m_pipeline;
    std::unique_ptr<ArchiveFollower> m_follower;
    std::unique_ptr<MetricsQueries> m_queries;
    int m_stored = 0;
};

// The excerpt's 2,048 events cut into three hours: the second and third have their
// created_at moved on by one and two hours.
void TestArchive::initTestCase()
{
    SKIP_WITHOUT_FIXTURES();
    const QByteArray excerpt = CompressedFile::readAll(
        TestData::fixture(u"gharchive_2025-01-01-15_first2048.ndjson.gz"_s));
    const QList<QByteArray> lines = excerpt.trimmed().split('\n');
    QCOMPARE(lines.size(), 2048);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int hour = int(i * hoursServed / lines.size());
        QByteArray line = lines[i];
        const qsizetype at = line.lastIndexOf("\"created_at\":\"2025-01-01T15:");
        QVERIFY(at > 0);
        line.replace(at + 25, 2, QByteArray::number(15 + hour));
        m_lines[hour] << line;
    }
    for (int hour = 0; hour < hoursServed; ++hour)
        m_files[hour] = gzipped(m_lines[hour].join('\n') + '\n');
}

void TestArchive::init()
{
    m_dir = std::make_unique<TestStorage>();
    REQUIRE_STORAGE(*m_dir);
    m_clock = std::make_unique<ManualClock>(firstHour.addSecs(hoursServed * 3600 + 600));
    m_server = std::make_unique<FakeGitHub>(m_clock.get());
    QVERIFY(m_server->listen());
    for (int hour = 0; hour < hoursServed; ++hour)
        m_server->setArchiveHour(firstHour.addSecs(hour * 3600), m_files[hour]);
    m_bronze = std::make_unique<BronzeStore>(m_dir->path());
    m_pipeline = std::make_unique<Pipeline>(m_dir->location());
    QVERIFY(m_pipeline->open());
    m_stored = 0;
}

void TestArchive::cleanup()
{
    m_queries.reset();
    m_follower.reset();
    m_pipeline.reset();
    m_server.reset();
}

void TestArchive::follow(int backfillHours)
{
    ArchiveFollower::Options options;
    options.baseUrl = m_server->url();
    options.backfillHours = backfillHours;
    options.limits.timeoutMs = 5000;
    m_follower = std::make_unique<ArchiveFollower>(options, m_bronze.get(), m_clock.get());
    connect(m_follower.get(), &ArchiveFollower::hourStored, this, [this](const QString &path) {
        m_pipeline->ingestPage(path);
        ++m_stored;
    });
    m_follower->start();
}

// Lets downloads finish, moving the clock on whenever the follower waits.
void TestArchive::waitForHours(int count)
{
    for (int step = 0; step < 200 && m_stored < count; ++step) {
        QTest::qWait(20);
        if (m_stored < count && m_follower->status().state != ArchiveStatus::State::Downloading
            && m_clock->hasPending())
            m_clock->advanceToNext();
    }
    QCOMPARE(m_stored, count);
}

MetricsQueries &TestArchive::queries()
{
    if (!m_queries) {
        m_queries = std::make_unique<MetricsQueries>(m_dir->location());
        QString error;
        if (!m_queries->open(&error))
            qFatal("cannot open the store: %s", qPrintable(error));
    }
    return *m_queries;
}

// A 3-hour backfill stores each hour in bronze, named by its hour, with its URL and hash,
// and gives counts equal to counting the served files.
void TestArchive::backfillGivesTheArchivesCounts()
{
    follow(hoursServed);
    waitForHours(hoursServed);
    QMap<QString, qint64> expected;
    QSet<qint64> ids;
    for (const QList<QByteArray> &hour : m_lines) {
        for (const QByteArray &line : hour) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (!ids.contains(event["id"_L1].toString().toLongLong()))
                ++expected[event["type"_L1].toString()];
            ids.insert(event["id"_L1].toString().toLongLong());
        }
    }
    const qint64 minutes = hoursServed * 60;
    const QDateTime end = firstHour.addSecs(hoursServed * 3600 - 1);
    QMap<QString, qint64> counted;
    for (const KeyCount &count : queries().eventCounts(minutes, end))
        counted.insert(count.key, count.count);
    QCOMPARE(counted, expected);
    QCOMPARE(queries().eventsStored(), qint64(ids.size()));

    for (int hour = 0; hour < hoursServed; ++hour) {
        const QString path = m_bronze->archivePath(firstHour.addSecs(hour * 3600));
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        QCOMPARE(file.readAll(), m_files[hour]);
        QFile sidecar(path + ".meta.json"_L1);
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        const QJsonObject meta = QJsonDocument::fromJson(sidecar.readAll()).object();
        QCOMPARE(
            meta["url"_L1].toString(),
            ArchiveFollower::hourUrl(m_server->url(), firstHour.addSecs(hour * 3600)).toString());
        QCOMPARE(meta["sha256"_L1].toString().toLatin1(),
                 QCryptographicHash::hash(m_files[hour], QCryptographicHash::Sha256).toHex());
    }
    QVERIFY(m_server->requests().first().target.endsWith("/2025-01-01-15.json.gz"));
    const QList<HourCoverage> hours
        = queries().coverage({firstHour.toSecsSinceEpoch(),
                              firstHour.addSecs(hoursServed * 3600 - 1).toSecsSinceEpoch()});
    QCOMPARE(hours.size(), hoursServed);
    for (int hour = 0; hour < hoursServed; ++hour) {
        QVERIFY(hours[hour].complete);
        QCOMPARE(hours[hour].events, m_lines[hour].size());
        QCOMPARE(hours[hour].liveShare.value(), 0.0); // no live feed ran
    }
    QVERIFY(!queries().recentLiveShare());
}

// A window is complete when every hour it touches is: one second past the last complete
// hour, or before the first, makes it sampled.
void TestArchive::completeFlagsHoldAtTheEdgesOfAnHour()
{
    follow(hoursServed);
    waitForHours(hoursServed);
    const qint64 first = firstHour.toSecsSinceEpoch();
    const qint64 last = first + hoursServed * 3600 - 1; // the last second of the last hour
    QVERIFY(queries().isComplete({first, last}));
    QVERIFY(queries().isComplete({first + 3600, first + 3600})); // one second
    QVERIFY(!queries().isComplete({first, last + 1}));
    QVERIFY(!queries().isComplete({first - 1, last}));
    QVERIFY(!queries().isComplete({last + 1, last + 3600}));
    const QList<HourCoverage> around = queries().coverage({first - 3600, last + 3600});
    QCOMPARE(around.size(), hoursServed + 2);
    QVERIFY(!around.first().complete && !around.last().complete);
    QVERIFY(!around.first().liveShare);
}

// The next hour is asked for once it has ended; a 404 means not yet, asked again a
// minute later, then less often, until it is there.
void TestArchive::aNewHourIsFollowedOnceItIsPublished()
{
    follow(hoursServed);
    waitForHours(hoursServed);
    const QDateTime next = firstHour.addSecs(hoursServed * 3600);
    QCOMPARE(m_follower->status().hour, next);
    QCOMPARE(m_follower->status().state, ArchiveStatus::State::Waiting);
    QCOMPARE(m_follower->status().nextAttempt, next.addSecs(3600 + 120));

    int notFound = 0;
    connect(m_server.get(), &FakeGitHub::responded, this,
            [&notFound](const QByteArray &, int status) { notFound += status == 404; });
    QList<qint64> waits;
    while (notFound < 3) {
        QTRY_VERIFY(m_clock->hasPending());
        m_clock->advanceToNext();
        QTRY_VERIFY(m_follower->status().state == ArchiveStatus::State::Waiting);
        waits << m_clock->now().msecsTo(m_follower->status().nextAttempt) / 1000;
    }
    QCOMPARE(waits.mid(0, 3), (QList<qint64> {60, 120, 240}));
    QCOMPARE(m_stored, hoursServed);

    m_server->setArchiveHour(next, m_files[0]);
    m_clock->advanceToNext();
    QTRY_COMPARE(m_stored, hoursServed + 1);
    QVERIFY(QFile::exists(m_bronze->archivePath(next)));
}

// A connection cut halfway keeps what arrived; the next request asks for the rest only.
void TestArchive::aCutDownloadResumes()
{
    m_server->queueArchiveFault(FakeGitHub::ArchiveFault::Cut);
    follow(1);
    waitForHours(1);
    QList<QByteArray> ranges;
    for (const FakeGitHub::Request &request : m_server->requests())
        ranges << request.headers.value("range");
    QCOMPARE(ranges.size(), 2);
    QVERIFY(ranges[0].isEmpty());
    QVERIFY(ranges[1].startsWith("bytes="));
    const qint64 resumedAt = ranges[1].mid(6).chopped(1).toLongLong();
    QVERIFY(resumedAt > 0 && resumedAt < m_files[2].size());
    QFile file(m_bronze->archivePath(firstHour.addSecs(2 * 3600)));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_files[2]);
    QCOMPARE(queries().eventsStored(), m_lines[2].size());
}

// A file whose gzip stream stops short is an error, retried; nothing of it is stored.
void TestArchive::aTruncatedArchiveIsRetriedNeverPartial()
{
    m_server->queueArchiveFault(FakeGitHub::ArchiveFault::Truncated);
    follow(1);
    QTRY_COMPARE(m_follower->status().state, ArchiveStatus::State::Retrying);
    QVERIFY2(m_follower->status().lastError.contains("cut short"_L1),
             qPrintable(m_follower->status().lastError));
    QCOMPARE(m_stored, 0);
    QVERIFY(!QFile::exists(m_bronze->archivePath(firstHour.addSecs(2 * 3600))));
    QCOMPARE(queries().eventsStored(), 0);
    waitForHours(1);
    QCOMPARE(queries().eventsStored(), m_lines[2].size());
}

// Events the live feed stored before the archive came are not stored twice, and the
// hour's live share is the feed's ids over the archive's.
void TestArchive::liveEventsAreStoredOnceAndTheirShareMeasured()
{
    QList<QByteArray> live; // every seventh event of the second hour, as a feed page
    for (qsizetype i = 0; i < m_lines[1].size(); i += 7)
        live << m_lines[1][i];
    PageLineage lineage {m_server->url(), 200, 1, {}, {}, firstHour.addSecs(3600 + 300)};
    QString error;
    const QString page
        = m_bronze->storePage('[' + live.join(',') + ']', lineage, u"events"_s, &error);
    QVERIFY2(!page.isEmpty(), qPrintable(error));
    m_pipeline->ingestPage(page);
    QCOMPARE(queries().eventsStored(), live.size());

    follow(hoursServed);
    waitForHours(hoursServed);
    QSet<qint64> ids;
    for (const QList<QByteArray> &hour : m_lines) {
        for (const QByteArray &line : hour)
            ids.insert(QJsonDocument::fromJson(line).object()["id"_L1].toString().toLongLong());
    }
    QCOMPARE(queries().eventsStored(), qint64(ids.size()));
    const qint64 second = firstHour.addSecs(3600).toSecsSinceEpoch();
    const QList<HourCoverage> hours = queries().coverage({second, second + 3599});
    QCOMPARE(hours.size(), 1);
    QVERIFY(hours[0].complete);
    QCOMPARE(hours[0].liveShare.value(), double(live.size()) / double(m_lines[1].size()));
    // The hours the feed did not run say nothing about its share.
    QCOMPARE(queries().recentLiveShare().value(), double(live.size()) / double(m_lines[1].size()));
}

// An analyst's import of a whole hour, named as GH Archive names it, completes that hour;
// a file of another name (an excerpt) does not.
void TestArchive::anImportedArchiveHourIsComplete()
{
    QTemporaryDir dir;
    const QString hourFile = dir.filePath(u"2025-01-01-16.json.gz"_s);
    const QString excerpt = dir.filePath(u"excerpt_2025-01-01-17.json.gz"_s);
    for (const auto &[path, hour] : {std::pair {hourFile, 1}, std::pair {excerpt, 2}}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_files[hour]);
    }
    m_pipeline->importFiles({hourFile, excerpt});
    const qint64 second = firstHour.addSecs(3600).toSecsSinceEpoch();
    const QList<HourCoverage> hours = queries().coverage({second, second + 7199});
    QCOMPARE(hours.size(), 2);
    QVERIFY(hours[0].complete);
    QCOMPARE(hours[0].events, m_lines[1].size());
    QVERIFY(!hours[1].complete);
    QCOMPARE(hours[1].events, m_lines[2].size());
}

std::pair<int, QByteArray> TestArchive::rebuild()
{
    m_queries.reset();
    m_pipeline.reset(); // the process is the only writer
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setProcessEnvironment(ChildProcess::cleanEnvironment());
    process.start(QStringLiteral(GHM_BINARY), QStringList {u"--rebuild"_s} + m_dir->options());
    QSignalSpy finished(&process, &QProcess::finished);
    if (!finished.wait(60000))
        return {-1, process.readAll()};
    return {process.exitCode(), process.readAll()};
}

std::pair<int, QByteArray> TestArchive::importArchive(const QString &range)
{
    m_queries.reset();
    m_pipeline.reset();
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment environment = ChildProcess::cleanEnvironment();
    environment.insert(u"GHM_ARCHIVE_URL"_s, m_server->url().toString());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(GHM_BINARY),
                  QStringList {u"--import-archive"_s, range} + m_dir->options());
    QSignalSpy finished(&process, &QProcess::finished);
    if (!finished.wait(60000))
        return {-1, process.readAll()};
    return {process.exitCode(), process.readAll()};
}

int TestArchive::archiveDownloads() const
{
    return int(std::count_if(m_server->requests().cbegin(), m_server->requests().cend(),
                             [](const FakeGitHub::Request &request) {
                                 return request.method == "GET"
                                     && request.target.endsWith(".json.gz");
                             }));
}

// Retention removes the hours (their sidecars stay), days after they ended.
void TestArchive::removeWithRetention()
{
    follow(hoursServed);
    waitForHours(hoursServed);
    m_follower.reset();
    QCOMPARE(m_bronze->applyRetention(1, firstHour.addDays(2)), hoursServed);
    QCOMPARE(m_bronze->removedArchiveHours().size(), hoursServed);
    QCOMPARE(m_bronze->removedArchiveHours().first().hour, firstHour);
}

// Bronze is the source of truth: a rebuild fetches the hours retention removed, checks
// them against the hash their lineage kept, and gives the same counts as before.
void TestArchive::rebuildFetchesWhatRetentionRemoved()
{
    removeWithRetention();
    const QList<KeyCount> before
        = queries().eventCounts(hoursServed * 60, firstHour.addSecs(3 * 3600 - 1));
    const auto [exitCode, output] = rebuild();
    QVERIFY2(exitCode == 0, output.constData());
    QVERIFY2(output.contains("fetched"), output.constData());
    QVERIFY(m_bronze->removedArchiveHours().isEmpty());
    for (int hour = 0; hour < hoursServed; ++hour) {
        QFile file(m_bronze->archivePath(firstHour.addSecs(hour * 3600)));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_files[hour]);
    }
    QCOMPARE(queries().eventCounts(hoursServed * 60, firstHour.addSecs(3 * 3600 - 1)), before);
    QVERIFY(queries().isComplete(
        {firstHour.toSecsSinceEpoch(), firstHour.addSecs(3 * 3600 - 1).toSecsSinceEpoch()}));
}

// A file that is no longer the one first fetched is refused, and nothing is dropped.
void TestArchive::rebuildRefusesAFileThatChanged()
{
    removeWithRetention();
    const qint64 stored = queries().eventsStored();
    m_server->setArchiveHour(firstHour.addSecs(3600), m_files[0]);
    const auto [exitCode, output] = rebuild();
    QCOMPARE(exitCode, 1);
    QVERIFY2(output.contains("SHA-256") && output.contains("nothing was rebuilt"),
             output.constData());
    QCOMPARE(queries().eventsStored(), stored);
}

// --import-archive over a range: every served hour's events, once, with one download cut
// and fetched again (resumed from its .part when the cut left bytes there: on a busy
// machine the reset can come first); the hour GH Archive lacks is named; a second run
// fetches nothing again and adds nothing.
void TestArchive::importArchiveFetchesARangeOnce()
{
    m_server->queueArchiveFault(FakeGitHub::ArchiveFault::Cut);
    const QString range = u"2025-01-01-15..2025-01-01T18"_s; // 18:00 is not published
    const auto [exitCode, output] = importArchive(range);
    QVERIFY2(exitCode == 0, output.constData());
    QVERIFY2(output.contains("not on GH Archive (404): 2025-01-01-18"), output.constData());
    QHash<QByteArray, int> gets;
    for (const FakeGitHub::Request &request : m_server->requests()) {
        if (request.method == "GET")
            ++gets[request.target];
    }
    QVERIFY2(std::any_of(gets.cbegin(), gets.cend(), [](int count) { return count > 1; }),
             "the cut download was not fetched again");
    QMap<QString, qint64> expected; // by type, from the served lines themselves
    for (int hour = 0; hour < hoursServed; ++hour) {
        QFile file(m_bronze->archivePath(firstHour.addSecs(hour * 3600)));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_files[hour]);
        for (const QByteArray &line : std::as_const(m_lines[hour]))
            ++expected[QJsonDocument::fromJson(line).object().value("type"_L1).toString()];
    }
    const auto counted = [this] {
        QMap<QString, qint64> byType;
        for (const KeyCount &count :
             queries().eventCounts(hoursServed * 60, firstHour.addSecs(hoursServed * 3600 - 1)))
            byType.insert(count.key, count.count);
        return byType;
    };
    QCOMPARE(counted(), expected);

    const int downloads = archiveDownloads();
    const auto [again, secondOutput] = importArchive(range);
    QVERIFY2(again == 0, secondOutput.constData());
    QVERIFY2(secondOutput.contains("3 in bronze already"), secondOutput.constData());
    QCOMPARE(archiveDownloads(), downloads + 1); // the missing hour, asked again
    QCOMPARE(counted(), expected);
}

void TestArchive::anArchiveRangeIsReadAsTyped_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("first"); // empty: refused
    QTest::addColumn<int>("hours");
    QTest::newRow("days") << u"2024-01-01..2024-01-31"_s << u"2024-01-01T00"_s << 31 * 24;
    QTest::newRow("GH Archive's names")
        << u"2024-02-28-22..2024-03-01-1"_s << u"2024-02-28T22"_s << 2 + 24 + 2;
    QTest::newRow("one day") << u"2025-01-01"_s << u"2025-01-01T00"_s << 24;
    QTest::newRow("one hour, ISO") << u"2025-01-01T05:00:00Z"_s << u"2025-01-01T05"_s << 1;
    QTest::newRow("backwards") << u"2024-02-01..2024-01-01"_s << QString() << 0;
    QTest::newRow("hour 24") << u"2024-01-01-24"_s << QString() << 0;
    QTest::newRow("not a date") << u"yesterday..today"_s << QString() << 0;
    QTest::newRow("three ends") << u"2024-01-01..2024-01-02..2024-01-03"_s << QString() << 0;
    QTest::newRow("not ended yet") << u"2026-12-05..2026-12-05"_s << QString() << 0;
}

void TestArchive::anArchiveRangeIsReadAsTyped()
{
    QFETCH(QString, range);
    QFETCH(QString, first);
    QFETCH(int, hours);
    const QDateTime now(QDate(2026, 12, 5), QTime(17, 10), Qt::UTC);
    QString error;
    const std::optional<QList<QDateTime>> parsed = ArchiveImport::parseRange(range, now, &error);
    if (first.isEmpty()) {
        QVERIFY(!parsed);
        QVERIFY2(error.contains(range), qPrintable(error));
        return;
    }
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->size(), hours);
    QCOMPARE(parsed->first(), QDateTime::fromString(first + u":00:00Z"_s, Qt::ISODate));
    QCOMPARE(parsed->last(), parsed->first().addSecs((hours - 1) * 3600));
}

void TestArchive::aDownloadIsBounded_data()
{
    using Fault = FakeGitHub::ArchiveFault;
    QTest::addColumn<int>("fault");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<qint64>("freeFloor"); // 0: the default
    QTest::addColumn<QString>("reason");
    QTest::newRow("larger than its cap")
        << int(Fault::None) << qint64(1000) << qint64(0) << u"over the 0 MiB"_s;
    QTest::newRow("no room for its length")
        << int(Fault::None) << (qint64(1) << 40) << (qint64(1) << 60) << u"no room for"_s;
    QTest::newRow("an endless body")
        << int(Fault::Endless) << (qint64(8) << 20) << qint64(0) << u"runs past 8 MiB"_s;
    QTest::newRow("a byte a tick")
        << int(Fault::Trickle) << (qint64(1) << 30) << qint64(0) << u"took over"_s;
}

// However the server answers, a download stops at its cap, at the disk's floor or at its
// deadline, leaves no .part behind and stores nothing.
void TestArchive::aDownloadIsBounded()
{
    QFETCH(int, fault);
    QFETCH(qint64, maxBytes);
    QFETCH(qint64, freeFloor);
    QFETCH(QString, reason);
    m_server->queueArchiveFault(FakeGitHub::ArchiveFault(fault));
    ArchiveDownload::Limits limits;
    limits.maxBytes = maxBytes;
    if (freeFloor > 0)
        limits.minimumFreeBytes = freeFloor;
    limits.deadlineMs = 1500;
    QNetworkAccessManager network;
    ArchiveDownload download(&network, m_bronze.get(),
                             ArchiveFollower::hourUrl(m_server->url(), firstHour), firstHour,
                             limits);
    QSignalSpy finished(&download, &ArchiveDownload::finished);
    download.start();
    QVERIFY(finished.wait(20000));
    QVERIFY(finished.first()[0].toString().isEmpty());
    QVERIFY2(finished.first()[1].toString().contains(reason),
             qPrintable(finished.first()[1].toString()));
    QVERIFY(!QFile::exists(m_bronze->archivePath(firstHour) + u".part"_s));
    QVERIFY(!QFile::exists(m_bronze->archivePath(firstHour)));
}

// A year of small archive hours, one a day, of the stand-in's synthetic events: every
// answer on this back end equals SQLite's, from windows of an hour to the whole year.
void TestArchive::aYearOfArchiveHoursAnswersAsOnSqlite()
{
    QTemporaryDir files;
    QStringList paths;
    const QDateTime yearStart(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);
    qint64 index = 0;
    for (int day = 0; day < 366; ++day) {
        const QDateTime hour = yearStart.addDays(day);
        const int events = 20 + (day % 7) * 5;
        QByteArray lines;
        for (int k = 0; k < events; ++k)
            lines += SyntheticEvents::event(index++, hour.toSecsSinceEpoch() + k * 3600 / events, 7)
                + '\n';
        paths << files.filePath(hour.toString(u"yyyy-MM-dd-H"_s) + u".json.gz"_s);
        QFile file(paths.last());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(gzipped(lines));
    }
    QTemporaryDir sqliteDir;
    Pipeline sqlite {StoreLocation(sqliteDir.path())};
    QVERIFY(sqlite.open());
    for (Pipeline *pipeline : {m_pipeline.get(), &sqlite}) {
        QSignalSpy finished(pipeline, &Pipeline::finished);
        pipeline->importFiles(paths);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<IngestSummary>().inserted, index);
    }
    MetricsQueries reference {StoreLocation(sqliteDir.path())};
    MetricsQueries &tested = queries();
    QCOMPARE(tested.eventsStored(), index);
    QCOMPARE(tested.eventTotalsByType(), reference.eventTotalsByType());
    QCOMPARE(tested.storedSpan(), reference.storedSpan());
    const qint64 start = yearStart.toSecsSinceEpoch() - 12 * 3600;
    const QList<TimeWindow> windows {
        {start, start + 366 * 86400 - 1}, // the year
        {start + 31 * 86400, start + 60 * 86400 - 1}, // February
        {start + 100 * 86400 + 7, start + 130 * 86400 + 3}, // 30 days, cut seconds
        {start + 200 * 86400, start + 207 * 86400 - 1}, // 7 days
        {start + 300 * 86400 + 11 * 3600, start + 301 * 86400 + 11 * 3600}, // 24 hours
        {start + 45 * 86400 + 12 * 3600 + 90, start + 45 * 86400 + 13 * 3600 + 89}, // 1 hour
    };
    for (const TimeWindow &window : windows) {
        const QByteArray where
            = QByteArray::number(window.from) + ".." + QByteArray::number(window.to);
        QVERIFY2(tested.typeCounts(window) == reference.typeCounts(window), where);
        QVERIFY2(tested.activeRepositories(10, window) == reference.activeRepositories(10, window),
                 where);
        QCOMPARE(tested.isComplete(window), reference.isComplete(window));
        const QList<HourCoverage> coverage = tested.coverage(window);
        const QList<HourCoverage> expected = reference.coverage(window);
        QCOMPARE(coverage.size(), expected.size());
        for (qsizetype i = 0; i < coverage.size(); ++i) {
            QCOMPARE(coverage[i].events, expected[i].events);
            QCOMPARE(coverage[i].complete, expected[i].complete);
            QCOMPARE(coverage[i].incompleteReason, expected[i].incompleteReason);
        }
    }
    const TimeWindow hour = windows.last();
    QList<MinuteCount> minutes = tested.eventsPerMinute(hour);
    QList<MinuteCount> expectedMinutes = reference.eventsPerMinute(hour);
    QCOMPARE(minutes.size(), expectedMinutes.size());
    for (qsizetype i = 0; i < minutes.size(); ++i)
        QVERIFY(minutes[i].minute == expectedMinutes[i].minute
                && minutes[i].type == expectedMinutes[i].type
                && minutes[i].count == expectedMinutes[i].count);
}

QTEST_GUILESS_MAIN(TestArchive)
#include "tst_archive.moc"
