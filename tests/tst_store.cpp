#include "collect/bronzestore.h"
#include "event/parsedpage.h"
#include "fixtureevents.h"
#include "goldcounts.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "store/clickhouseclient.h"
#include "store/database.h"
#include "store/repoindexwriter.h"
#include "store/storefactory.h"
#include "store/walcheckpointer.h"
#include "teststorage.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace Qt::StringLiterals;

namespace {

// Reads whole tables through a connection of the test's own: SQL, or ClickHouse's HTTP.
class Inspector
{
public:
    explicit Inspector(const StoreLocation &location)
    {
        if (location.isClickHouse()) {
            m_clickHouse = std::make_unique<ClickHouseClient>(location.databaseUrl);
            return;
        }
        QString error;
        m_database = Database::open(location, u"test"_s, true, &error);
    }
    ~Inspector() { Database::close(m_database); }

    qint64 scalar(const QString &sql)
    {
        if (m_clickHouse) {
            const auto rows = m_clickHouse->select(sql);
            return rows && !rows->isEmpty() ? rows->first().value(0).toLongLong() : -1;
        }
        QSqlQuery query(m_database);
        query.exec(sql);
        return query.next() ? query.value(0).toLongLong() : -1;
    }

    QStringList rows(const QString &sql)
    {
        if (m_clickHouse) {
            QStringList rows;
            for (const ClickHouseClient::Row &row :
                 m_clickHouse->select(sql).value_or(ClickHouseClient::Rows()))
                rows << QString::fromUtf8(row.join('|'));
            return rows;
        }
        QSqlQuery query(m_database);
        query.exec(sql);
        QStringList rows;
        while (query.next()) {
            QStringList fields;
            for (int i = 0; i < query.record().count(); ++i)
                fields << query.value(i).toString();
            rows << fields.join(u'|');
        }
        return rows;
    }

    QStringList repositoryMinutes() { return GoldCounts::repositoryMinutes(m_database); }

    QStringList everything()
    {
        if (m_clickHouse) {
            // Source ids are their keys' hashes: the same after a rebuild.
            QStringList all = rows(u"SELECT * FROM events ORDER BY id"_s);
            all << rows(u"SELECT * FROM quarantine ORDER BY source_id, line"_s);
            return all;
        }
        // Lineage by path: source ids depend on the order sources were first seen.
        QStringList all
            = rows(u"SELECT e.id, type, action, actor_id, actor_login, repo_id, repo_name, "
                   "org_login, created_at, public, pr_number, s.path FROM events e "
                   "JOIN sources s ON s.id = e.source_id ORDER BY e.id"_s);
        all << rows(u"SELECT s.path, line, reason, raw FROM quarantine q "
                    "JOIN sources s ON s.id = q.source_id ORDER BY 1, 2"_s);
        all << rows(u"SELECT * FROM gold.type_minute ORDER BY 1, 2"_s);
        // Repositories by name: gold ids depend on ingestion order too.
        all << rows(
            u"SELECT repo_key, repo_name, events, last_event_at FROM gold.repos ORDER BY 1"_s);
        all << GoldCounts::repositoryMinutes(m_database);
        all << rows(u"SELECT repo_key, created_at, event_id FROM gold.pr_opened "
                    "JOIN gold.repos USING (repo_id) ORDER BY 1, 2, 3"_s);
        return all;
    }

private:
    QSqlDatabase m_database;
    std::unique_ptr<ClickHouseClient> m_clickHouse;
};

IngestSummary import(Pipeline &pipeline, const QStringList &paths)
{
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles(paths);
    return finished.size() == 1 ? finished.first().first().value<IngestSummary>()
                                : IngestSummary {false, false, u"no result"_s};
}

QString writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(content);
    return path;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void silverRowsMatchTheSourceExactly();
    void samePagesTwiceAndOverlappingPages();
    void sameArchiveTwice();
    void quarantinesInvalidEvents();
    void awkwardTextIsStoredExactly();
    void goldTotalsEqualSilver();
    void rebuildReproducesSilverAndGold();
    void goldBehindSilverIsRepairedOnOpen();
    void repositoryIndexIsBuiltAgainWhenMissingOrBehind();
    void anIndexEntryWithoutItsEventCountsNothing();
    void aBatchFailingInGoldLeavesTheIndexInStep();
    void cancelledImportResumes();
    void commitsAreCheckpointedWhileTheStoreIsOpen();
    void importStopsAtAFileItCannotCopy();
    void livePagesAreIngestedAndSignalled();
    void collectorParsedPagesStoreWhatTheirFilesHold();
    void everyInvalidElementOfAPageIsQuarantined();
    void importsAreBronzesOwnCopiesKnownByContent();
    void overlongLineIsQuarantinedNotFatal();
    void gzipImportResumesWhereItWasCancelled();
    void cutGzipIsAnErrorThatKeepsWhatWasRead();
    void hugeJsonArrayIsRefusedInBoundedMemory();
};

