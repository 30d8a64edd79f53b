#include "collect/bronzestore.h"
#include "goldcounts.h"
#include "ingest/ingestor.h"
#include "query/metricsqueries.h"
#include "referencecounts.h"
#include "store/clickhouseclient.h"
#include "store/countblock.h"
#include "store/database.h"
#include "store/postgresrepoblocks.h"
#include "store/storefactory.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>
#include <map>
#include <set>

using namespace Qt::StringLiterals;

namespace {

struct Event
{
    qint64 createdAt;
    QString repository;
    QString type;
};

} // namespace

// Gold's count blocks: hours and days rolled up from minutes, windows summed from the
// coarsest blocks that fit, top-K selection; all against independent computations.
class TestRollups : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void topWithTiesMatchesFullSort();
    void rollUpEqualsSumOfBlocks();
    void windowsMatchTheEvents();
    void storedRollupsEqualTheirMinutes();
    void postgresBlocksAreMergedAndEqualTheirMinutes();
    void postgresBlocksComeBackFromSilver();
    void postgresReadersSeeBlocksMadeAgain();
    void postgresBlockReadsFailCleanly();
    void goldRebuiltFromSilverAnswersTheSame();
    void aWriterNoticesGoldRebuiltUnderIt();
    void clickHouseGoldComesBackFromSilver();

private:
    QString writeEvents(const QString &name, qint64 firstIndex, qint64 count,
                        const std::function<qint64(qint64)> &createdAt);
    void importAll();
    void compareWindows(int count, quint32 seed);

    static constexpr qint64 batchLines = 700;
    TestStorage m_dir;
    QList<Event> m_events; // in the order they are imported
    QStringList m_files;
    qint64 m_first = 0;
    qint64 m_last = 0;
};

QString TestRollups::writeEvents(const QString &name, qint64 firstIndex, qint64 count,
                                 const std::function<qint64(qint64)> &createdAt)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    for (qint64 i = firstIndex; i < firstIndex + count; ++i) {
        const QByteArray line = SyntheticEvents::event(i, createdAt(i), 11);
        file.write(line + '\n');
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        m_events.append(
            {createdAt(i), object["repo"_L1]["name"_L1].toString(), object["type"_L1].toString()});
    }
    return path;
}

void TestRollups::initTestCase()
{
    REQUIRE_STORAGE(m_dir);
    // Three days from 22:13:17, a little out of order, so that minutes, hours and days
    // all have stored blocks and windows cross every kind of edge.
    m_first = QDateTime(QDate(2024, 3, 1), QTime(22, 13, 17), Qt::UTC).toSecsSinceEpoch();
    const qint64 first = m_first;
    m_files << writeEvents(u"days.ndjson"_s, 0, 40000,
                           [first](qint64 i) { return first + i * 6 - (i % 5) * 17; });
    // Then history for the second day, imported afterwards: its hours and day are rolled
    // up again.
    const qint64 secondDay = m_first + 86400;
    m_files << writeEvents(u"history.ndjson"_s, 100000, 3000,
                           [secondDay](qint64 i) { return secondDay + (i - 100000) * 13; });
    for (const Event &event : std::as_const(m_events))
        m_last = std::max(m_last, event.createdAt);
    importAll();
}

void TestRollups::importAll()
{
    const std::unique_ptr<EventStore> store = StoreFactory::eventStore(m_dir.location());
    QString error;
    QVERIFY2(store->open(), qPrintable(store->lastError()));
    BronzeStore bronze(m_dir.path());
    Ingestor ingestor(store.get(), &bronze);
    ingestor.setBatchLines(batchLines); // many commits: rolling up happens between them
    for (const QString &file : std::as_const(m_files)) {
        const IngestSummary summary = ingestor.ingest(bronze.registerImport(file, &error));
        QVERIFY2(summary.ok, qPrintable(summary.error));
    }
    store->close();
}

