#include "event/botaccounts.h"
#include "fixtureevents.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "referencecounts.h"
#include "store/database.h"
#include "teststorage.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
}

// The whole seconds of [at - minutes, at], for an `at` that may fall inside a second.
std::pair<qint64, qint64> secondsOf(const QDateTime &at, int minutes)
{
    const qint64 end = at.toMSecsSinceEpoch();
    const qint64 start = end - qint64(minutes) * 60000;
    return {start / 1000 + (start % 1000 > 0 ? 1 : 0), end / 1000};
}

QList<qint64> referenceOpenedTimes(const QHash<qint64, FixtureEvent> &events, const QString &repo)
{
    QList<qint64> times;
    for (const FixtureEvent &event : events) {
        if (event.type == "PullRequestEvent"_L1 && event.action == "opened"_L1
            && event.repo.compare(repo, Qt::CaseInsensitive) == 0)
            times.append(event.createdAt);
    }
    std::sort(times.begin(), times.end());
    return times;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void eventCounts_data();
    void eventCounts();
    void activeRepositories_data();
    void activeRepositories();
    void pullRequestIntervalsOfEveryRepository();
    void pullRequestIntervalIsCaseInsensitive();
    void fewerThanTwoPullRequests();
    void unknownRepository();
    void eventsPerMinute();
    void latestEvents();
    void scopedCounts_data();
    void scopedCounts();
    void releasesOfARepository();
    void aPayloadTypedBotIsABot();
    void totals();
    void repositoryCompletion();
    void aRepositoryGoldCannotNameIsAnError(); // last: it damages the store

private:
    TestStorage m_dir;
    QHash<qint64, FixtureEvent> m_events;
    std::unique_ptr<MetricsQueries> m_queries;
};

void TestMetrics::initTestCase()
{
    SKIP_WITHOUT_FIXTURES();
    REQUIRE_STORAGE(m_dir);
    m_events = FixtureEvents::load();
    Pipeline pipeline(m_dir.location());
    QVERIFY(pipeline.open());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles(FixtureEvents::paths());
    QCOMPARE(finished.size(), 1);
    const auto summary = finished.first().first().value<IngestSummary>();
    QVERIFY2(summary.ok, qPrintable(summary.error));
    QCOMPARE(summary.inserted, qint64(m_events.size()));

    m_queries = std::make_unique<MetricsQueries>(m_dir.location());
    QString error;
    QVERIFY2(m_queries->open(&error), qPrintable(error));
}

void TestMetrics::eventCounts_data()
{
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<int>("minutes");
    QTest::newRow("2025, 60 min") << utc("2025-01-01T15:30:00Z") << 60;
    QTest::newRow("2025, sub-minute edges") << utc("2025-01-01T15:00:17Z") << 1;
    QTest::newRow("2025, inside one second") << utc("2025-01-01T15:00:05Z") << 1;
    QTest::newRow("2015, both edges partial") << utc("2015-01-01T15:03:31Z") << 2;
    QTest::newRow("2015, 10 min") << utc("2015-01-01T15:10:00Z") << 10;
    QTest::newRow("2016 pages") << utc("2016-09-29T10:00:20Z") << 1;
    QTest::newRow("everything") << utc("2026-01-01T00:00:00Z") << 5256000;
    QTest::newRow("empty window") << utc("2019-01-01T00:00:00Z") << 60;
    QTest::newRow("ends inside a second") << utc("2025-01-01T15:00:05.500Z") << 1;
    QTest::newRow("2015, inside a second") << utc("2015-01-01T15:03:31.250Z") << 2;
}

void TestMetrics::eventCounts()
{
    QFETCH(QDateTime, at);
    QFETCH(int, minutes);
    const auto [from, to] = secondsOf(at, minutes);
    const auto expected = referenceCounts(m_events, from, to, &FixtureEvent::type);
    const auto actual = m_queries->eventCounts(minutes, at);
    QCOMPARE(actual, expected);
    if (minutes < 100000 && at.date().year() != 2019)
        QVERIFY(!actual.isEmpty());
}

void TestMetrics::activeRepositories_data()
{
    eventCounts_data();
}