void TestStore::silverRowsMatchTheSourceExactly()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    QVERIFY(FixtureEvents::importAll(dir.location()));
    const QHash<qint64, FixtureEvent> expected = FixtureEvents::load();

    Inspector inspector(dir.location());
    const QStringList rows = inspector.rows(
        u"SELECT id, type, coalesce(action, ''), repo_name, coalesce(actor_login, ''), "
        "coalesce(org_login, ''), created_at, repo_id, actor_id, public FROM events"_s);
    QCOMPARE(rows.size(), expected.size());
    for (const QString &row : rows) {
        const QStringList f = row.split(u'|');
        const FixtureEvent &event = expected[f[0].toLongLong()];
        QCOMPARE(f[1], event.type);
        QCOMPARE(f[2], event.action);
        QCOMPARE(f[3], event.repo);
        QCOMPARE(f[4], event.actor);
        QCOMPARE(f[5], event.org);
        QCOMPARE(f[6].toLongLong(), event.createdAt);
        QCOMPARE(f[7].toLongLong(), event.json["repo"_L1].toObject()["id"_L1].toInteger());
        QCOMPARE(f[8].toLongLong(), event.json["actor"_L1].toObject()["id"_L1].toInteger());
        QCOMPARE(f[9] == "1"_L1, event.json["public"_L1].toBool());
    }
    // Lineage: every event names the bronze file it came from.
    QCOMPARE(inspector.scalar(
                 TestStorage::onClickHouse()
                     ? u"SELECT count() FROM events WHERE source_id GLOBAL IN "
                       "(SELECT id FROM sources WHERE key LIKE 'bronze/imports/%')"_s
                     : u"SELECT COUNT(*) FROM events e JOIN sources s ON s.id = e.source_id "
                       "WHERE s.path LIKE 'bronze/imports/%'"_s),
             qint64(expected.size()));
}

void TestStore::samePagesTwiceAndOverlappingPages()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    QTemporaryDir copies;
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const QStringList pages = FixtureEvents::paths({u"octokit.rb_2016-09-29_events_page1.json"_s,
                                                    u"octokit.rb_2016-09-29_events_page2.json"_s,
                                                    u"octokit.rb_2016-09-29_events_page3.json"_s});
    IngestSummary first = import(pipeline, pages);
    QCOMPARE(first.inserted, 261);
    QCOMPARE(first.duplicates, 39);
    // The same bytes again under other names: new bronze sources, no new events.
    QStringList again;
    for (const QString &page : pages)
        again << writeFile(copies.filePath(u"again-"_s + QFileInfo(page).fileName()),
                           TestData::readFixture(QFileInfo(page).fileName()));
    const IngestSummary second = import(pipeline, again);
    QVERIFY(second.ok);
    QCOMPARE(second.inserted, 0);
    QCOMPARE(second.duplicates, 300);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.scalar(u"SELECT COUNT(*) FROM events"_s), 261);
    if (!TestStorage::onClickHouse()) // whose gold is silver, aggregated when read
        QCOMPARE(inspector.scalar(u"SELECT SUM(events) FROM gold.type_minute"_s), 261);
}

void TestStore::sameArchiveTwice()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const QStringList archive
        = FixtureEvents::paths({u"gharchive_2025-01-01-15_first2048.ndjson.gz"_s});
    QCOMPARE(import(pipeline, archive).inserted, 2048);
    const IngestSummary again = import(pipeline, archive);
    QVERIFY(again.ok);
    QCOMPARE(again.inserted, 0);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.scalar(u"SELECT COUNT(*) FROM events"_s), 2048);
    QCOMPARE(MetricsQueries(dir.location()).eventsStored(), 2048);
}