void TestRollups::topWithTiesMatchesFullSort()
{
    QRandomGenerator random(7);
    for (int round = 0; round < 200; ++round) {
        KeyCounts counts;
        std::map<quint32, quint32> truth;
        const int keys = 1 + int(random.bounded(300));
        const int spread = 1 + int(random.bounded(6)); // small spreads: many ties
        for (int i = 0; i < keys * 3; ++i) {
            const auto key = quint32(random.bounded(keys * 4));
            const auto count = quint32(1 + random.bounded(spread));
            counts.add(key, count);
            truth[key] += count;
        }
        std::vector<std::pair<quint32, quint32>> sorted(truth.begin(), truth.end());
        std::sort(sorted.begin(), sorted.end(), [](auto a, auto b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        const size_t limit = 1 + random.bounded(20);
        std::vector<quint32> top = counts.topWithTies(limit);
        // Every key tied with the last that makes the cut is offered, and nothing below it.
        const quint32 cutoff = sorted[std::min(limit, sorted.size()) - 1].second;
        const auto atLeastCutoff = size_t(std::count_if(
            sorted.begin(), sorted.end(), [cutoff](auto entry) { return entry.second >= cutoff; }));
        QCOMPARE(top.size(), atLeastCutoff);
        std::sort(top.begin(), top.end(), [&truth](quint32 a, quint32 b) {
            return truth[a] != truth[b] ? truth[a] > truth[b] : a < b;
        });
        for (size_t i = 0; i < std::min(limit, sorted.size()); ++i) {
            QCOMPARE(top[i], sorted[i].first);
            QCOMPARE(counts.count(top[i]), sorted[i].second);
        }
        counts.clear();
        QVERIFY(counts.keys().empty());
        QCOMPARE(counts.count(sorted.front().first), 0u);
    }
}

void TestRollups::rollUpEqualsSumOfBlocks()
{
    QRandomGenerator random(9);
    QList<QByteArray> blocks;
    std::map<quint32, quint32> truth;
    for (int b = 0; b < 37; ++b) {
        std::vector<CountBlock::Entry> entries;
        for (int i = 0; i < int(random.bounded(400)); ++i) {
            const auto key = quint32(random.bounded(500));
            const auto count = quint32(1 + random.bounded(3));
            entries.push_back(CountBlock::Entry::of(key, count, int(random.bounded(60))));
            truth[key] += count;
        }
        blocks << CountBlock::encode(CountBlock::combined(entries));
    }
    const QByteArray rolled = CountBlock::rollUp(blocks);
    std::map<quint32, quint32> summed;
    for (qsizetype i = 0; i < CountBlock::size(rolled); ++i) {
        const CountBlock::Entry entry = CountBlock::at(rolled, i);
        QCOMPARE(entry.second(), 0);
        QVERIFY2(!summed.contains(entry.key), "a key appears twice in a rolled-up block");
        QVERIFY(i == 0 || CountBlock::at(rolled, i - 1).key < entry.key);
        summed[entry.key] = entry.count();
    }
    QVERIFY(summed == truth);

    // Seconds survive a merge of minute blocks, and filter a sum to the second.
    const QByteArray a = CountBlock::encode({CountBlock::Entry::of(5, 2, 10)});
    const QByteArray b
        = CountBlock::encode({CountBlock::Entry::of(5, 1, 10), CountBlock::Entry::of(5, 4, 59)});
    KeyCounts counts;
    counts.addBlock(CountBlock::merge(a, b), 11, 59);
    QCOMPARE(counts.count(5), 4u);
    counts.clear();
    counts.addBlock(CountBlock::merge(a, b), 0, 10);
    QCOMPARE(counts.count(5), 3u);
}

void TestRollups::compareWindows(int count, quint32 seed)
{
    MetricsQueries queries(m_dir.location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));
    QRandomGenerator random(seed);
    // A watched scope, which silver answers: an organization and a repository, in any case.
    const Scope watched = Scope::watched(u"watched"_s, {u"ORG3"_s, u"Org5/Project-5"_s});
    QList<Event> watchedEvents;
    for (const Event &event : std::as_const(m_events)) {
        if (event.repository.startsWith("org3/"_L1) || event.repository == "org5/project-5"_L1)
            watchedEvents.append(event);
    }
    const qint64 lengths[] = {1, 7, 59, 60, 61, 600, 1440, 1441, 2000, 4320, 9000};
    for (int i = 0; i < count; ++i) {
        const qint64 minutes
            = i % 3 ? lengths[i % std::size(lengths)] : qint64(1 + random.bounded(5000));
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(
            (m_first + qint64(random.bounded(int(m_last - m_first + 7200)))) * 1000
                + random.bounded(1000),
            Qt::UTC);
        const TimeWindow window = TimeWindow::endingAt(at, minutes);
        const QList<KeyCount> active = queries.activeRepositories(10, minutes, at);
        QCOMPARE(active, referenceCounts(m_events, window.from, window.to, &Event::repository, 10));
        QCOMPARE(queries.eventCounts(minutes, at),
                 referenceCounts(m_events, window.from, window.to, &Event::type));
        QCOMPARE(queries.activeRepositories(10, window, watched),
                 referenceCounts(watchedEvents, window.from, window.to, &Event::repository, 10));
        QCOMPARE(queries.typeCounts(window, watched),
                 referenceCounts(watchedEvents, window.from, window.to, &Event::type));
    }
}

void TestRollups::windowsMatchTheEvents()
{
    REQUIRE_STORAGE(m_dir);
    compareWindows(300, 21);
}

void TestRollups::storedRollupsEqualTheirMinutes()
{
    SKIP_ON_POSTGRES("the other back ends' gold is checked below");
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"check"_s, true, &error);
    for (const QString &dimension : {u"repo"_s, u"type"_s}) {
        const GoldCounts::RollupCheck check = GoldCounts::checkRollups(database, dimension);
        QVERIFY2(check.mismatches.isEmpty(), qPrintable(check.mismatches.join(u", "_s)));
        // Three days of batches leave most hours and at least two days rolled up.
        QVERIFY2(check.hours > 48, qPrintable(QString::number(check.hours)));
        QVERIFY2(check.days >= 2, qPrintable(QString::number(check.days)));
    }
    Database::close(database);
}

