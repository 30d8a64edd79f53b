#include "collect/bronzestore.h"
#include "event/compressedfile.h"
#include "event/feedhealth.h"
#include "fixtureevents.h"
#include "gzip.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "testdata.h"
#include "teststorage.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString excerpt2015 = u"gharchive_2015-01-01-15_first1024.ndjson"_s;
const QString excerpt2025 = u"gharchive_2025-01-01-15_first2048.ndjson.gz"_s;

QList<QJsonObject> fixtureLines(const QString &name)
{
    QList<QJsonObject> events;
    for (const QByteArray &line : CompressedFile::readAll(TestData::fixture(name)).split('\n')) {
        if (!line.trimmed().isEmpty())
            events << QJsonDocument::fromJson(line).object();
    }
    return events;
}

QByteArray ndjson(const QList<QJsonObject> &events)
{
    QByteArray lines;
    for (const QJsonObject &event : events)
        lines += QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n';
    return lines;
}

QHash<QString, qint64> typeCounts(const QList<QJsonObject> &events)
{
    QHash<QString, qint64> counts;
    for (const QJsonObject &event : events)
        ++counts[event.value("type"_L1).toString()];
    return counts;
}

qint64 createdAt(const QJsonObject &event)
{
    return QDateTime::fromString(event.value("created_at"_L1).toString(), Qt::ISODate)
        .toSecsSinceEpoch();
}

} // namespace

// Source health measured from what the sources carry: the reference mix is the fixtures',
// the healthy eras stay healthy, a 2026-shaped sample is degraded, a crawl-hour archive file
// completes no hour, and recent hours settle once the measured lag has passed.
class TestHealth : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void theReferenceMixIsTheFixtures();
    void theRealFixturesAreHealthy_data();
    void theRealFixturesAreHealthy();
    void aFixtureReshapedTo2026IsDegraded();
    void watchedFeedsDoNotHideTheGlobalFeedsMissingTypes();
    void aCrawlHourFileSpreadsItsEventsAndCompletesNone();
    void recentHoursSettleOnceTheMeasuredLagHasPassed();

private:
    void import(const QString &name, const QByteArray &content);
    MetricsQueries &queries();

    std::unique_ptr<TestStorage> m_dir;
    std::unique_ptr<MetricsQueries> m_queries;
};

void TestHealth::init()
{
    m_dir = std::make_unique<TestStorage>();
    REQUIRE_STORAGE(*m_dir);
}

void TestHealth::cleanup()
{
    m_queries.reset();
    m_dir.reset();
}

MetricsQueries &TestHealth::queries()
{
    if (!m_queries)
        m_queries = std::make_unique<MetricsQueries>(m_dir->location());
    return *m_queries;
}

// Writes `content` as a file called `name` and imports it, as `ghmonitor --import` does.
void TestHealth::import(const QString &name, const QByteArray &content)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    Pipeline pipeline(m_dir->location());
    QVERIFY(pipeline.open());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles({path});
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.first().first().value<IngestSummary>().ok);
}

// The reference is data with its provenance; its counts are the fixtures' own.
void TestHealth::theReferenceMixIsTheFixtures()
{
    SKIP_WITHOUT_FIXTURES();
    QFile file(u":/reference/reference_mix.json"_s);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray samples
        = QJsonDocument::fromJson(file.readAll()).object().value("samples"_L1).toArray();
    QCOMPARE(samples.size(), 2);
    for (const QJsonValue &value : samples) {
        const QJsonObject sample = value.toObject();
        const QList<QJsonObject> events = fixtureLines(sample.value("fixture"_L1).toString());
        QCOMPARE(sample.value("events"_L1).toInteger(), events.size());
        const QHash<QString, qint64> counted = typeCounts(events);
        const QJsonObject recorded = sample.value("types"_L1).toObject();
        QCOMPARE(recorded.size(), counted.size());
        for (auto it = counted.cbegin(); it != counted.cend(); ++it)
            QCOMPARE(recorded.value(it.key()).toInteger(), it.value());
    }
    // The reference share is the least of the samples' shares.
    const double watch2025 = 100.0 / 2048.0;
    QCOMPARE(ReferenceMix::builtIn().shares.value(u"WatchEvent"_s), watch2025);
}

void TestHealth::theRealFixturesAreHealthy_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::newRow("2015-01-01") << excerpt2015;
    QTest::newRow("2025-01-01") << excerpt2025;
}