void TestMetrics::activeRepositories()
{
    QFETCH(QDateTime, at);
    QFETCH(int, minutes);
    const auto [from, to] = secondsOf(at, minutes);
    for (int limit : {1, 10, 1000}) {
        const auto expected = referenceCounts(m_events, from, to, &FixtureEvent::repo, limit);
        QCOMPARE(m_queries->activeRepositories(limit, minutes, at), expected);
    }
}

void TestMetrics::pullRequestIntervalsOfEveryRepository()
{
    QSet<QString> repos;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.type == "PullRequestEvent"_L1 && event.action == "opened"_L1)
            repos.insert(event.repo);
    }
    QVERIFY(repos.size() > 10);
    int withAverage = 0;
    for (const QString &repo : std::as_const(repos)) {
        const QList<qint64> times = referenceOpenedTimes(m_events, repo);
        const PullRequestStats stats = m_queries->averagePullRequestInterval(repo);
        QVERIFY(stats.repositoryKnown);
        QCOMPARE(stats.count, times.size());
        QCOMPARE(stats.openedAt, times);
        QCOMPARE(stats.firstOpenedAt.value(), times.first());
        QCOMPARE(stats.lastOpenedAt.value(), times.last());
        if (times.size() < 2) {
            QVERIFY(!stats.averageSeconds);
            continue;
        }
        ++withAverage;
        double gapsSum = 0;
        QList<qint64> gaps;
        for (qsizetype i = 1; i < times.size(); ++i) {
            gaps << times[i] - times[i - 1];
            gapsSum += double(gaps.last());
        }
        std::sort(gaps.begin(), gaps.end());
        const double median = gaps.size() % 2
            ? double(gaps[gaps.size() / 2])
            : (gaps[gaps.size() / 2 - 1] + gaps[gaps.size() / 2]) / 2.0;
        QCOMPARE(stats.averageSeconds.value(), gapsSum / double(gaps.size()));
        QCOMPARE(stats.medianSeconds.value(), median);
    }
    QVERIFY2(withAverage >= 2, "the samples hold repositories with several opened PRs");
}

void TestMetrics::pullRequestIntervalIsCaseInsensitive()
{
    QString busiest;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.type == "PullRequestEvent"_L1 && event.action == "opened"_L1
            && referenceOpenedTimes(m_events, event.repo).size() >= 2) {
            busiest = event.repo;
            break;
        }
    }
    QVERIFY(!busiest.isEmpty());
    const PullRequestStats upper = m_queries->averagePullRequestInterval(busiest.toUpper());
    const PullRequestStats exact = m_queries->averagePullRequestInterval(busiest);
    QCOMPARE(upper.repository, busiest);
    QCOMPARE(upper.count, exact.count);
    QCOMPARE(upper.averageSeconds, exact.averageSeconds);
}

void TestMetrics::fewerThanTwoPullRequests()
{
    // A repository with events but no opened PR at all.
    QString quiet;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (referenceOpenedTimes(m_events, event.repo).isEmpty()) {
            quiet = event.repo;
            break;
        }
    }
    const PullRequestStats stats = m_queries->averagePullRequestInterval(quiet);
    QVERIFY(stats.repositoryKnown);
    QCOMPARE(stats.count, 0);
    QVERIFY(!stats.averageSeconds);
    QVERIFY(!stats.medianSeconds);
}

void TestMetrics::unknownRepository()
{
    const PullRequestStats stats = m_queries->averagePullRequestInterval(u"nobody/nothing-here"_s);
    QVERIFY(!stats.repositoryKnown);
    QCOMPARE(stats.count, 0);
}

void TestMetrics::eventsPerMinute()
{
    const QDateTime at = utc("2015-01-01T15:05:30Z");
    const int minutes = 5;
    const qint64 to = at.toSecsSinceEpoch();
    // The events inside the window, by minute: the minutes it cuts hold only their part.
    std::map<std::pair<qint64, QString>, qint64> expected;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.createdAt >= to - minutes * 60 && event.createdAt <= to)
            ++expected[{event.createdAt / 60, event.type}];
    }
    const QList<MinuteCount> actual = m_queries->eventsPerMinute(minutes, at);
    QCOMPARE(actual.size(), qsizetype(expected.size()));
    for (const MinuteCount &count : actual)
        QCOMPARE(count.count, (expected[{count.minute, count.type}]));
}