// PostgreSQL's count blocks of a store written before they kept seconds, or before types
// had blocks (both emptied here), are built from silver when it is next opened, exact to
// the second at every window's edges.
void TestRollups::postgresBlocksComeBackFromSilver()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: SQLite's blocks are checked above");
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"check"_s, false, &error);
    QVERIFY2(database.isOpen(), qPrintable(error));
    QSqlQuery query(database);
    QVERIFY(query.exec(u"TRUNCATE gold.repo_blocks, gold.type_blocks, gold.types"_s));
    QVERIFY(
        query.exec(u"DELETE FROM gold.meta WHERE key IN ('repo_blocks_seconds', 'type_blocks')"_s));
    const qint64 wholeStore = (m_last - m_first) / 60 + 2;
    const QDateTime end = QDateTime::fromSecsSinceEpoch(m_last + 1, Qt::UTC);
    const TimeWindow window = TimeWindow::endingAt(end, wholeStore);
    const QList<KeyCount> expected
        = referenceCounts(m_events, window.from, window.to, &Event::repository, 10);
    const QList<KeyCount> expectedTypes
        = referenceCounts(m_events, window.from, window.to, &Event::type);
    {
        MetricsQueries queries(m_dir.location());
        QVERIFY(queries.open(&error));
        QVERIFY(queries.activeRepositories(10, wholeStore, end) != expected);
        QVERIFY(queries.eventCounts(wholeStore, end).isEmpty());
    }
    {
        const std::unique_ptr<EventStore> store = StoreFactory::eventStore(m_dir.location());
        QVERIFY2(store->open(), qPrintable(store->lastError()));
    }
    for (const QString &table : {u"gold.repo_blocks"_s, u"gold.type_blocks"_s}) {
        QVERIFY(query.exec(u"SELECT COUNT(DISTINCT span) FROM %1"_s.arg(table)) && query.next());
        QCOMPARE(query.value(0).toInt(), 3);
    }
    query.finish();
    {
        MetricsQueries queries(m_dir.location());
        QVERIFY(queries.open(&error));
        QCOMPARE(queries.eventCounts(wholeStore, end), expectedTypes);
    }
    Database::close(database);
    compareWindows(100, 9);
}