// Filed under its own GH Archive name, each excerpt's hour is measured healthy and, being
// filed by created_at, complete.
void TestHealth::theRealFixturesAreHealthy()
{
    SKIP_WITHOUT_FIXTURES();
    QFETCH(QString, fixture);
    const QList<QJsonObject> events = fixtureLines(fixture);
    const qint64 hour = createdAt(events.first()) / 3600 * 3600;
    const QString archiveName
        = QDateTime::fromSecsSinceEpoch(hour, Qt::UTC).toString(u"yyyy-MM-dd-H'.json.gz'"_s);
    import(archiveName, gzipped(ndjson(events)));

    const QList<SourceHour> measured = queries().sourceHours({hour, hour + 3599});
    QCOMPARE(measured.size(), 1);
    QCOMPARE(measured.first().source, u"archive"_s);
    QCOMPARE(measured.first().events, events.size());
    QCOMPARE(measured.first().types, typeCounts(events));
    QVERIFY2(measured.first().degradedTypes.isEmpty(),
             qPrintable(measured.first().degradedTypes.join(u", "_s)));
    const WindowQuality quality = queries().quality({hour, hour + 3599});
    QCOMPARE(quality.statusName(), u"complete"_s);
    QVERIFY(quality.degradedTypes.isEmpty());
}

// The 2025 excerpt with its other types thinned to GitHub's 2026-08 mix (pushes 95 %):
// Watch, Issues, PullRequest and Create fall far below the reference, and its hour is not
// complete even though its file is filed by created_at.
void TestHealth::aFixtureReshapedTo2026IsDegraded()
{
    SKIP_WITHOUT_FIXTURES();
    QList<QJsonObject> reshaped;
    int others = 0;
    for (const QJsonObject &event : fixtureLines(excerpt2025)) {
        if (event.value("type"_L1).toString() == "PushEvent"_L1 || others++ % 20 == 0)
            reshaped << event;
    }
    const QHash<QString, qint64> counts = typeCounts(reshaped);
    QVERIFY(double(counts.value(u"PushEvent"_s)) / double(reshaped.size()) > 0.95);
    import(u"2025-01-01-15.json.gz"_s, gzipped(ndjson(reshaped)));

    const qint64 hour = QDateTime(QDate(2025, 1, 1), QTime(15, 0), Qt::UTC).toSecsSinceEpoch();
    const WindowQuality quality = queries().quality({hour, hour + 3599});
    QCOMPARE(quality.statusName(), u"degraded"_s);
    for (const QString &type :
         {u"WatchEvent"_s, u"IssuesEvent"_s, u"PullRequestEvent"_s, u"CreateEvent"_s})
        QVERIFY2(quality.degradedTypes.contains(type), qPrintable(type));
    QVERIFY(!quality.degradedTypes.contains(u"PushEvent"_s));
    // Every type named is under a third of its reference share here.
    for (const QString &type : quality.degradedTypes) {
        const double share = double(counts.value(type)) / double(reshaped.size());
        QVERIFY2(share < ReferenceMix::builtIn().shares.value(type) / 3, qPrintable(type));
    }
    const QList<HourCoverage> hours = queries().coverage({hour, hour + 3599});
    QVERIFY(hours.first().archived);
    QVERIFY(!hours.first().complete);
    QVERIFY(hours.first().incompleteReason.startsWith(u"degraded: "_s));
    QVERIFY(quality.isLowerBound(u"WatchEvent"_s));
}

// A watched organization's feed carries every type of its repositories: summed with the
// global feed's 2026-shaped pages, it would hide their missing types and lower their push
// share. Only the sources that sample all of GitHub are measured against the reference.
void TestHealth::watchedFeedsDoNotHideTheGlobalFeedsMissingTypes()
{
    SKIP_WITHOUT_FIXTURES();
    const QList<QJsonObject> events = fixtureLines(excerpt2025);
    QList<QJsonObject> reshaped;
    int others = 0;
    for (const QJsonObject &event : events) {
        if (event.value("type"_L1).toString() == "PushEvent"_L1 || others++ % 20 == 0)
            reshaped << event;
    }
    const qint64 hour = QDateTime(QDate(2025, 1, 1), QTime(15, 0), Qt::UTC).toSecsSinceEpoch();
    SourceHour feed;
    feed.hour = hour;
    feed.source = u"feed-p2"_s;
    feed.types = typeCounts(reshaped);
    SourceHour organization = feed;
    organization.source = u"organization"_s;
    organization.types = typeCounts(events);
    for (qint64 &count : organization.types)
        count *= 3;
    HourCoverage coverage;
    coverage.hour = hour;

    const WindowQuality quality
        = WindowQuality::of({coverage}, {feed, organization}, std::nullopt, hour + 7200);
    QVERIFY(!FeedHealth::degradedTypes(feed.types).isEmpty());
    QCOMPARE(quality.degradedTypes, FeedHealth::degradedTypes(feed.types));
    QCOMPARE(quality.statusName(), u"degraded"_s);
    QCOMPARE(quality.pushShare, double(feed.types.value(u"PushEvent"_s)) / double(reshaped.size()));
    for (const SourceHour &source : SourceHour::bySource({feed, organization})) {
        QCOMPARE(source.degradedTypes.isEmpty(), source.source == "organization"_L1);
    }
}