void TestMetrics::latestEvents()
{
    QList<FixtureEvent> sorted = m_events.values();
    std::sort(sorted.begin(), sorted.end(), [](const FixtureEvent &a, const FixtureEvent &b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
    });
    const QList<EventRow> rows
        = m_queries->latestEvents(20, {sorted.last().createdAt, sorted.first().createdAt});
    QCOMPARE(rows.size(), 20);
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(rows[i].id, sorted[i].id);
        QCOMPARE(rows[i].repository, sorted[i].repo);
        QCOMPARE(rows[i].actor, sorted[i].actor);
        QCOMPARE(rows[i].type, sorted[i].type);
    }
}

namespace {

// The tests' own reading of a scope: watched repositories by name, organizations by owner,
// bots by login, all case-insensitive.
struct ReferenceScope
{
    QStringList repositories; // lower case
    QStringList organizations;
    Scope::Bots bots = Scope::Bots::Include;

    bool keeps(const FixtureEvent &event) const
    {
        const QString repository = event.repo.toLower();
        const bool watched = (repositories.isEmpty() && organizations.isEmpty())
            || repositories.contains(repository)
            || std::any_of(organizations.cbegin(), organizations.cend(), [&](const QString &owner) {
                                 return repository.section(u'/', 0, 0) == owner;
                             });
        const QString login = event.actor.toLower();
        const bool bot = login.endsWith("[bot]"_L1) || BotAccounts::knownLogins().contains(login);
        return watched && (bots == Scope::Bots::Include || (bots == Scope::Bots::Only) == bot);
    }
};

} // namespace

void TestMetrics::scopedCounts_data()
{
    QTest::addColumn<bool>("watched");
    QTest::addColumn<int>("bots");
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<int>("minutes");
    for (const bool watched : {false, true}) {
        for (const Scope::Bots bots :
             {Scope::Bots::Include, Scope::Bots::Exclude, Scope::Bots::Only}) {
            const QByteArray name
                = (watched ? "watched, bots " : "all, bots ") + Scope::botsName(bots).toLatin1();
            QTest::newRow(QByteArray(name + ", 2025 hour").constData())
                << watched << int(bots) << utc("2025-01-01T15:30:17Z") << 60;
            QTest::newRow(QByteArray(name + ", everything").constData())
                << watched << int(bots) << utc("2026-01-01T00:00:00Z") << 5256000;
        }
    }
}

// Every scoped metric equals the events the tests' own filter keeps: the watched
// repositories (given in other cases) and one organization, with bots in, out or alone.
void TestMetrics::scopedCounts()
{
    QFETCH(bool, watched);
    QFETCH(int, bots);
    QFETCH(QDateTime, at);
    QFETCH(int, minutes);
    const auto [from, to] = secondsOf(at, minutes);
    const QList<KeyCount> busiest = referenceCounts(m_events, 0, to, &FixtureEvent::repo, 40);
    Scope scope;
    ReferenceScope reference;
    if (watched) {
        // Also a repository where a bot acted in the window, so that every switch counts some.
        QString botRepository;
        for (const FixtureEvent &event : std::as_const(m_events)) {
            if (event.createdAt >= from && event.createdAt <= to
                && event.actor.endsWith("[bot]"_L1)) {
                botRepository = event.repo;
                break;
            }
        }
        scope = Scope::watched(u"watched"_s,
                               {busiest[0].key.toUpper(), busiest[1].key, botRepository,
                                busiest[39].key.section(u'/', 0, 0)});
        reference.repositories
            = {busiest[0].key.toLower(), busiest[1].key.toLower(), botRepository.toLower()};
        reference.organizations = {busiest[39].key.section(u'/', 0, 0).toLower()};
    }
    scope.bots = reference.bots = Scope::Bots(bots);
    QList<FixtureEvent> kept;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.createdAt >= from && event.createdAt <= to && reference.keeps(event))
            kept.append(event);
    }
    QVERIFY2(!kept.isEmpty(), "the scope keeps some events, or the test could not fail");
    QVERIFY(watched || bots != int(Scope::Bots::Include) || kept.size() < m_events.size());
    const TimeWindow window {from, to};
    QCOMPARE(m_queries->typeCounts(window, scope),
             referenceCounts(kept, from, to, &FixtureEvent::type));
    QCOMPARE(m_queries->activeRepositories(10, window, scope),
             referenceCounts(kept, from, to, &FixtureEvent::repo, 10));
    std::map<std::pair<qint64, QString>, qint64> perMinute;
    for (const FixtureEvent &event : std::as_const(kept))
        ++perMinute[{event.createdAt / 60, event.type}];
    const QList<MinuteCount> minutesCounted = m_queries->eventsPerMinute(window, scope);
    QCOMPARE(minutesCounted.size(), qsizetype(perMinute.size()));
    for (const MinuteCount &count : minutesCounted)
        QCOMPARE(count.count, (perMinute[{count.minute, count.type}]));
    std::sort(kept.begin(), kept.end(), [](const FixtureEvent &a, const FixtureEvent &b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
    });
    const QList<EventRow> latest = m_queries->latestEvents(25, window, scope);
    QCOMPARE(latest.size(), std::min<qsizetype>(25, kept.size()));
    for (qsizetype i = 0; i < latest.size(); ++i)
        QCOMPARE(latest[i].id, kept[i].id);
}