// A reader process keeps the blocks it fetched, by id and writing transaction: blocks made
// again under the same ids (the table emptied, its ids renumbered) are fetched again.
void TestRollups::postgresReadersSeeBlocksMadeAgain()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: its readers keep the blocks they fetch");
    compareWindows(50, 31); // fills the process's cache
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"again"_s, false, &error);
    QVERIFY2(database.isOpen(), qPrintable(error));
    QSqlQuery query(database);
    QVERIFY(query.exec(u"SELECT MIN(id) FROM gold.repo_blocks"_s) && query.next());
    const qint64 lowestBefore = query.value(0).toLongLong();
    QVERIFY(query.exec(u"TRUNCATE gold.repo_blocks RESTART IDENTITY"_s));
    QVERIFY(query.exec(u"DELETE FROM gold.meta WHERE key = 'repo_blocks_seconds'"_s));
    {
        const std::unique_ptr<EventStore> store = StoreFactory::eventStore(m_dir.location());
        QVERIFY2(store->open(), qPrintable(store->lastError()));
    }
    // The ids from before, each on another block: the rebuild numbers them in the order of
    // the last one, so one more than where they started.
    QVERIFY(query.exec(u"UPDATE gold.repo_blocks SET id = id + %1"_s.arg(lowestBefore)));
    query.finish();
    Database::close(database);
    compareWindows(100, 32);
}

// Blocks are read row by row through libpq on Qt's connection: every row arrives, byte for
// byte as Qt reads them, and a statement the server refuses is reported as such and leaves
// the connection to the next statement.
void TestRollups::postgresBlockReadsFailCleanly()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: its readers fetch blocks through libpq");
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"fetch"_s, false, &error);
    QVERIFY2(database.isOpen(), qPrintable(error));
    std::map<qint64, QByteArray> expected;
    {
        QSqlQuery query(database);
        query.setForwardOnly(true);
        QVERIFY(query.exec(u"SELECT id, block FROM gold.repo_blocks"_s));
        while (query.next())
            expected[query.value(0).toLongLong()] = query.value(1).toByteArray();
    }
    QVERIFY(expected.size() > 100);
    QList<qint64> ids;
    for (const auto &[id, block] : expected)
        ids << id;
    const auto fetchAll = [&](QSqlError *failure) {
        return PostgresRepoBlocks::fetch(database, PostgresRepoBlocks::Dimension::Repositories, ids,
                                         failure);
    };
    QSqlError failure;
    std::optional<std::vector<PostgresRepoBlocks::StoredBlock>> fetched = fetchAll(&failure);
    QVERIFY2(fetched, qPrintable(failure.text()));
    std::map<qint64, QByteArray> got;
    for (const PostgresRepoBlocks::StoredBlock &block : *fetched)
        got[block.id] = block.block;
    QVERIFY(got == expected);

    QSqlQuery rename(database);
    QVERIFY(rename.exec(u"ALTER TABLE gold.repo_blocks RENAME TO repo_blocks_aside"_s));
    QVERIFY(!fetchAll(&failure));
    QCOMPARE(failure.type(), QSqlError::StatementError);
    QCOMPARE(failure.nativeErrorCode(), u"42P01"_s); // undefined_table
    QVERIFY(rename.exec(u"ALTER TABLE gold.repo_blocks_aside RENAME TO repo_blocks"_s));
    fetched = fetchAll(&failure);
    QVERIFY2(fetched && fetched->size() == expected.size(), qPrintable(failure.text()));
    rename.finish();
    Database::close(database);
}