void TestStore::quarantinesInvalidEvents()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QByteArray valid
        = R"({"id":"11","type":"PushEvent","repo":{"id":1,"name":"a/b"},"created_at":"2024-05-01T10:00:00Z"})";
    const QByteArray lines[] = {
        valid,
        R"({"type":"PushEvent","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:00Z"})",
        R"({"id":"12","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:00Z"})",
        R"({"id":"13","type":"PushEvent","repo":{"name":"a/b"},"created_at":"yesterday"})",
        R"({"id":{"x":1},"type":"PushEvent","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:00Z"})",
        R"({"id":"14","type":"PushEvent","repo":"a/b","created_at":"2024-05-01T10:00:00Z"})",
        R"({"id":"15","type":"PushEvent","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:00Z","payload":{"number":"seven"}})",
        R"({"id":"16","type":"PushEvent","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:00Z","org":null,"payload":{}})",
        "this is not json",
        R"({"id":"17","type":"PushEvent","repo":{"name":"a/b"},"created_at":"2024-05-01T10:00:0)",
    };
    const QString file = writeFile(dir.filePath(u"mixed.ndjson"_s),
                                   QByteArrayList(std::begin(lines), std::end(lines)).join('\n'));
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const IngestSummary summary = import(pipeline, {file});
    QVERIFY2(summary.ok, qPrintable(summary.error));
    QCOMPARE(summary.inserted, 2);
    QCOMPARE(summary.quarantined, 8);
    Inspector inspector(dir.location());
    const QStringList reasons
        = inspector.rows(u"SELECT line, reason FROM quarantine ORDER BY line"_s);
    QCOMPARE(reasons.size(), 8);
    QVERIFY(reasons[0].startsWith("2|missing or invalid id"_L1));
    QVERIFY(reasons[1].startsWith("3|missing or invalid type"_L1));
    QVERIFY(reasons[2].startsWith("4|invalid created_at"_L1));
    QVERIFY(reasons[5].startsWith("7|invalid payload.number"_L1));
    QCOMPARE(inspector.scalar(u"SELECT COUNT(*) FROM quarantine WHERE raw IS NULL OR raw = ''"_s),
             0);
}

void TestStore::awkwardTextIsStoredExactly()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    // Tabs, newlines, backslashes and quotes are what COPY's text format must escape. A
    // repository name cannot hold them (it follows GitHub's syntax), a login can.
    const QString actor = u"tab\there, line\nbreak, back\\slash, \"quote\" 'single' é ✓"_s;
    QJsonObject event {{u"id"_s, u"42"_s},
                       {u"type"_s, u"WatchEvent"_s},
                       {u"created_at"_s, u"2024-05-01T10:00:00Z"_s},
                       {u"repo"_s, QJsonObject {{u"id"_s, 7}, {u"name"_s, u"Odd-Owner/na.me_"_s}}},
                       {u"actor"_s, QJsonObject {{u"id"_s, 9}, {u"login"_s, actor}}}};
    const QString file = writeFile(dir.filePath(u"odd.ndjson"_s),
                                   QJsonDocument(event).toJson(QJsonDocument::Compact));
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    QCOMPARE(import(pipeline, {file}).inserted, 1);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.rows(u"SELECT actor_login FROM events"_s), QStringList {actor});
    QCOMPARE(MetricsQueries(dir.location()).repositoryNames(u"odd"_s, 10),
             QStringList {u"Odd-Owner/na.me_"_s});
}

void TestStore::goldTotalsEqualSilver()
{
    SKIP_WITHOUT_FIXTURES();
    SKIP_ON_CLICKHOUSE("its gold is silver, aggregated when read");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    QVERIFY(FixtureEvents::importAll(dir.location()));
    Inspector inspector(dir.location());
    QCOMPARE(
        inspector.rows(
            u"SELECT created_at / 60, type, COUNT(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"_s),
        inspector.rows(u"SELECT * FROM gold.type_minute ORDER BY 1, 2"_s));
    QCOMPARE(
        inspector.rows(
            u"SELECT created_at / 60, lower(repo_name), COUNT(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"_s),
        inspector.repositoryMinutes());
    QCOMPARE(
        inspector.rows(
            u"SELECT lower(repo_name), created_at, id FROM events WHERE type = 'PullRequestEvent' "
            "AND action = 'opened' ORDER BY 1, 2, 3"_s),
        inspector.rows(u"SELECT repo_key, created_at, event_id FROM gold.pr_opened "
                       "JOIN gold.repos USING (repo_id) ORDER BY 1, 2, 3"_s));
    QCOMPARE(
        inspector.rows(
            u"SELECT lower(repo_name), COUNT(*), MAX(created_at) FROM events GROUP BY 1 ORDER BY 1"_s),
        inspector.rows(u"SELECT repo_key, events, last_event_at FROM gold.repos ORDER BY 1"_s));
}

void TestStore::rebuildReproducesSilverAndGold()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    QVERIFY(import(pipeline, FixtureEvents::paths()).ok);
    const QStringList before = Inspector(dir.location()).everything();
    QVERIFY(before.size() > 3000);

    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.rebuild();
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.first().first().value<IngestSummary>().ok);
    QCOMPARE(Inspector(dir.location()).everything(), before);
}