// A repository's releases: its ReleaseEvents in the window, any case of its name, with the
// median gap between them.
void TestMetrics::releasesOfARepository()
{
    QHash<QString, QList<qint64>> byRepository;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (event.type == "ReleaseEvent"_L1)
            byRepository[event.repo].append(event.createdAt);
    }
    QString busiest;
    for (auto it = byRepository.cbegin(); it != byRepository.cend(); ++it) {
        if (busiest.isEmpty() || it.value().size() > byRepository[busiest].size())
            busiest = it.key();
    }
    QVERIFY2(!busiest.isEmpty(), "the fixtures hold releases");
    QList<qint64> times = byRepository[busiest];
    std::sort(times.begin(), times.end());
    const ReleaseStats all = m_queries->releases(busiest.toUpper(), {0, times.last()});
    QCOMPARE(all.repository, busiest);
    QCOMPARE(all.publishedAt, times);
    if (times.size() >= 2) {
        QList<qint64> gaps;
        for (qsizetype i = 1; i < times.size(); ++i)
            gaps << times[i] - times[i - 1];
        std::sort(gaps.begin(), gaps.end());
        const qsizetype middle = gaps.size() / 2;
        QCOMPARE(all.medianGapSeconds.value(),
                 gaps.size() % 2 ? double(gaps[middle]) : (gaps[middle - 1] + gaps[middle]) / 2.0);
    }
    // A window that ends before the last release leaves it out.
    QCOMPARE(m_queries->releases(busiest, {0, times.last() - 1}).publishedAt.size(),
             times.size() - 1);
}

// A login without the "[bot]" suffix, known to nobody, whose payload says "type": "Bot": all
// its events count as a bot's, even those whose trimmed payloads do not say; a user's
// payload type changes nothing.
void TestMetrics::aPayloadTypedBotIsABot()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    const auto event = [](int id, const char *actor, const char *type, const QJsonObject &payload) {
        return QJsonDocument(
                   QJsonObject {
                       {u"id"_s, QString::number(id)},
                       {u"type"_s, QString::fromLatin1(type)},
                       {u"actor"_s, QJsonObject {{u"login"_s, QString::fromLatin1(actor)}}},
                       {u"repo"_s, QJsonObject {{u"name"_s, u"conda-forge/feedstock"_s}}},
                       {u"payload"_s, payload},
                       {u"created_at"_s, u"2026-11-01T10:0%1:00Z"_s.arg(id)}})
            .toJson(QJsonDocument::Compact);
    };
    const auto author = [](const char *login, const char *type) {
        return QJsonObject {{u"user"_s,
                             QJsonObject {{u"login"_s, QString::fromLatin1(login)},
                                          {u"type"_s, QString::fromLatin1(type)}}}};
    };
    const QString path = dir.path() + u"/typed.ndjson"_s;
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(event(1, "regro-cf-autotick-bot", "PullRequestEvent",
                     {{u"pull_request"_s, author("regro-cf-autotick-bot", "Bot")}})
               + '\n');
    file.write(event(2, "regro-cf-autotick-bot", "PushEvent", {}) + '\n');
    file.write(event(3, "alice", "IssueCommentEvent", {{u"comment"_s, author("alice", "User")}})
               + '\n');
    // Another login's type says nothing of the actor.
    file.write(event(4, "bob", "IssuesEvent", {{u"issue"_s, author("someone-bot", "Bot")}}) + '\n');
    file.close();
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles({path});
    QCOMPARE(finished.size(), 1);
    MetricsQueries queries(dir.location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));
    const TimeWindow window {utc("2026-11-01T10:00:00Z").toSecsSinceEpoch(),
                             utc("2026-11-01T11:00:00Z").toSecsSinceEpoch()};
    const auto total = [&](Scope::Bots bots) {
        Scope scope;
        scope.bots = bots;
        qint64 events = 0;
        for (const KeyCount &type : queries.typeCounts(window, scope))
            events += type.count;
        return events;
    };
    QCOMPARE(total(Scope::Bots::Only), 2);
    QCOMPARE(total(Scope::Bots::Exclude), 2);
    QCOMPARE(total(Scope::Bots::Include), 4);
}

