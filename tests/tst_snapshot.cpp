#include "dashboardsnapshot.h"

#include <QRandomGenerator>
#include <QTest>

#include <map>

using namespace Qt::StringLiterals;

// The dashboard snapshot's shaping, against sums computed here from the same input.
class TestSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void otherHoldsEverythingBeyondTheBars_data();
    void otherHoldsEverythingBeyondTheBars();
    void bucketsAreTheShortestRoundSpanWithinTheLimit();
    void bucketsHoldEveryMinuteOnce_data();
    void bucketsHoldEveryMinuteOnce();
    void onlyAnUnfinishedLastBucketIsPartial();
};

void TestSnapshot::otherHoldsEverythingBeyondTheBars_data()
{
    QTest::addColumn<int>("types");
    QTest::newRow("none") << 0;
    QTest::newRow("fewer than the bars") << 4;
    QTest::newRow("exactly the bars") << DashboardSnapshot::maxTypeBars;
    QTest::newRow("one more") << DashboardSnapshot::maxTypeBars + 1;
    QTest::newRow("many") << 40;
}

void TestSnapshot::otherHoldsEverythingBeyondTheBars()
{
    QFETCH(int, types);
    QRandomGenerator random(types);
    QList<KeyCount> counts;
    for (int i = 0; i < types; ++i)
        counts.append({u"Type%1"_s.arg(i), random.bounded(1, 1000)});
    std::sort(counts.begin(), counts.end(),
              [](const KeyCount &a, const KeyCount &b) { return a.count > b.count; });

    const int maxBars = DashboardSnapshot::maxTypeBars;
    const QList<KeyCount> bars = DashboardShaping::topWithOther(counts, maxBars, u"Other"_s);
    QCOMPARE(bars.size(), std::min<qsizetype>(counts.size(), maxBars));
    qint64 all = 0;
    for (const KeyCount &count : counts)
        all += count.count;
    qint64 drawn = 0;
    for (const KeyCount &bar : bars)
        drawn += bar.count;
    QCOMPARE(drawn, all);
    const bool grouped = counts.size() > maxBars;
    for (qsizetype i = 0; i < bars.size() - (grouped ? 1 : 0); ++i)
        QCOMPARE(bars[i], counts[i]);
    if (grouped) {
        qint64 rest = 0;
        for (qsizetype i = maxBars - 1; i < counts.size(); ++i)
            rest += counts[i].count;
        QCOMPARE(bars.last(), (KeyCount {u"Other"_s, rest}));
    }
}

void TestSnapshot::bucketsAreTheShortestRoundSpanWithinTheLimit()
{
    const QList<qint64> round {60,    300,    900,     3600,    21600,
                               86400, 604800, 2592000, 7862400, 31536000};
    for (const qint64 minutes : {1, 5, 60, 299, 300, 301, 1440, 10080, 43200, 525600, 5256000}) {
        const qint64 span = minutes * 60;
        const qint64 bucket = RateSeries::bucketSecondsFor(span);
        QVERIFY2(span / bucket < RateSeries::maxBuckets, qPrintable(QString::number(minutes)));
        const qsizetype index = round.indexOf(bucket);
        QVERIFY(index >= 0);
        if (index > 0)
            QVERIFY(span / round[index - 1] >= RateSeries::maxBuckets);
    }
}

void TestSnapshot::bucketsHoldEveryMinuteOnce_data()
{
    QTest::addColumn<qint64>("minutes");
    QTest::newRow("1 h") << qint64(60);
    QTest::newRow("24 h") << qint64(1440);
    QTest::newRow("7 d") << qint64(10080);
    QTest::newRow("1 year") << qint64(525600);
}