// Since 2025-05-24 an archive hour holds what was crawled in it: events created up to
// three hours before. They count in their own hours, and no hour becomes complete.
void TestHealth::aCrawlHourFileSpreadsItsEventsAndCompletesNone()
{
    SKIP_WITHOUT_FIXTURES();
    const qint64 crawlHour = QDateTime(QDate(2025, 1, 1), QTime(15, 0), Qt::UTC).toSecsSinceEpoch();
    QList<QJsonObject> events = fixtureLines(excerpt2025);
    QHash<qint64, qint64> perHour; // the independent count, by created hour
    for (qsizetype i = 0; i < events.size(); ++i) {
        const qint64 created = createdAt(events[i]) - 3600 * (i % 4);
        events[i].insert(u"created_at"_s,
                         QDateTime::fromSecsSinceEpoch(created, Qt::UTC).toString(Qt::ISODate));
        ++perHour[created / 3600 * 3600];
    }
    import(u"2025-01-01-15.json.gz"_s, gzipped(ndjson(events)));

    for (qint64 hour = crawlHour - 3 * 3600; hour <= crawlHour; hour += 3600) {
        const QDateTime end = QDateTime::fromSecsSinceEpoch(hour + 3599, Qt::UTC);
        qint64 counted = 0;
        for (const KeyCount &type : queries().eventCounts(60, end))
            counted += type.count;
        QCOMPARE(counted, perHour.value(hour));
        QVERIFY(!queries().isComplete({hour, hour + 3599}));
    }
    const HourCoverage crawled = queries().coverage({crawlHour, crawlHour}).first();
    QVERIFY(crawled.archived);
    QVERIFY2(crawled.incompleteReason.startsWith(u"filed by crawl hour"_s),
             qPrintable(crawled.incompleteReason));
    // Its lag is crawl hour minus created_at: up to three hours and some.
    const QList<SourceHour> measured = queries().sourceHours({crawlHour, crawlHour});
    QCOMPARE(measured.size(), 1);
    QCOMPARE(measured.first().inHour, perHour.value(crawlHour));
    QVERIFY(FeedHealth::lagPercentile(measured.first().lagHistogram, 0.99) >= 3 * 3600);
}

// Live pages whose events arrived up to two hours after they were created: the hours
// they fall in are settling until the measured p99 has passed after their end.
void TestHealth::recentHoursSettleOnceTheMeasuredLagHasPassed()
{
    SKIP_WITHOUT_FIXTURES();
    const QList<QJsonObject> excerpt = fixtureLines(excerpt2025);
    const QDateTime fetchedAt(QDate(2026, 12, 1), QTime(12, 30), Qt::UTC);
    QJsonArray page;
    QList<qint64> lags;
    for (qsizetype i = 0; i < 100; ++i) {
        QJsonObject event = excerpt[i];
        const qint64 lag = 30 + (i * i * 7) % 7200; // 30 s to two hours
        lags << lag;
        event.insert(u"created_at"_s, fetchedAt.addSecs(-lag).toString(Qt::ISODate));
        page.append(event);
    }
    BronzeStore bronze(m_dir->path());
    QString error;
    const QString path = bronze.storePage(
        QJsonDocument(page).toJson(QJsonDocument::Compact),
        {QUrl(u"https://api.github.com/events"_s), 200, 1, {}, {}, fetchedAt}, u"events"_s, &error);
    QVERIFY2(!path.isEmpty(), qPrintable(error));
    {
        Pipeline pipeline(m_dir->location());
        QVERIFY(pipeline.open());
        pipeline.catchUp();
    }

    const qint64 fetchHour = fetchedAt.toSecsSinceEpoch() / 3600 * 3600;
    const QList<SourceHour> measured = queries().sourceHours({fetchHour, fetchHour});
    QCOMPARE(measured.size(), 1);
    QCOMPARE(measured.first().source, u"feed-p1"_s);
    QCOMPARE(measured.first().requests, 1);
    QCOMPARE(measured.first().newEvents, 100);
    QCOMPARE(*measured.first().yield(), 100.0);

    // The settle time is the bucket end at or above the 99th lag.
    std::sort(lags.begin(), lags.end());
    const qint64 p99 = lags[98];
    const qint64 settle = *queries().settleSeconds();
    QVERIFY(settle >= p99);
    QVERIFY(settle < p99 * 3);

    const TimeWindow window {fetchedAt.toSecsSinceEpoch() - 7200, fetchedAt.toSecsSinceEpoch()};
    const WindowQuality now = queries().quality(window, fetchedAt);
    QCOMPARE(now.statusName(), u"settling"_s);
    QCOMPARE(now.settlingHours, now.hours);
    QCOMPARE(*now.settledAt, fetchHour + 3600 + settle);
    const WindowQuality later
        = queries().quality(window, QDateTime::fromSecsSinceEpoch(*now.settledAt, Qt::UTC));
    QCOMPARE(later.statusName(), u"sampled"_s);
    QCOMPARE(later.settlingHours, 0);
}

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