void TestStore::goldBehindSilverIsRepairedOnOpen()
{
    SKIP_WITHOUT_FIXTURES();
    SKIP_ON_POSTGRES("only SQLite keeps silver and gold in two files, committed apart");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    QStringList before;
    {
        Pipeline pipeline(dir.location());
        QVERIFY(pipeline.open());
        QVERIFY(import(pipeline, FixtureEvents::paths()).ok);
        before = Inspector(dir.location()).everything();
    }
    {
        // As if the process died after silver's commit but before gold's.
        QString error;
        QSqlDatabase database = Database::open(dir.location(), u"damage"_s, false, &error);
        QSqlQuery query(database);
        QVERIFY(query.exec(u"DELETE FROM gold.type_minute WHERE minute % 2 = 0"_s));
        QVERIFY(query.exec(u"UPDATE gold.meta SET value = value - 1 WHERE key = 'batch'"_s));
        query.finish();
        Database::close(database);
    }
    Pipeline reopened(dir.location());
    QVERIFY(reopened.open());
    QCOMPARE(Inspector(dir.location()).everything(), before);
}

namespace {

// The watched scope of silver's three busiest repositories and one more owner, with its
// event count straight from silver by name, not through the repository index.
struct BusiestScope
{
    explicit BusiestScope(const StoreLocation &location)
    {
        Inspector silver(location);
        const QStringList busiest = silver.rows(
            u"SELECT lower(repo_name) FROM events GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 4"_s);
        const QString owner = busiest.value(3).section(u'/', 0, 0);
        scope = Scope::watched(u"busiest"_s, busiest.first(3) << owner);
        expected = silver.scalar(uR"(SELECT COUNT(*) FROM events WHERE lower(repo_name)
                                     IN ('%1', '%2', '%3') OR lower(repo_name) LIKE '%4/%')"_s.arg(
            busiest[0], busiest[1], busiest[2], owner));
    }

    // The scope's count through the repository index, as the window and the API read it.
    static qint64 counted(const StoreLocation &location, const Scope &scope)
    {
        MetricsQueries queries(location);
        QString error;
        if (!queries.open(&error))
            return -1;
        qint64 total = 0;
        const TimeWindow everything {0, QDateTime::currentSecsSinceEpoch()};
        for (const KeyCount &type : queries.typeCounts(everything, scope))
            total += type.count;
        return total;
    }

    Scope scope;
    qint64 expected = 0;
};

QStringList repoIndexFiles(const QString &dataDir)
{
    const QString base = RepoIndexWriter::path(dataDir);
    return {base, base + u"-wal"_s, base + u"-shm"_s};
}

} // namespace

// The repository index lives in a file of its own, committed before silver. A store made
// before it had one, and an index that lost its last commits (a power cut), are built again
// from silver when the store next opens.
void TestStore::repositoryIndexIsBuiltAgainWhenMissingOrBehind()
{
    SKIP_WITHOUT_FIXTURES();
    SKIP_ON_POSTGRES("only SQLite keeps the repository index in a file of its own");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QStringList files = FixtureEvents::paths();
    QVERIFY(files.size() >= 2);
    const QString saved = dir.path() + u"/saved-index"_s;
    {
        Pipeline pipeline(dir.location());
        QVERIFY(pipeline.open());
        QVERIFY(import(pipeline, files.first(1)).ok);
    }
    QVERIFY(QFile::copy(RepoIndexWriter::path(dir.path()), saved));
    {
        Pipeline pipeline(dir.location());
        QVERIFY(pipeline.open());
        QVERIFY(import(pipeline, files.mid(1)).ok);
    }
    const BusiestScope busiest(dir.location());
    QVERIFY(busiest.expected > 0);
    QCOMPARE(BusiestScope::counted(dir.location(), busiest.scope), busiest.expected);

    // Behind: the index as it was after the first file.
    for (const QString &file : repoIndexFiles(dir.path()))
        QFile::remove(file);
    QVERIFY(QFile::copy(saved, RepoIndexWriter::path(dir.path())));
    QVERIFY(BusiestScope::counted(dir.location(), busiest.scope) < busiest.expected);
    {
        Pipeline reopened(dir.location());
        QVERIFY(reopened.open());
    }
    QCOMPARE(BusiestScope::counted(dir.location(), busiest.scope), busiest.expected);

    // Missing: a store from before the index had a file.
    for (const QString &file : repoIndexFiles(dir.path()))
        QFile::remove(file);
    {
        Pipeline reopened(dir.location());
        QVERIFY(reopened.open());
    }
    QCOMPARE(BusiestScope::counted(dir.location(), busiest.scope), busiest.expected);
}