void TestSnapshot::bucketsHoldEveryMinuteOnce()
{
    QFETCH(qint64, minutes);
    const qint64 to = 1735745430; // 2025-01-01T15:30:30Z, inside a minute
    const TimeWindow window {to - minutes * 60, to};
    const QStringList types {u"PushEvent"_s, u"CreateEvent"_s, u"IssuesEvent"_s, u"WatchEvent"_s,
                             u"ForkEvent"_s, u"DeleteEvent"_s, u"GollumEvent"_s};
    QRandomGenerator random {quint32(minutes)};
    QList<MinuteCount> counts;
    std::map<QString, qint64> totals;
    for (qint64 minute = window.from / 60; minute <= window.to / 60;
         minute += 1 + random.bounded(qint64(minutes / 500 + 1))) {
        for (qsizetype type = 0; type < types.size(); ++type) {
            const qint64 events = random.bounded(qint64(50 / (type + 1) + 1));
            counts.append({minute, types[type], events});
            totals[types[type]] += events;
        }
    }

    const RateSeries rate = DashboardShaping::rateSeries(counts, window);
    QVERIFY(rate.bucketStarts.size() <= RateSeries::maxBuckets + 1);
    for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
        QCOMPARE(rate.bucketStarts[i] % rate.bucketSeconds, 0);
        if (i > 0)
            QCOMPARE(rate.bucketStarts[i] - rate.bucketStarts[i - 1], rate.bucketSeconds);
    }
    QVERIFY(rate.bucketStarts.first() <= window.from);
    QVERIFY(rate.bucketStarts.last() + rate.bucketSeconds > window.to);

    // Lines: the four biggest types, then Other with the rest.
    QCOMPARE(rate.lines.size(), RateSeries::majorTypes + 1);
    QCOMPARE(rate.lines.last().name, u"Other"_s);
    std::map<QString, qint64> expected; // line name -> events, computed from the minutes
    QList<std::pair<qint64, QString>> ranked;
    for (const auto &[type, total] : totals)
        ranked.append({-total, type});
    std::sort(ranked.begin(), ranked.end());
    for (qsizetype i = 0; i < ranked.size(); ++i)
        expected[i < RateSeries::majorTypes ? ranked[i].second : u"Other"_s] -= ranked[i].first;
    for (const RateSeries::Line &line : rate.lines) {
        QCOMPARE(line.counts.size(), rate.bucketStarts.size());
        qint64 sum = 0;
        for (const qint64 count : line.counts)
            sum += count;
        QCOMPARE(sum, expected[line.name]);
    }
    // One bucket against the minutes that fall in it.
    const qsizetype middle = rate.bucketStarts.size() / 2;
    const qint64 start = rate.bucketStarts[middle];
    qint64 inBucket = 0;
    for (const MinuteCount &count : counts)
        inBucket += count.minute * 60 >= start && count.minute * 60 < start + rate.bucketSeconds
            ? count.count
            : 0;
    qint64 drawn = 0;
    for (const RateSeries::Line &line : rate.lines)
        drawn += line.counts[middle];
    QCOMPARE(drawn, inBucket);
}

void TestSnapshot::onlyAnUnfinishedLastBucketIsPartial()
{
    const qint64 minuteStart = 1735745400; // 15:30:00
    const RateSeries whole
        = DashboardShaping::rateSeries({}, TimeWindow {minuteStart - 3600, minuteStart - 1});
    QVERIFY(!whole.lastBucketPartial);
    QCOMPARE(whole.bucketStarts.last(), minuteStart - 60);

    const RateSeries partial
        = DashboardShaping::rateSeries({}, TimeWindow {minuteStart - 3600 + 20, minuteStart + 19});
    QVERIFY(partial.lastBucketPartial);
    QCOMPARE(partial.bucketStarts.last(), minuteStart);
    QCOMPARE(partial.lastBucketSecondsCovered, 20);

    // Hour buckets: the window ends half way into its last hour.
    const RateSeries hours
        = DashboardShaping::rateSeries({}, TimeWindow {minuteStart - 7 * 86400, minuteStart - 1});
    QCOMPARE(hours.bucketSeconds, 3600);
    QVERIFY(hours.lastBucketPartial);
    QCOMPARE(hours.lastBucketSecondsCovered, 30 * 60);
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
