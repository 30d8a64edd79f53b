#include "collect/bronzestore.h"
#include "gzip.h"
#include "ingest/pipeline.h"
#include "query/metricsexport.h"
#include "query/metricsqueries.h"
#include "store/database.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 start = 1735740000; // 2025-01-01T14:00:00Z

QByteArray validEvent(qint64 index)
{
    return SyntheticEvents::event(index, start + index, 3);
}

// A valid event with one field replaced by `value`, raw JSON.
QByteArray eventWith(const QByteArray &field, const QByteArray &value)
{
    QByteArray event = validEvent(99);
    const qsizetype at = event.indexOf(QByteArray("\"" + field + "\":"));
    Q_ASSERT(at >= 0);
    const qsizetype valueStart = at + field.size() + 3;
    qsizetype valueEnd = valueStart;
    if (event[valueStart] == '"')
        valueEnd = event.indexOf('"', valueStart + 1) + 1;
    else if (event[valueStart] == '{')
        valueEnd = event.indexOf('}', valueStart) + 1;
    return event.left(valueStart) + value + event.mid(valueEnd);
}

} // namespace

// Input that a hostile or broken source can send: each bad element is quarantined by
// itself, with its reason, and the good ones around it are stored.
class TestHostile : public QObject
{
    Q_OBJECT

private slots:
    void oneBadElementKeepsItsPage_data();
    void oneBadElementKeepsItsPage();
    void ingestionRefusesWhatTheApiRefuses_data();
    void ingestionRefusesWhatTheApiRefuses();
    void csvCellsAreNeverFormulas();
    void aFileOfNoEventsIsRefusedNotQuarantinedWhole();
    void aPageThatFailedIsStoredOnceTheStoreRecovers();

private:
    // Imports `content` as a file named `name`; the events stored and quarantined.
    std::pair<qint64, qint64> import(const QString &name, const QByteArray &content);

    std::unique_ptr<TestStorage> m_storage;
};