// An entry whose batch failed after the index committed points at an event that is not in
// silver, or at one another source stored under the same id: the scope counts neither.
void TestStore::anIndexEntryWithoutItsEventCountsNothing()
{
    SKIP_WITHOUT_FIXTURES();
    SKIP_ON_POSTGRES("only SQLite keeps the repository index in a file of its own");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    {
        Pipeline pipeline(dir.location());
        QVERIFY(pipeline.open());
        QVERIFY(import(pipeline, FixtureEvents::paths().first(1)).ok);
    }
    const BusiestScope busiest(dir.location());
    QCOMPARE(BusiestScope::counted(dir.location(), busiest.scope), busiest.expected);
    const QString watched = busiest.scope.repositories.first().toLower();
    Inspector silver(dir.location());
    const qint64 other = silver.scalar(
        u"SELECT MIN(id) FROM events WHERE lower(repo_name) <> '%1'"_s.arg(watched));
    const qint64 at = silver.scalar(u"SELECT MIN(created_at) FROM events"_s);
    {
        QString error;
        QSqlDatabase index = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"index"_s);
        index.setDatabaseName(RepoIndexWriter::path(dir.path()));
        QVERIFY(index.open());
        QSqlQuery query(index);
        for (const qint64 id : {other, silver.scalar(u"SELECT MAX(id) + 1 FROM events"_s)}) {
            QVERIFY(
                query.exec(u"INSERT INTO events_by_repo VALUES(%1, '%2', %3, %4)"_s.arg(at / 3600)
                               .arg(watched)
                               .arg(at)
                               .arg(id)));
        }
        query.finish();
        index.close();
    }
    QSqlDatabase::removeDatabase(u"index"_s);
    QCOMPARE(BusiestScope::counted(dir.location(), busiest.scope), busiest.expected);
}

// The writer hands a batch's index entries over to commit while it writes gold. A batch
// that fails in gold must still read the index's answer, or the next batch would record
// that answer as its own, one commit behind the index.
void TestStore::aBatchFailingInGoldLeavesTheIndexInStep()
{
    SKIP_WITHOUT_FIXTURES();
    SKIP_ON_POSTGRES("only SQLite keeps the repository index in a file of its own");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QStringList files = FixtureEvents::paths();
    QVERIFY(files.size() >= 2);
    const auto execute = [&dir](const QString &sql) {
        QString error;
        QSqlDatabase database = Database::open(dir.location(), u"inject"_s, false, &error);
        QSqlQuery query(database);
        const bool done = query.exec(sql);
        query.finish();
        Database::close(database);
        return done;
    };
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    QVERIFY(import(pipeline, files.first(1)).ok);
    QVERIFY(execute(uR"(CREATE TRIGGER gold.refuse BEFORE INSERT ON repos
                        BEGIN SELECT RAISE(ABORT, 'refused'); END)"_s));
    QVERIFY(!import(pipeline, files.mid(1)).ok);
    QVERIFY(execute(u"DROP TRIGGER gold.refuse"_s));
    QVERIFY(import(pipeline, files.mid(1)).ok);

    const qint64 indexed
        = Inspector(dir.location()).scalar(u"SELECT value FROM meta WHERE key = 'indexed'"_s);
    qint64 sequence = -1;
    {
        QSqlDatabase index = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"index"_s);
        index.setDatabaseName(RepoIndexWriter::path(dir.path()));
        QVERIFY(index.open());
        QSqlQuery query(index);
        QVERIFY(query.exec(u"SELECT value FROM meta WHERE key = 'sequence'"_s) && query.next());
        sequence = query.value(0).toLongLong();
        query.finish();
        index.close();
    }
    QSqlDatabase::removeDatabase(u"index"_s);
    QCOMPARE(indexed, sequence);
}

void TestStore::cancelledImportResumes()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QStringList archive
        = FixtureEvents::paths({u"gharchive_2015-01-01-15_first1024.ndjson"_s});
    const std::unique_ptr<EventStore> store = StoreFactory::eventStore(dir.location());
    QString error;
    QVERIFY2(store->open(), qPrintable(store->lastError()));
    BronzeStore bronze(dir.path());
    const QString registered = bronze.registerImport(archive.first(), &error);
    std::atomic_bool cancel = false;
    Ingestor ingestor(store.get(), &bronze);
    ingestor.setBatchLines(100);
    ingestor.setCancelFlag(&cancel);
    ingestor.setBatchCallback([&](const BatchResult &) { cancel = true; });
    const IngestSummary partial = ingestor.ingest(registered);
    QVERIFY(partial.cancelled);
    // The batch being committed when the cancel came finishes too: PostgreSQL writes one
    // batch while the next is parsed.
    QVERIFY(partial.inserted == 100 || (TestStorage::onPostgres() && partial.inserted == 200));

    cancel = false;
    ingestor.setBatchCallback({});
    const IngestSummary rest = ingestor.ingest(registered);
    QVERIFY(rest.ok && !rest.cancelled);
    QCOMPARE(rest.inserted, 1024 - partial.inserted);
    QCOMPARE(rest.duplicates, 0);
    store->close();
    QCOMPARE(Inspector(dir.location()).scalar(u"SELECT COUNT(*) FROM events"_s), 1024);
}