// PostgreSQL's writers add blocks and merge a period's once it holds too many: a day or an
// hour that many batches touched is read in a few blocks, each hour and day still the sum
// of the minutes under it.
void TestRollups::postgresBlocksAreMergedAndEqualTheirMinutes()
{
    if (!TestStorage::onPostgres())
        QSKIP("PostgreSQL only: SQLite's blocks are checked above");
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"check"_s, true, &error);
    QVERIFY2(database.isOpen(), qPrintable(error));
    QSqlQuery query(database);
    QVERIFY(query.exec(u"SELECT span, period, block FROM gold.repo_blocks"_s));
    std::map<std::pair<int, qint64>, int> blocks; // (span, period) -> blocks
    std::map<std::tuple<int, qint64, quint32>, qint64> sums; // (span, period, id) -> events
    while (query.next()) {
        const int span = query.value(0).toInt();
        const qint64 period = query.value(1).toLongLong();
        ++blocks[{span, period}];
        const QByteArray block = query.value(2).toByteArray();
        for (qsizetype i = 0; i < CountBlock::size(block); ++i)
            sums[{span, period, CountBlock::at(block, i).key}] += CountBlock::at(block, i).count();
    }
    Database::close(database);
    int mostBlocks = 0;
    for (const auto &[period, count] : blocks)
        mostBlocks = std::max(mostBlocks, count);
    QVERIFY2(mostBlocks <= PostgresRepoBlocks::maxBlocksPerPeriod,
             qPrintable(QString::number(mostBlocks)));
    std::map<std::tuple<int, qint64, quint32>, qint64> fromMinutes;
    for (const auto &[key, events] : sums) {
        const auto [span, minute, id] = key;
        if (span != 60)
            continue;
        fromMinutes[{3600, CountBlock::floorDiv(minute, 60), id}] += events;
        fromMinutes[{86400, CountBlock::floorDiv(minute, 1440), id}] += events;
        fromMinutes[{60, minute, id}] += events;
    }
    QCOMPARE(sums, fromMinutes);
    // Unmerged, a day would hold a block for each batch that touched it: more than the bound.
    std::map<qint64, std::set<qsizetype>> batchesByDay;
    for (qsizetype i = 0; i < m_events.size(); ++i)
        batchesByDay[CountBlock::floorDiv(m_events[i].createdAt, 86400)].insert(i / batchLines);
    qsizetype mostBatches = 0;
    for (const auto &[day, batches] : batchesByDay)
        mostBatches = std::max(mostBatches, qsizetype(batches.size()));
    QVERIFY(mostBatches > PostgresRepoBlocks::maxBlocksPerPeriod);
}

void TestRollups::goldRebuiltFromSilverAnswersTheSame()
{
    SKIP_ON_POSTGRES("PostgreSQL keeps silver and gold in one database");
    QString error;
    QSqlDatabase database = Database::open(m_dir.location(), u"before"_s, true, &error);
    const QStringList before = GoldCounts::repositoryMinutes(database);
    Database::close(database);
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(Database::goldPath(m_dir.path()) + QLatin1StringView(suffix));
    {
        const std::unique_ptr<EventStore> store = StoreFactory::eventStore(m_dir.location());
        QVERIFY2(store->open(), qPrintable(store->lastError())); // recomputes gold from silver
    }
    database = Database::open(m_dir.location(), u"after"_s, true, &error);
    QCOMPARE(GoldCounts::repositoryMinutes(database), before);
    const GoldCounts::RollupCheck check = GoldCounts::checkRollups(database, u"repo"_s);
    QVERIFY(check.mismatches.isEmpty());
    QVERIFY(check.days >= 3); // a rebuild rolls everything up
    Database::close(database);
    compareWindows(100, 22);
}