std::pair<qint64, qint64> TestHostile::import(const QString &name, const QByteArray &content)
{
    m_storage = std::make_unique<TestStorage>();
    if (!m_storage->isValid())
        return {-1, -1};
    QFile file(m_storage->filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {-1, -1};
    file.write(content);
    file.close();
    {
        Pipeline pipeline(m_storage->location());
        if (!pipeline.open())
            return {-1, -1};
        QSignalSpy finished(&pipeline, &Pipeline::finished);
        pipeline.importFiles({file.fileName()});
    }
    MetricsQueries queries(m_storage->location());
    return {queries.eventsStored(), queries.quarantinedEvents()};
}

void TestHostile::oneBadElementKeepsItsPage_data()
{
    QTest::addColumn<QByteArray>("bad");
    QTest::newRow("nested 5,000 deep") << validEvent(99).chopped(1)
            + ",\"deep\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + '}';
    QTest::newRow("not an object") << QByteArray("42");
    QTest::newRow("invalid UTF-8") << eventWith("login", "\"dev-\xff\xfe\"");
}

// An /events page whose third element is bad: the other three are stored, it is
// quarantined, and the page is not refused (a live page would be fetched for ever).
void TestHostile::oneBadElementKeepsItsPage()
{
    QFETCH(QByteArray, bad);
    REQUIRE_STORAGE(TestStorage());
    const QByteArray page
        = '[' + validEvent(1) + ',' + validEvent(2) + ',' + bad + ',' + validEvent(3) + ']';
    const auto [stored, quarantined] = import(u"page.json"_s, page);
    QCOMPARE(stored, 3);
    QCOMPARE(quarantined, 1);
}

void TestHostile::ingestionRefusesWhatTheApiRefuses_data()
{
    QTest::addColumn<QByteArray>("bad");
    QTest::newRow("no slash") << eventWith("name", "\"project-without-owner\"");
    QTest::newRow("dot dot") << eventWith("name", "\"owner/..\"");
    QTest::newRow("10,000 characters") << eventWith("name", '"' + QByteArray(10000, 'a') + "/x\"");
    QTest::newRow("HTML in a name") << eventWith("name", "\"o/<img src=file:///dev/zero>\"");
    QTest::newRow("100,000-character type")
        << eventWith("type", '"' + QByteArray(100000, 'A') + "Event\"");
    QTest::newRow("type not a name") << eventWith("type", "\"<b>Push</b>Event\"");
    QTest::newRow("fraction not digits") << eventWith("created_at", "\"2025-01-01T14:00:00.abZ\"");
    QTest::newRow("second 60") << eventWith("created_at", "\"2025-01-01T14:00:60Z\"");
    QTest::newRow("login of 10,000") << eventWith("login", '"' + QByteArray(10000, 'x') + '"');
}

// NDJSON around one bad line: the bad line is quarantined, the rest stored.
void TestHostile::ingestionRefusesWhatTheApiRefuses()
{
    QFETCH(QByteArray, bad);
    REQUIRE_STORAGE(TestStorage());
    const QByteArray lines = validEvent(1) + '\n' + bad + '\n' + validEvent(2) + '\n';
    const auto [stored, quarantined] = import(u"events.ndjson"_s, lines);
    QCOMPARE(stored, 2);
    QCOMPARE(quarantined, 1);
}

// OWASP's CSV injection rule: a cell starting with =, +, -, @, TAB or CR gets a ' before
// it, and a cell with a comma, quote, CR or LF is quoted.
void TestHostile::csvCellsAreNeverFormulas()
{
    DashboardSnapshot snapshot;
    const QStringList hostile {u"=cmd|' /C calc'!A0"_s,
                               u"+1+1"_s,
                               u"-2+3"_s,
                               u"@SUM(A1)"_s,
                               u"\tTAB"_s,
                               u"\rCR"_s,
                               u"a\rb"_s,
                               u"quote\"d,cell"_s};
    for (const QString &key : hostile)
        snapshot.eventsByType.append({key, 1});
    const QByteArray csv = MetricsExport::csv(snapshot);
    for (const QString &key : hostile) {
        QByteArray cell = key.toUtf8();
        if (QByteArrayView("=+-@\t\r").contains(cell.front()))
            cell.prepend('\'');
        if (cell.contains(',') || cell.contains('"') || cell.contains('\r'))
            cell = '"' + cell.replace('"', "\"\"") + '"';
        QVERIFY2(csv.contains(QByteArray("\nevents_by_type," + cell + ",1\n")), cell.constData());
    }
    // No line of the file starts a cell with a formula character.
    for (const QByteArray &line : csv.split('\n')) {
        const QList<QByteArray> cells = line.split(',');
        for (const QByteArray &cell : cells)
            QVERIFY2(cell.isEmpty() || !QByteArrayView("=+@").contains(cell.front()),
                     line.constData());
    }
}

// 32 KB of gzip holding a million "{}" lines: at most 10,000 quarantine rows, then the file
// is refused as not GitHub events, keeping the valid events before, and importing it again
// adds nothing.
void TestHostile::aFileOfNoEventsIsRefusedNotQuarantinedWhole()
{
    REQUIRE_STORAGE(TestStorage());
    QByteArray lines = validEvent(1) + '\n' + validEvent(2) + '\n';
    lines.reserve(3 * 1000000 + lines.size());
    for (int i = 0; i < 1000000; ++i)
        lines += "{}\n";
    const QByteArray gzip = gzipped(lines);
    QVERIFY(gzip.size() < 64 * 1024);
    m_storage = std::make_unique<TestStorage>();
    QFile file(m_storage->filePath(u"nothing.ndjson.gz"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(gzip);
    file.close();
    Pipeline pipeline(m_storage->location());
    QVERIFY(pipeline.open());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles({file.fileName()});
    const IngestSummary summary = finished.takeFirst().first().value<IngestSummary>();
    QVERIFY(!summary.ok);
    QVERIFY2(summary.error.contains(u"is not GitHub events"_s), qPrintable(summary.error));
    MetricsQueries queries(m_storage->location());
    QCOMPARE(queries.eventsStored(), 2);
    QCOMPARE(queries.quarantinedEvents(), 10000);
    pipeline.importFiles({file.fileName()});
    QCOMPARE(finished.takeFirst().first().value<IngestSummary>().alreadyIngested, 1);
    QCOMPARE(queries.quarantinedEvents(), 10000);
}

// A live page whose ingest failed (here the database was locked; a full disk fails the
// same way) is ingested again within seconds of the store recovering, without a restart.
void TestHostile::aPageThatFailedIsStoredOnceTheStoreRecovers()
{
    SKIP_ON_POSTGRES("the lock is SQLite's");
    m_storage = std::make_unique<TestStorage>();
    Pipeline pipeline(m_storage->location());
    QVERIFY(pipeline.open());
    BronzeStore bronze(m_storage->path());
    QString error;
    const QString page = bronze.storePage(
        '[' + validEvent(1) + ',' + validEvent(2) + ',' + validEvent(3) + ']',
        {QUrl(u"https://api.github.com/events"_s), 200, 1, {}, {}, QDateTime::currentDateTimeUtc()},
        u"events"_s, &error);
    QVERIFY2(!page.isEmpty(), qPrintable(error));
    {
        QSqlDatabase locker = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
        locker.setDatabaseName(Database::silverPath(m_storage->path()));
        QVERIFY(locker.open());
        QSqlQuery lock(locker);
        QVERIFY(lock.exec(u"BEGIN EXCLUSIVE"_s));
        QSignalSpy failed(&pipeline, &Pipeline::failed);
        pipeline.ingestPage(page); // waits out the busy timeout, then fails
        QCOMPARE(failed.size(), 1);
        QVERIFY(lock.exec(u"ROLLBACK"_s));
    }
    QSqlDatabase::removeDatabase(u"locker"_s);
    MetricsQueries queries(m_storage->location());
    QCOMPARE(queries.eventsStored(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(queries.eventsStored(), 3, 15000);
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