// SQLite's commits reach silver's file while the writer stays open and its WAL is far below
// the writer's own limit: the checkpoints run on a thread of their own, woken by commits.
void TestStore::commitsAreCheckpointedWhileTheStoreIsOpen()
{
    SKIP_WITHOUT_FIXTURES();
    if (TestStorage::onPostgres() || TestStorage::onClickHouse())
        QSKIP("SQLite only: the others have no WAL of ours to checkpoint");
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const std::unique_ptr<EventStore> store = StoreFactory::eventStore(dir.location());
    QVERIFY2(store->open(), qPrintable(store->lastError()));
    const QString silver = Database::silverPath(dir.path());
    const qint64 before = QFileInfo(silver).size();
    BronzeStore bronze(dir.path());
    QString error;
    Ingestor ingestor(store.get(), &bronze);
    ingestor.setBatchLines(100);
    const IngestSummary summary = ingestor.ingest(bronze.registerImport(
        FixtureEvents::paths({u"gharchive_2015-01-01-15_first1024.ndjson"_s}).first(), &error));
    QVERIFY2(summary.ok, qPrintable(summary.error));
    QVERIFY(QFileInfo(silver + u"-wal"_s).size() < WalCheckpointer::writerLimitPages * 4096 / 8);
    // 1,024 events are hundreds of kilobytes of rows and index.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(silver).size() > before + 100 * 1024, 5000);
    store->close();
}

// Each file is copied into bronze while the one before it is ingested: a file that cannot
// be copied stops the import there, with what came before it kept and said.
void TestStore::importStopsAtAFileItCannotCopy()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const auto eventLine = [](int id) {
        return u"{\"id\":\"%1\",\"type\":\"WatchEvent\",\"created_at\":\"2024-05-01T10:00:0%2Z\","
               "\"repo\":{\"id\":7,\"name\":\"a/b\"}}\n"_s.arg(id)
                   .arg(id % 10)
                   .toUtf8();
    };
    const QString first = writeFile(dir.filePath(u"first.ndjson"_s), eventLine(1) + eventLine(2));
    const QString missing = dir.filePath(u"missing.ndjson"_s);
    const QString third = writeFile(dir.filePath(u"third.ndjson"_s), eventLine(3));
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const IngestSummary summary = import(pipeline, {first, missing, third});
    QVERIFY(!summary.ok);
    QVERIFY2(summary.error.contains(missing), qPrintable(summary.error));
    QCOMPARE(summary.inserted, 2);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.rows(u"SELECT id FROM events ORDER BY id"_s),
             (QStringList {u"1"_s, u"2"_s}));
}

void TestStore::livePagesAreIngestedAndSignalled()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    BronzeStore bronze(dir.path());
    PageLineage lineage;
    lineage.fetchedAt = QDateTime(QDate(2016, 9, 29), QTime(10, 0, 30), Qt::UTC);
    QString error;
    const QString stored
        = bronze.storePage(TestData::readFixture(u"octokit.rb_2016-09-29_events_page1.json"_s),
                           lineage, u"events"_s, &error);
    QVERIFY(!stored.isEmpty());

    Pipeline pipeline(dir.location());
    QSignalSpy changed(&pipeline, &Pipeline::goldChanged);
    QVERIFY(pipeline.open());
    pipeline.catchUp(); // the page already in bronze
    QCOMPARE(changed.size(), 1);
    const auto expected = FixtureEvents::load({u"octokit.rb_2016-09-29_events_page1.json"_s});
    qint64 first = LLONG_MAX, last = 0;
    for (const FixtureEvent &event : expected) {
        first = std::min(first, event.createdAt);
        last = std::max(last, event.createdAt);
    }
    QCOMPARE(changed.first().at(0).toLongLong(), first);
    QCOMPARE(changed.first().at(1).toLongLong(), last);

    pipeline.ingestPage(stored); // again: nothing new, no signal
    QCOMPARE(changed.size(), 1);
    QCOMPARE(Inspector(dir.location()).scalar(u"SELECT COUNT(*) FROM events"_s), 100);
}

// Live pages reach silver from the collector's own parse; bronze's bytes must say the
// same: a rebuild, which parses the files, gives identical silver, quarantine and gold.
void TestStore::collectorParsedPagesStoreWhatTheirFilesHold()
{
    SKIP_WITHOUT_FIXTURES();
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    BronzeStore bronze(dir.path());
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    EventParser parser;
    QSet<qint64> ids;
    for (int number = 1; number <= 3; ++number) {
        QByteArray body
            = TestData::readFixture(u"octokit.rb_2016-09-29_events_page%1.json"_s.arg(number));
        // One element that is not an event, to be quarantined on either path.
        body.insert(body.lastIndexOf(']'), QByteArray(R"(,{"id":"12","type":"PushEvent"})"));
        PageLineage lineage;
        lineage.page = number;
        lineage.fetchedAt = QDateTime(QDate(2016, 9, 29), QTime(10, number, 0), Qt::UTC);
        QString error;
        const QString stored = bronze.storePage(body, lineage, u"events"_s, &error);
        QVERIFY2(!stored.isEmpty(), qPrintable(error));
        auto page = std::make_shared<ParsedPage>(body.size());
        QByteArray padded = body;
        padded.reserve(body.size() + EventParser::padding);
        QByteArray parseError;
        QVERIFY(parser.parsePage(padded.constData(), padded.size(), *page, &parseError));
        for (const qint64 id : page->ids())
            ids.insert(id);
        pipeline.ingestPage(stored, page);
    }
    Inspector inspector(dir.location());
    QCOMPARE(inspector.scalar(u"SELECT COUNT(*) FROM events"_s), qint64(ids.size()));
    QCOMPARE(inspector.scalar(u"SELECT COUNT(*) FROM quarantine"_s), 3);
    const QStringList live = inspector.everything();

    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.rebuild();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(Inspector(dir.location()).everything(), live);
}

