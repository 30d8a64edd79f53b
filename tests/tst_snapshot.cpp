#include "event/timeformat.h"
#include "query/dashboardsnapshot.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QRandomGenerator>
#include <QRegularExpression>
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
    void edgeBucketsAreCutAndRatedOverTheirSeconds();
    void gapsAreEmptyUnmeasuredBuckets();
    void typeColoursAreStableAndDistinct();
    void formattingFollowsTheSharedVectors();
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
    for (qint64 minute = window.from / 60 + 1; minute <= window.to / 60;
         minute += 1 + random.bounded(qint64(minutes / 500 + 1))) {
        for (qsizetype type = 0; type < types.size(); ++type) {
            const qint64 events = random.bounded(qint64(50 / (type + 1) + 1));
            counts.append({minute, types[type], events});
            totals[types[type]] += events;
        }
    }

    const RateSeries rate = DashboardShaping::rateSeries(counts, window, {}, false);
    QVERIFY(rate.bucketStarts.size() <= RateSeries::maxBuckets + 1);
    // Cut at the window's edges, round inside, one after another.
    QCOMPARE(rate.bucketStarts.first(), window.from);
    QCOMPARE(rate.bucketEnds.last(), window.to + 1);
    for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
        if (i > 0) {
            QCOMPARE(rate.bucketStarts[i] % rate.bucketSeconds, 0);
            QCOMPARE(rate.bucketStarts[i], rate.bucketEnds[i - 1]);
        }
        QVERIFY(rate.secondsIn(i) > 0 && rate.secondsIn(i) <= rate.bucketSeconds);
    }

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
        inBucket += count.minute * 60 >= start && count.minute * 60 < rate.bucketEnds[middle]
            ? count.count
            : 0;
    qint64 drawn = 0;
    for (const RateSeries::Line &line : rate.lines)
        drawn += line.counts[middle];
    QCOMPARE(drawn, inBucket);
}

// A window from 15:29:20.x to 15:30:19: 40 seconds of one minute, then 20 of the next.
void TestSnapshot::edgeBucketsAreCutAndRatedOverTheirSeconds()
{
    const qint64 minuteStart = 1735745400; // 15:30:00
    const TimeWindow window {minuteStart - 40, minuteStart + 19};
    const QList<MinuteCount> counts {{minuteStart / 60 - 1, u"PushEvent"_s, 10},
                                     {minuteStart / 60, u"PushEvent"_s, 7}};
    const RateSeries rate = DashboardShaping::rateSeries(counts, window, {}, false);
    QCOMPARE(rate.bucketStarts, (QList<qint64> {minuteStart - 40, minuteStart}));
    QCOMPARE(rate.bucketEnds, (QList<qint64> {minuteStart, minuteStart + 20}));
    QCOMPARE(rate.lines.first().counts, (QList<qint64> {10, 7}));
    // Events per minute over the seconds each bucket holds: no more than happened.
    QCOMPARE(rate.rate(rate.lines.first(), 0).value(), 10.0 * 60 / 40);
    QCOMPARE(rate.rate(rate.lines.first(), 1).value(), 7.0 * 60 / 20);
    QVERIFY(!rate.lastBucketFilling);
    QVERIFY(DashboardShaping::rateSeries(counts, window, {}, true).lastBucketFilling);

    // Hour buckets: a week ending half way into an hour ends in a half-hour bucket.
    const RateSeries hours = DashboardShaping::rateSeries(
        {}, TimeWindow {minuteStart - 7 * 86400, minuteStart - 1}, {}, false);
    QCOMPARE(hours.bucketSeconds, 3600);
    QCOMPARE(hours.secondsIn(hours.bucketStarts.size() - 1), 30 * 60);
}

// An hour no source looked at is a gap where it holds no event; a measured empty hour and
// an unmeasured one with events are not.
void TestSnapshot::gapsAreEmptyUnmeasuredBuckets()
{
    const qint64 hour = 1735743600; // 15:00
    const TimeWindow window {hour - 3 * 3600, hour + 3599};
    const QList<MinuteCount> counts {{(hour - 3600) / 60 + 5, u"PushEvent"_s, 3}};
    const QSet<qint64> measured {hour - 3 * 3600, hour};
    const RateSeries rate = DashboardShaping::rateSeries(counts, window, measured, false);
    QCOMPARE(rate.bucketSeconds, 60);
    for (qsizetype bucket = 0; bucket < rate.bucketStarts.size(); ++bucket) {
        const qint64 hourOf = rate.bucketStarts[bucket] / 3600 * 3600;
        const bool holdsEvents = rate.bucketStarts[bucket] == hour - 3600 + 300;
        const bool expected = !measured.contains(hourOf) && !holdsEvents;
        QCOMPARE(rate.gaps[bucket], expected);
        QCOMPARE(rate.rate(rate.lines.first(), bucket).has_value(), !expected);
    }
}

// The common types' colours differ from each other and from Other; any name has one, the
// same on every call.
void TestSnapshot::typeColoursAreStableAndDistinct()
{
    const QStringList common {
        u"PushEvent"_s,         u"CreateEvent"_s, u"PullRequestEvent"_s,
        u"IssueCommentEvent"_s, u"WatchEvent"_s,  u"DeleteEvent"_s,
        u"IssuesEvent"_s,       u"ForkEvent"_s,   DashboardSnapshot::otherName()};
    QSet<QString> colours;
    for (const QString &type : common)
        colours.insert(TypeColours::of(type));
    QCOMPARE(colours.size(), common.size());
    const QString odd = u"<b>Made</b>UpEvent"_s;
    QCOMPARE(TypeColours::of(odd), TypeColours::of(QString(odd)));
    QVERIFY(QRegularExpression(u"^#[0-9a-f]{6}$"_s).match(TypeColours::of(odd)).hasMatch());
}

// The vectors the web page's format.js is tested with too (tests/web/format.test.mjs).
void TestSnapshot::formattingFollowsTheSharedVectors()
{
    QFile file(QStringLiteral(GHM_TESTS_DIR "/format_vectors.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject vectors = QJsonDocument::fromJson(file.readAll()).object();
    const auto check = [&](const QString &name, QString (*format)(double)) {
        const QJsonArray cases = vectors[name].toArray();
        QVERIFY(cases.size() >= 5);
        for (const QJsonValue &each : cases) {
            const QJsonArray pair = each.toArray();
            QCOMPARE(format(pair[0].toDouble()), pair[1].toString());
        }
    };
    check(u"duration"_s, TimeFormat::duration);
    check(u"count"_s, TimeFormat::count);
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