// A ClickHouse store from before gold's rollups, or one whose build was cut short, has no
// marker: the next writer to open it fills the rollups from silver, each count once.
void TestRollups::clickHouseGoldComesBackFromSilver()
{
    if (!TestStorage::onClickHouse())
        QSKIP("ClickHouse only: the other back ends' gold is checked above");
    ClickHouseClient client(m_dir.location().databaseUrl);
    const auto sum = [&client](const QString &table) {
        const std::optional<ClickHouseClient::Rows> rows
            = client.select(u"SELECT sum(n) FROM "_s + table);
        return rows ? rows->value(0).value(0).toLongLong() : -1;
    };
    QCOMPARE(sum(u"repo_hours"_s), qint64(m_events.size()));
    QCOMPARE(sum(u"type_minutes"_s), qint64(m_events.size()));
    // Half built: one rollup's rows doubled and the marker gone.
    QVERIFY(client.executeOnEveryShard(
        u"INSERT INTO %1 SELECT * FROM %1"_s.arg(client.shardTable(u"repo_hours"_s))));
    QVERIFY(client.execute(u"TRUNCATE TABLE rollups"_s));
    QCOMPARE(sum(u"repo_hours"_s), 2 * qint64(m_events.size()));
    {
        const std::unique_ptr<EventStore> store = StoreFactory::eventStore(m_dir.location());
        QVERIFY2(store->open(), qPrintable(store->lastError()));
    }
    QCOMPARE(sum(u"repo_hours"_s), qint64(m_events.size()));
    QCOMPARE(sum(u"type_minutes"_s), qint64(m_events.size()));
    compareWindows(100, 23);
}

// A writer remembers the gold ids of the repositories it has seen. Another process that
// recomputes gold from silver gives them new ids: the writer must not trust its own.
void TestRollups::aWriterNoticesGoldRebuiltUnderIt()
{
    SKIP_ON_POSTGRES("the writer's known ids are SQLite's");
    TestStorage dir;
    QVERIFY(dir.isValid());
    const auto write = [&dir](const QString &name, qint64 first) {
        const QString path = dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        for (qint64 i = first; i < first + 2000; ++i)
            file.write(SyntheticEvents::event(i, 1700000000 + i, 5) + '\n');
        return path;
    };
    const std::unique_ptr<EventStore> writer = StoreFactory::eventStore(dir.location());
    QString error;
    QVERIFY2(writer->open(), qPrintable(writer->lastError()));
    BronzeStore bronze(dir.path());
    Ingestor ingestor(writer.get(), &bronze);
    ingestor.setBatchLines(300); // ids in the order repositories are first seen
    QVERIFY(ingestor.ingest(bronze.registerImport(write(u"one.ndjson"_s, 0), &error)).ok);
    {
        // Gold one batch behind: the next store to open recomputes it, ids in key order.
        QSqlDatabase database = Database::open(dir.location(), u"behind"_s, false, &error);
        QSqlQuery behind(u"UPDATE gold.meta SET value = value - 1 WHERE key = 'batch'"_s, database);
        behind.finish();
        Database::close(database);
        const std::unique_ptr<EventStore> other = StoreFactory::eventStore(dir.location());
        QVERIFY2(other->open(), qPrintable(other->lastError()));
    }
    QVERIFY(ingestor.ingest(bronze.registerImport(write(u"two.ndjson"_s, 2000), &error)).ok);
    writer->close();

    QSqlDatabase database = Database::open(dir.location(), u"check"_s, true, &error);
    QSqlQuery silver(u"SELECT lower(repo_name), COUNT(*) FROM events GROUP BY 1 ORDER BY 1"_s,
                     database);
    QSqlQuery gold(u"SELECT repo_key, events FROM gold.repos ORDER BY 1"_s, database);
    int repositories = 0;
    while (silver.next()) {
        QVERIFY(gold.next());
        QCOMPARE(gold.value(0).toString(), silver.value(0).toString());
        QCOMPARE(gold.value(1).toLongLong(), silver.value(1).toLongLong());
        ++repositories;
    }
    QVERIFY(!gold.next());
    QVERIFY(repositories > 100);
    silver.finish();
    gold.finish();
    QSqlQuery minutes(u"SELECT created_at / 60, lower(repo_name), COUNT(*) FROM events "
                      "GROUP BY 1, 2 ORDER BY 1, 2"_s,
                      database);
    QStringList expected;
    while (minutes.next())
        expected << u"%1|%2|%3"_s.arg(minutes.value(0).toString(), minutes.value(1).toString(),
                                      minutes.value(2).toString());
    minutes.finish();
    QCOMPARE(GoldCounts::repositoryMinutes(database), expected);
    Database::close(database);
}

QTEST_GUILESS_MAIN(TestRollups)
#include "tst_rollups.moc"