void TestMetrics::totals()
{
    QCOMPARE(m_queries->eventsStored(), qint64(m_events.size()));
    qint64 latest = 0;
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const FixtureEvent &event : std::as_const(m_events)) {
        latest = std::max(latest, event.createdAt);
        earliest = std::min(earliest, event.createdAt);
    }
    QCOMPARE(m_queries->latestEventAt().value(), latest);
    QCOMPARE(m_queries->storedSpan().value(), std::pair(earliest, latest));
}

void TestMetrics::repositoryCompletion()
{
    const QString some = m_events.cbegin()->repo;
    const QString prefix = some.left(3).toUpper();
    const QStringList names = m_queries->repositoryNames(prefix, 1000);
    QVERIFY(names.contains(some));
    for (const QString &name : names)
        QVERIFY(name.startsWith(prefix, Qt::CaseInsensitive));
    QSet<QString> allRepos;
    for (const FixtureEvent &event : std::as_const(m_events))
        allRepos.insert(event.repo.toLower());
    QCOMPARE(m_queries->repositoryNames(QString(), 100000).size(), allRepos.size());
}

namespace {

// Deletes gold's row of `table` whose `column` is `value`, behind the store's back.
int deleteFromGold(const StoreLocation &location, const QString &table, const QString &column,
                   const QString &value)
{
    int deleted = -1;
    {
        QString error;
        QSqlDatabase gold = Database::open(location, u"damage"_s, false, &error);
        QSqlQuery remove(gold);
        if (gold.isOpen()
            && remove.prepare(u"DELETE FROM gold.%1 WHERE %2 = ?"_s.arg(table, column))) {
            remove.addBindValue(value);
            if (remove.exec())
                deleted = remove.numRowsAffected();
        }
        remove.finish();
        Database::close(gold);
    }
    return deleted;
}

} // namespace

// The ranking names its repositories from gold.repos, and on SQLite the type counts their
// types from gold.types: a counted key without a name there is a store error, never a bar
// with an empty name or events dropped without a word.
void TestMetrics::aRepositoryGoldCannotNameIsAnError()
{
    SKIP_ON_CLICKHOUSE("it keeps no gold table of names: a ranking names what it counts");
    const QDateTime at = utc("2025-01-01T15:30:00Z");
    const QList<KeyCount> top = m_queries->activeRepositories(1, 60, at);
    QCOMPARE(top.size(), 1);
    QCOMPARE(deleteFromGold(m_dir.location(), u"repos"_s, u"repo_name"_s, top.first().key), 1);
    QVERIFY_THROWS_EXCEPTION(StoreUnavailable, m_queries->activeRepositories(1, 60, at));
    if (TestStorage::onPostgres())
        return; // its type counts are keyed by name

    const QList<KeyCount> types = m_queries->eventCounts(60, at);
    QVERIFY(!types.isEmpty());
    QCOMPARE(deleteFromGold(m_dir.location(), u"types"_s, u"name"_s, types.last().key), 1);
    QVERIFY_THROWS_EXCEPTION(StoreUnavailable, m_queries->eventCounts(60, at));
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