// A page's elements are numbered: each bad one has its own quarantine record, where once
// only the first did and the others vanished. Impossible dates are bad.
void TestStore::everyInvalidElementOfAPageIsQuarantined()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QByteArray page = R"([
        {"id": "1", "type": "PushEvent"},
        {"id": "2", "type": "PushEvent", "created_at": "2025-01-01T00:00:00Z",
         "repo": {"id": 1, "name": "a/b"}},
        {"id": "3"},
        {"id": "4", "type": "WatchEvent", "created_at": "not a time", "repo": {"name": "a/b"}},
        {"id": "5", "type": "PushEvent", "created_at": "2025-02-30T00:00:00Z",
         "repo": {"name": "a/b"}},
        {"id": "6", "type": "PushEvent", "created_at": "9999-01-01T00:00:00Z",
         "repo": {"name": "a/b"}},
        {"id": "7", "type": "PushEvent", "created_at": "2024-02-29T23:59:59Z",
         "repo": {"name": "a/b"}}
    ])";
    const QString path = dir.filePath(u"page.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(page) == page.size());
    file.close();
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    QVERIFY(import(pipeline, {path}).ok);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.rows(u"SELECT id FROM events ORDER BY id"_s),
             (QStringList {u"2"_s, u"7"_s})); // a leap day is a day
    QCOMPARE(inspector.rows(u"SELECT line FROM quarantine ORDER BY line"_s),
             (QStringList {u"1"_s, u"3"_s, u"4"_s, u"5"_s, u"6"_s}));
}

namespace {

QByteArray eventLine(qint64 id)
{
    return R"({"id":")" + QByteArray::number(id)
        + R"(","type":"PushEvent","created_at":"2025-01-01T00:00:00Z","repo":{"id":1,"name":"a/b"}})"
          "\n";
}

QByteArray eventLines(qint64 first, qint64 count)
{
    QByteArray lines;
    for (qint64 id = first; id < first + count; ++id)
        lines += eventLine(id);
    return lines;
}

} // namespace

// Bronze keeps its own copy of an import, known by its content: rewriting the original
// changes nothing, a different file of the same name and size is not skipped, and a file
// imported before it was complete can be imported again once it is.
void TestStore::importsAreBronzesOwnCopiesKnownByContent()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const QString original = dir.filePath(u"hour.ndjson"_s);
    writeFile(original, eventLines(1000, 10));
    QCOMPARE(import(pipeline, {original}).inserted, 10);

    // The same name and size, other events: imported, not taken for the first file.
    writeFile(original, eventLines(2000, 10));
    QCOMPARE(import(pipeline, {original}).inserted, 10);
    // The same content again: already imported.
    const IngestSummary again = import(pipeline, {original});
    QCOMPARE(again.inserted, 0);
    QCOMPARE(again.alreadyIngested, 1);

    // Rewriting the original does not reach bronze: a rebuild has the first events still.
    writeFile(original, QByteArray());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.rebuild();
    QCOMPARE(finished.size(), 1);
    {
        Inspector rebuilt(dir.location()); // a rebuild replaces SQLite's files
        QCOMPARE(rebuilt.scalar(u"SELECT COUNT(*) FROM events WHERE id BETWEEN 1000 AND 1009"_s),
                 10);
        QCOMPARE(rebuilt.scalar(u"SELECT COUNT(*) FROM events"_s), 20);
    }

    // Imported while still being written: the torn line is quarantined; once the file is
    // complete, importing it again adds what was missing.
    const QString growing = dir.filePath(u"growing.ndjson"_s);
    const QByteArray complete = eventLines(3000, 5);
    writeFile(growing, complete.left(complete.size() - 20));
    const IngestSummary torn = import(pipeline, {growing});
    QCOMPARE(torn.inserted, 4);
    QCOMPARE(torn.quarantined, 1);
    writeFile(growing, complete);
    QCOMPARE(import(pipeline, {growing}).inserted, 1);
    QCOMPARE(Inspector(dir.location())
                 .scalar(u"SELECT COUNT(*) FROM events WHERE id BETWEEN 3000 AND 3004"_s),
             5);
}

void TestStore::overlongLineIsQuarantinedNotFatal()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QString path = dir.filePath(u"long.ndjson"_s);
    writeFile(path,
              eventLines(1, 1000) + QByteArray(5 * 1024 * 1024, 'x') + '\n'
                  + eventLines(1001, 1000));
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const IngestSummary summary = import(pipeline, {path});
    QVERIFY2(summary.ok, qPrintable(summary.error));
    QCOMPARE(summary.inserted, 2000);
    QCOMPARE(summary.quarantined, 1);
    Inspector inspector(dir.location());
    QCOMPARE(inspector.scalar(u"SELECT line FROM quarantine"_s), 1001);
    QCOMPARE(inspector.scalar(TestStorage::onClickHouse()
                                  ? u"SELECT argMax(lines, version) FROM sources "
                                    "WHERE key LIKE '%long.ndjson'"_s
                                  : u"SELECT lines FROM sources WHERE path LIKE '%long.ndjson'"_s),
             2001);
}

// A .json.gz file is inflated ahead of the parser, on a thread of its own: cancelled after a
// few batches, the import resumes after the last batch committed, each event stored once.
void TestStore::gzipImportResumesWhereItWasCancelled()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QString path = dir.filePath(u"hour.ndjson.gz"_s);
    constexpr qint64 events = 100'000; // 12 MB inflated: more than the reader keeps ahead
    {
        const QByteArray lines = eventLines(1, events);
        gzFile out = gzopen(QFile::encodeName(path).constData(), "wb");
        QVERIFY(out);
        gzwrite(out, lines.constData(), unsigned(lines.size()));
        gzclose(out);
    }
    const std::unique_ptr<EventStore> store = StoreFactory::eventStore(dir.location());
    QVERIFY2(store->open(), qPrintable(store->lastError()));
    BronzeStore bronze(dir.path());
    QString error;
    const QString registered = bronze.registerImport(path, &error);
    std::atomic_bool cancel = false;
    int batches = 0;
    Ingestor ingestor(store.get(), &bronze);
    ingestor.setBatchLines(10'000);
    ingestor.setCancelFlag(&cancel);
    ingestor.setBatchCallback([&](const BatchResult &) { cancel = ++batches == 3; });
    const IngestSummary partial = ingestor.ingest(registered);
    QVERIFY(partial.cancelled);
    QVERIFY2(partial.inserted >= 30'000 && partial.inserted < events,
             qPrintable(QString::number(partial.inserted)));

    cancel = false;
    ingestor.setBatchCallback({});
    const IngestSummary rest = ingestor.ingest(registered);
    QVERIFY2(rest.ok && !rest.cancelled, qPrintable(rest.error));
    QCOMPARE(rest.inserted, events - partial.inserted);
    QCOMPARE(rest.duplicates, 0);
    store->close();
    QCOMPARE(Inspector(dir.location()).scalar(u"SELECT COUNT(*) FROM events"_s), events);
}

void TestStore::cutGzipIsAnErrorThatKeepsWhatWasRead()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QString path = dir.filePath(u"cut.ndjson.gz"_s);
    {
        const QByteArray lines = eventLines(1, 20000);
        gzFile out = gzopen(QFile::encodeName(path).constData(), "wb");
        QVERIFY(out);
        gzwrite(out, lines.constData(), unsigned(lines.size()));
        gzclose(out);
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() / 2));
    file.close();
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const IngestSummary summary = import(pipeline, {path});
    QVERIFY(!summary.ok);
    QVERIFY2(summary.error.contains("cut short"_L1) && summary.error.contains("cut.ndjson.gz"_L1),
             qPrintable(summary.error));
    QVERIFY(summary.inserted > 1000 && summary.inserted < 20000);
    QCOMPARE(Inspector(dir.location()).scalar(u"SELECT COUNT(*) FROM events"_s), summary.inserted);
}

void TestStore::hugeJsonArrayIsRefusedInBoundedMemory()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const QString path = dir.filePath(u"spaces.json.gz"_s);
    {
        gzFile out = gzopen(QFile::encodeName(path).constData(), "wb9");
        QVERIFY(out);
        gzwrite(out, "[", 1);
        const QByteArray spaces(1024 * 1024, ' ');
        for (int i = 0; i < 100; ++i)
            gzwrite(out, spaces.constData(), unsigned(spaces.size()));
        gzclose(out);
    }
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    const IngestSummary summary = import(pipeline, {path});
    QVERIFY(!summary.ok);
    QVERIFY2(summary.error.contains("NDJSON"_L1), qPrintable(summary.error));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
