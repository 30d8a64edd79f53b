#include "collect/bronzestore.h"
#include "collect/repositorywatcher.h"
#include "collect/watchlist.h"
#include "event/clock.h"
#include "fakegithub.h"
#include "feed2026.h"
#include "ingest/pipeline.h"
#include "query/metricsqueries.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

const QDateTime start = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

} // namespace

// Watched repositories against the stand-in, with a manual clock.
class TestWatch : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void backfillFollowsLinkAndStopsAtTheHorizon_data();
    void backfillFollowsLinkAndStopsAtTheHorizon();
    void historyGivesCadenceAndTimeToMerge();
    void historyIsRefreshedIncrementally();
    void historyCountsOnlyTheHorizon();
    void pullRequestEventsUpdateTheHistoryAtOnce();
    void repositoryFeedUsesItsOwnEtag();
    void manyWatchedRepositoriesShareTheBudget();
    void theBudgetCountsEachSourceAndNot304s();
    void aHundredRepositoriesAndTheFeedShareTheBudget();
    void eventsDeduplicateAcrossFeeds();
    void unknownRepositoryIsAClearError();
    void failedHistoryIsRetriedSoonThenLessOften();
    void aNewTokenReachesEveryFetch();
    void watchlistPersistsAndValidates();
    void watchlistIsCapped();
    void historiesAreFetchedOneAtATime();
    void standInServesStarHistoryAsGitHubDoes();
    void starHistoryIsStoredAndCounted();
    void aGapInAWatchedFeedShowsInTheQualityBlock();
    void aGapAcrossARestartIsMeasured();
    void anOrganizationsFeedIsCountedInTheWatchedScope();
    void anOrganizationsRepositoriesAreListedAndWatched();

private:
    void runUntilIdle(int steps);
    void settle();
    // The 2026 stand-in's feed moving at 20 events a second, and the options of a poller of
    // `repository`'s feed on it.
    PollerOptions busyRepositoryFeed(const QString &repository);
    void watch(const QStringList &names, const PullRequestBackfill::Options &backfill = {});
    void ingestBronze();
    // Watches a repository the stand-in gives `pullRequests` over `spanDays`, until its
    // first fetch is done.
    void watchHistory(const QString &repository, int pullRequests, int spanDays);
    PullRequestStats statsOf(const QString &repository);
    void compareWithTheStandIn(const QString &repository, int horizonDays);

    std::unique_ptr<TestStorage> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<BronzeStore> m_bronze;
    std::unique_ptr<Watchlist> m_watchlist;
    RateBudget m_budget;
    std::unique_ptr<RepositoryWatcher> m_watcher;
    qint64 m_answered = 0; // requests the stand-in answered
};

void TestWatch::init()
{
    m_dir = std::make_unique<TestStorage>();
    REQUIRE_STORAGE(*m_dir);
    m_clock = std::make_unique<ManualClock>(start);
    m_github = std::make_unique<FakeGitHub>(m_clock.get());
    QVERIFY(m_github->listen());
    m_answered = 0;
    connect(m_github.get(), &FakeGitHub::responded, this, [this] { ++m_answered; });
    m_bronze = std::make_unique<BronzeStore>(m_dir->path());
    m_watchlist = std::make_unique<Watchlist>(m_dir->path());
    m_budget = RateBudget();
}

void TestWatch::cleanup()
{
    m_watcher.reset();
    m_github.reset();
}

void TestWatch::watch(const QStringList &names, const PullRequestBackfill::Options &backfill)
{
    PollerOptions poller;
    poller.apiUrl = m_github->url();
    poller.timeoutMs = 2000;
    PullRequestBackfill::Options options = backfill;
    options.apiUrl = m_github->url();
    m_watcher = std::make_unique<RepositoryWatcher>(poller, options, m_watchlist.get(),
                                                    m_bronze.get(), m_clock.get(), &m_budget);
    for (const QString &name : names) {
        QString error;
        QVERIFY(m_watchlist->add(name, &error));
    }
    m_watcher->reconcile();
}

// Lets network replies arrive, then moves the clock to the next scheduled action.
void TestWatch::runUntilIdle(int steps)
{
    for (int i = 0; i < steps; ++i) {
        settle();
        QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending(), 5000);
        m_clock->advanceToNext();
    }
    settle();
}

// Until every request the stand-in received is answered and no new one came for a while:
// the clock must not move while a page is on its way.
void TestWatch::settle()
{
    for (int still = 0; still < 3;) {
        const qint64 seen = m_github->requestCount();
        QTest::qWait(10);
        still = seen == m_github->requestCount() && m_answered == seen ? still + 1 : 0;
    }
}

PollerOptions TestWatch::busyRepositoryFeed(const QString &repository)
{
    m_github->setEra(FakeGitHub::Era::Y2026);
    m_github->setSyntheticFeed(20.0);
    m_clock->advanceBy(600 * 1000);
    m_github->addRepository(repository, 2, 5);
    PollerOptions options;
    options.apiUrl = m_github->url();
    options.path = u"/repos/%1/events"_s.arg(repository);
    options.bronzeFolder = u"repos/"_s + repository;
    options.budgetSource = u"repository"_s;
    return options;
}

void TestWatch::ingestBronze()
{
    Pipeline pipeline(m_dir->location());
    QVERIFY(pipeline.open());
    pipeline.catchUp();
}

void TestWatch::backfillFollowsLinkAndStopsAtTheHorizon_data()
{
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("pages");
    QTest::newRow("30 days of 60") << 30 << 1000 << 2;
    QTest::newRow("50 pull requests") << 90 << 50 << 1;
    QTest::newRow("everything") << 90 << 1000 << 2;
}

void TestWatch::backfillFollowsLinkAndStopsAtTheHorizon()
{
    QFETCH(int, days);
    QFETCH(int, count);
    QFETCH(int, pages);
    m_github->addRepository(u"acme/widgets"_s, 200, 60);
    PullRequestBackfill backfill({m_github->url(), {}, days, count, 2000}, u"acme/widgets"_s,
                                 m_bronze.get(), m_clock.get(), &m_budget);
    QSignalSpy finished(&backfill, &PullRequestBackfill::finished);
    backfill.start();
    QVERIFY(finished.wait());
    QList<QByteArray> targets;
    for (const FakeGitHub::Request &request : m_github->requests())
        targets << request.target;
    QCOMPARE(targets.size(), pages);
    QCOMPARE(
        targets.first(),
        QByteArray("/repos/acme/widgets/pulls?state=all&sort=created&direction=desc&per_page=100"));
    if (pages > 1)
        QVERIFY(targets[1].endsWith("&page=2")); // from Link, not built by hand
    QCOMPARE(finished.first().at(1).toInt(), pages * 100);
}

namespace {

// Of sorted durations: the middle one (the mean of the two middle ones), and the nearest
// rank p90.
double medianOf(const QList<qint64> &sorted)
{
    const qsizetype middle = sorted.size() / 2;
    return sorted.size() % 2 ? double(sorted[middle]) : (sorted[middle - 1] + sorted[middle]) / 2.0;
}

double p90Of(const QList<qint64> &sorted)
{
    return double(sorted[qsizetype(std::ceil(0.9 * double(sorted.size()))) - 1]);
}

} // namespace

void TestWatch::historyGivesCadenceAndTimeToMerge()
{
    m_github->addRepository(u"acme/widgets"_s, 200, 60);
    watch({u"acme/widgets"_s}, {{}, {}, 90, 1000, 2000});
    runUntilIdle(2);
    ingestBronze();

    // The reference, straight from the stand-in's history.
    QList<qint64> opened;
    QList<qint64> toMerge;
    QList<qint64> toClose;
    qint64 open = 0;
    for (const FakeGitHub::PullRequest &pr : m_github->pullRequests(u"acme/widgets"_s)) {
        opened << pr.createdAt;
        if (pr.mergedAt >= 0)
            toMerge << pr.mergedAt - pr.createdAt;
        if (pr.closedAt >= 0)
            toClose << pr.closedAt - pr.createdAt;
        open += pr.closedAt < 0;
    }
    std::sort(opened.begin(), opened.end());
    std::sort(toMerge.begin(), toMerge.end());
    std::sort(toClose.begin(), toClose.end());
    QList<qint64> gaps;
    for (qsizetype i = 1; i < opened.size(); ++i)
        gaps << opened[i] - opened[i - 1];
    std::sort(gaps.begin(), gaps.end());

    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY(queries.open(&error));
    const PullRequestStats stats
        = queries.averagePullRequestInterval(u"ACME/Widgets"_s, m_clock->now());
    QVERIFY(stats.repositoryKnown);
    QCOMPARE(stats.source, u"history"_s);
    QCOMPARE(stats.count, 200);
    QCOMPARE(stats.averageSeconds.value(), double(opened.last() - opened.first()) / 199.0);
    QCOMPARE(gaps.size(), 199);
    QCOMPARE(stats.medianSeconds.value(), double(gaps[99]));
    QCOMPARE(stats.merged, toMerge.size());
    QCOMPARE(stats.mergeMedianSeconds.value(), medianOf(toMerge));
    QCOMPARE(stats.mergeP90Seconds.value(), p90Of(toMerge));
    QCOMPARE(stats.open, open);
    QCOMPARE(stats.closed, toClose.size());
    QVERIFY(toClose.size() > toMerge.size()); // some closed without a merge
    QCOMPARE(stats.closeMedianSeconds.value(), medianOf(toClose));
    QCOMPARE(stats.closeP90Seconds.value(), p90Of(toClose));
    QVERIFY(m_watchlist->status(u"acme/widgets"_s).contains("200"_L1));
}

void TestWatch::watchHistory(const QString &repository, int pullRequests, int spanDays)
{
    m_github->addRepository(repository, pullRequests, spanDays);
    watch({repository}, {{}, {}, 90, 1000, 2000, 15});
    QTRY_VERIFY(m_watchlist->status(repository).contains(u"%1 pull requests"_s.arg(pullRequests)));
}

PullRequestStats TestWatch::statsOf(const QString &repository)
{
    MetricsQueries queries(m_dir->location());
    QString error;
    if (!queries.open(&error))
        qFatal("cannot open the store: %s", qPrintable(error));
    return queries.averagePullRequestInterval(repository, m_clock->now());
}

// The stored history's numbers against the stand-in's own pull requests created inside
// the horizon.
void TestWatch::compareWithTheStandIn(const QString &repository, int horizonDays)
{
    const qint64 since = m_clock->now().toSecsSinceEpoch() - qint64(horizonDays) * 86400;
    qint64 count = 0, merged = 0, open = 0;
    for (const FakeGitHub::PullRequest &pr : m_github->pullRequests(repository)) {
        if (pr.createdAt < since)
            continue;
        ++count;
        merged += pr.mergedAt >= 0;
        open += pr.closedAt < 0;
    }
    const PullRequestStats stats = statsOf(repository);
    QCOMPARE(stats.source, u"history"_s);
    QCOMPARE(stats.count, count);
    QCOMPARE(stats.merged, merged);
    QCOMPARE(stats.open, open);
    QCOMPARE(stats.horizonDays, horizonDays);
    QCOMPARE(stats.horizonFrom.value(), since);
}

// A pull request opened, and one merged, after the first fetch count within one refresh
// period; the refresh reads only what was updated since the previous fetch.
void TestWatch::historyIsRefreshedIncrementally()
{
    const QString repository = u"acme/widgets"_s;
    watchHistory(repository, 250, 60);
    const int fullFetch = m_github->requestCount();

    m_clock->advanceBy(5 * 60 * 1000);
    const QDateTime changedAt = m_clock->now();
    const int opened = m_github->openPullRequest(repository, u"newcomer"_s);
    int merged = 0;
    for (const FakeGitHub::PullRequest &pr : m_github->pullRequests(repository))
        merged = pr.closedAt < 0 && pr.number != opened ? pr.number : merged;
    QVERIFY(merged > 0);
    m_github->mergePullRequest(repository, merged);

    // Every status the repository shows, and when the stand-in was asked for updates.
    QStringList statuses;
    const auto reported = [&](QLatin1StringView text) {
        const QString status = m_watchlist->status(repository);
        if (statuses.isEmpty() || statuses.last() != status)
            statuses << status;
        return statuses.join(u'\n').contains(text);
    };
    QList<QDateTime> asked;
    connect(m_github.get(), &FakeGitHub::responded, this, [&](const QByteArray &target) {
        if (target.contains("sort=updated"))
            asked << m_clock->now();
    });
    // The status is read just before the clock moves: a move may start the next refresh.
    for (;;) {
        QTest::qWait(20);
        QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending(), 5000);
        if (reported("current"_L1) || changedAt.secsTo(m_clock->now()) > 3600)
            break;
        m_clock->advanceToNext();
    }
    QTRY_VERIFY2(reported("(2 updated)"_L1), qPrintable(statuses.join(u'\n')));
    QVERIFY(!asked.isEmpty());
    QVERIFY(changedAt.secsTo(asked.first()) <= 15 * 60);

    QByteArrayList refreshes;
    for (const FakeGitHub::Request &request : m_github->requests().mid(fullFetch)) {
        if (request.target.contains("/pulls"))
            refreshes << request.target;
    }
    // One page of the most recently updated: not the history again.
    QVERIFY(!refreshes.isEmpty());
    for (const QByteArray &target : std::as_const(refreshes))
        QCOMPARE(target,
                 QByteArray("/repos/acme/widgets/pulls?state=all&sort=updated&direction=desc"
                            "&per_page=100"));
    ingestBronze();
    compareWithTheStandIn(repository, 90);
    QCOMPARE(statsOf(repository).lastOpenedAt.value(), changedAt.toSecsSinceEpoch());
}

// 300 pull requests over 120 days with a 90-day horizon: the fetch reads whole pages
// past the horizon, and only the pull requests created inside it count.
void TestWatch::historyCountsOnlyTheHorizon()
{
    const QString repository = u"acme/widgets"_s;
    watchHistory(repository, 300, 120);
    ingestBronze();
    compareWithTheStandIn(repository, 90);
    QVERIFY(statsOf(repository).count < 300);
}

// Between refreshes, PullRequestEvents of a watched repository update its history at
// once; those of other repositories leave theirs (they have none) alone.
void TestWatch::pullRequestEventsUpdateTheHistoryAtOnce()
{
    SKIP_ON_CLICKHOUSE("its history is as the last refresh left it (README, History at scale)");
    const QString repository = u"acme/widgets"_s;
    watchHistory(repository, 40, 20);
    ingestBronze();

    const QList<FakeGitHub::PullRequest> before = m_github->pullRequests(repository);
    QList<int> openNumbers;
    for (const FakeGitHub::PullRequest &pr : before) {
        if (pr.closedAt < 0)
            openNumbers << pr.number;
    }
    QVERIFY(openNumbers.size() >= 2);
    const int toMerge = openNumbers[0];
    const int toClose = openNumbers[1];
    const QString at = m_clock->now().toString(Qt::ISODate);
    const auto event = [&at](int id, const QString &name, const QString &action, int number,
                             const char *merged) {
        return u"{\"id\":\"%1\",\"type\":\"PullRequestEvent\",\"created_at\":\"%2\","
               "\"repo\":{\"id\":7,\"name\":\"%3\"},\"actor\":{\"id\":9,\"login\":\"someone\"},"
               "\"payload\":{\"action\":\"%4\",\"number\":%5,\"pull_request\":{%6}}}\n"_s.arg(id)
                   .arg(at, name, action)
                   .arg(number)
                   .arg(QLatin1StringView(merged));
    };
    QTemporaryDir dir;
    QFile file(dir.filePath(u"feed.ndjson"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write((event(900001, repository, u"opened"_s, 41, "\"merged\":false")
                + event(900002, repository, u"closed"_s, toMerge, "\"merged\":true")
                + event(900003, repository, u"closed"_s, toClose, "")
                + event(900004, u"other/repo"_s, u"opened"_s, 5, ""))
                   .toUtf8());
    file.close();
    Pipeline pipeline(m_dir->location());
    QVERIFY(pipeline.open());
    pipeline.importFiles({file.fileName()});

    const PullRequestStats stats = statsOf(repository);
    qint64 merged = 0, open = 0;
    for (const FakeGitHub::PullRequest &pr : before) {
        merged += pr.mergedAt >= 0;
        open += pr.closedAt < 0;
    }
    QCOMPARE(stats.count, before.size() + 1);
    QCOMPARE(stats.lastOpenedAt.value(), m_clock->now().toSecsSinceEpoch());
    QCOMPARE(stats.merged, merged + 1); // the trimmed close leaves its merge to the refresh
    QCOMPARE(stats.open, open + 1 - 2);
    QCOMPARE(statsOf(u"other/repo"_s).source, u"events"_s);
}

void TestWatch::repositoryFeedUsesItsOwnEtag()
{
    m_github->setSyntheticFeed(5.0);
    m_clock->advanceBy(120 * 1000);
    m_github->addRepository(u"org0/project-0"_s, 3, 10);
    watch({u"org0/project-0"_s});
    runUntilIdle(3);
    QByteArrayList conditional;
    for (const FakeGitHub::Request &request : m_github->requests()) {
        if (request.target.startsWith("/repos/org0/project-0/events")
            && request.headers.contains("if-none-match"))
            conditional << request.target;
    }
    QVERIFY(!conditional.isEmpty());
    const QStringList pages = m_bronze->listSources();
    QVERIFY(std::any_of(pages.cbegin(), pages.cend(), [](const QString &path) {
        return path.contains("/bronze/repos/org0/project-0/"_L1) && path.contains("/events_"_L1);
    }));
}

void TestWatch::manyWatchedRepositoriesShareTheBudget()
{
    m_github->setSyntheticFeed(5.0);
    m_github->setRateLimit(60, 3600);
    m_github->setPollInterval(1);
    QStringList names;
    for (int i = 0; i < 5; ++i) {
        names << u"org%1/project-%1"_s.arg(i);
        m_github->addRepository(names.last(), 2, 5);
    }
    watch(names);
    PollerOptions options;
    options.apiUrl = m_github->url();
    options.intervalSeconds = 1;
    GitHubPoller publicFeed(options, m_bronze.get(), m_clock.get(), &m_budget);
    publicFeed.start();
    while (m_clock->now() < start.addSecs(2 * 3600)) {
        QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending() && !publicFeed.isRequestInFlight(), 5000);
        QTest::qWait(5);
        m_clock->advanceToNext();
    }
    QCOMPARE(m_github->refusedCount(), 0);
    QVERIFY2(m_github->requestCount() >= 60, QByteArray::number(m_github->requestCount()));
}

// What each source spent, as the budget counts it, is what the stand-in answered with a
// counted 200 to that source's requests; its 304s cost nothing.
void TestWatch::theBudgetCountsEachSourceAndNot304s()
{
    m_github->setSyntheticFeed(5.0);
    m_github->setPollInterval(1);
    QMap<QString, qint64> answered;
    qint64 notModified = 0;
    connect(m_github.get(), &FakeGitHub::responded, this,
            [&](const QByteArray &target, int status) {
                notModified += status == 304;
                if (status != 200)
                    return;
                // The repository's counts are read with its star history.
                const QString source = !target.startsWith("/repos/") ? u"feed"_s
                    : target.contains("/stargazers/history")         ? u"stars"_s
                    : target.count('/') == 3                         ? u"stars"_s
                    : target.contains("/pulls")                      ? u"pulls"_s
                    : target.contains("/events")                     ? u"repository"_s
                                                                     : u"other"_s;
                ++answered[source];
            });
    m_github->addRepository(u"org0/project-0"_s, 3, 10);
    m_github->addRepository(u"org1/project-1"_s, 3, 10);
    watch({u"org0/project-0"_s, u"org1/project-1"_s});
    PollerOptions options;
    options.apiUrl = m_github->url();
    options.intervalSeconds = 1;
    GitHubPoller publicFeed(options, m_bronze.get(), m_clock.get(), &m_budget);
    publicFeed.start();
    // Five minutes of a moving feed, then five of a still one, answered 304.
    for (const int until : {300, 600}) {
        while (m_clock->now() < start.addSecs(until)) {
            QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending() && !publicFeed.isRequestInFlight(),
                                     5000);
            QTest::qWait(5);
            m_clock->advanceToNext();
        }
        m_github->pause();
    }
    QTest::qWait(100);
    QVERIFY2(notModified > 0, "some polls were answered 304");
    QCOMPARE(answered.value(u"other"_s), 0);
    for (const QString &source : {u"feed"_s, u"repository"_s, u"pulls"_s, u"stars"_s})
        QVERIFY2(answered.value(source) > 0, qPrintable(source));
    QCOMPARE(m_budget.spent(), answered);
    double shares = 0;
    for (const auto &[source, share] : RateBudget::sharesOf(m_budget.spent()))
        shares += share;
    QCOMPARE(shares, 1.0);
}

// A hundred busy watched repositories, their histories and star histories, beside the
// public feed: for an hour of the stand-in's clock, nothing is refused, the requests stay
// within the limit, and each source gets all it asks for or at least its share of the plan.
void TestWatch::aHundredRepositoriesAndTheFeedShareTheBudget()
{
    constexpr int limit = 5000;
    constexpr int repositories = Watchlist::defaultMaximum;
    m_github->setSyntheticFeed(5.0);
    m_github->setRateLimit(limit, 3600);
    QMap<QString, qint64> charged; // requests answered 200, by source
    QSet<QString> polledRepositories;
    connect(m_github.get(), &FakeGitHub::responded, this,
            [&](const QByteArray &target, int status) {
                if (status != 200 || m_clock->now() >= start.addSecs(3600))
                    return;
                const QString path = QString::fromUtf8(target);
                const QString source = !path.startsWith("/repos/"_L1) ? u"feed"_s
                    : path.contains("/stargazers/history"_L1)         ? u"stars"_s
                    : path.count(u'/') == 3                           ? u"stars"_s
                    : path.contains("/pulls"_L1)                      ? u"pulls"_s
                                                                      : u"repository"_s;
                ++charged[source];
                if (source == "repository"_L1)
                    polledRepositories.insert(path.section(u'/', 2, 3));
            });
    QStringList names;
    for (int i = 0; i < repositories; ++i) {
        names << QString::fromUtf8(SyntheticEvents::repositoryName(i));
        m_github->addRepository(names.last(), 150, 60); // two pages of history each
    }
    watch(names);
    PollerOptions options;
    options.apiUrl = m_github->url();
    GitHubPoller publicFeed(options, m_bronze.get(), m_clock.get(), &m_budget);
    publicFeed.start();
    qint64 feedPolls = 0;
    connect(&publicFeed, &GitHubPoller::snapshotChanged, this, [&](const PollerSnapshot &s) {
        feedPolls += s.state == PollerSnapshot::State::UpToDate;
    });
    // Each step: every request sent is answered and handled, then the clock moves on.
    while (m_clock->now() < start.addSecs(3600)) {
        settle();
        // What is due in the next five seconds runs in one step.
        QVERIFY(m_clock->hasPending());
        const QDateTime stepEnd = m_clock->now().addSecs(5);
        do
            m_clock->advanceToNext();
        while (m_clock->hasPending() && m_clock->now().addMSecs(m_clock->nextDelayMs()) <= stepEnd);
    }
    const RateBudget::Shares plan = m_budget.plan();
    qint64 total = 0;
    for (const qint64 requests : std::as_const(charged))
        total += requests;
    qInfo() << "an hour's requests by source" << charged << "plan" << plan << "feed polls"
            << feedPolls;
    QCOMPARE(m_github->refusedCount(), 0);
    QVERIFY2(total <= limit, qPrintable(QString::number(total)));
    // The feed, the pull-request and the star histories ask for less than their shares, and
    // get all they ask: a poll a minute, two pages of each history, and each repository's
    // counts.
    QVERIFY2(feedPolls >= 50, qPrintable(QString::number(feedPolls)));
    QVERIFY(charged.value(u"pulls"_s) >= 2 * repositories);
    QCOMPARE(charged.value(u"stars"_s), 3 * repositories); // the counts and two weeks' pages
    // The repositories ask for more: they get at least their share.
    QVERIFY(charged.value(u"repository"_s) >= plan.value(u"repository"_s) * limit);
    QCOMPARE(polledRepositories.size(), repositories);
}

void TestWatch::eventsDeduplicateAcrossFeeds()
{
    m_github->setSyntheticFeed(5.0);
    m_clock->advanceBy(60 * 1000);
    m_github->addRepository(u"org0/project-0"_s, 2, 5);
    watch({u"org0/project-0"_s});
    PollerOptions options;
    options.apiUrl = m_github->url();
    GitHubPoller publicFeed(options, m_bronze.get(), m_clock.get(), &m_budget);
    publicFeed.start();
    runUntilIdle(2);

    QSet<qint64> distinct;
    qint64 fromRepositoryFeed = 0;
    for (const QString &path : m_bronze->listSources()) {
        if (BronzeStore::isPullRequestPage(path) || BronzeStore::isStarHistoryPage(path))
            continue;
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        for (const QJsonValue &event : QJsonDocument::fromJson(file.readAll()).array()) {
            const qint64 id = event["id"_L1].toString().toLongLong();
            fromRepositoryFeed += path.contains("/repos/"_L1) && distinct.contains(id);
            distinct.insert(id);
        }
    }
    QVERIFY2(fromRepositoryFeed > 0, "the repository feed repeats events of the public feed");
    ingestBronze();
    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY(queries.open(&error));
    QCOMPARE(queries.eventsStored(), qint64(distinct.size()));
}

void TestWatch::unknownRepositoryIsAClearError()
{
    watch({u"nobody/nothing"_s});
    QTRY_VERIFY(m_watchlist->status(u"nobody/nothing"_s).startsWith("error"_L1));
    QVERIFY(m_watchlist->status(u"nobody/nothing"_s).contains("404"_L1));
}

// A history that cannot be fetched is tried again after 30 s, then at doubling intervals
// up to 30 minutes, rather than once every 10 minutes. The status announces each wait.
void TestWatch::failedHistoryIsRetriedSoonThenLessOften()
{
    int attempts = 0;
    connect(m_github.get(), &FakeGitHub::responded, this,
            [&attempts](const QByteArray &target, int status) {
                attempts += target.contains("/pulls") && status == 404;
            });
    watch({u"nobody/nothing"_s});
    static const QRegularExpression wait(uR"(retrying in (\d+) s)"_s);
    QList<qint64> announced;
    while (m_clock->now() < start.addSecs(2 * 3600)) {
        QTest::qWait(20);
        const QRegularExpressionMatch match = wait.match(m_watchlist->status(u"nobody/nothing"_s));
        if (match.hasMatch()
            && (announced.isEmpty() || announced.last() != match.captured(1).toLongLong()))
            announced.append(match.captured(1).toLongLong());
        QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending(), 5000);
        m_clock->advanceToNext();
    }
    QTest::qWait(50);
    QCOMPARE(announced, (QList<qint64> {30, 60, 120, 240, 480, 960, 1800}));
    QVERIFY2(attempts >= 8, qPrintable(QString::number(attempts)));
}

// A token changed in Settings reaches the lists already created: refused with the old one,
// the histories and the star history are fetched with the new one at their next try.
void TestWatch::aNewTokenReachesEveryFetch()
{
    const QString repository = u"acme/widgets"_s;
    m_github->addRepository(repository, 5, 30);
    m_github->setRequiredToken("new-token");
    watch({repository});
    const auto runUntilStatus = [&](const char *text) {
        for (int step = 0;
             step < 20 && !m_watchlist->status(repository).contains(QLatin1StringView(text));
             ++step)
            runUntilIdle(1);
        return m_watchlist->status(repository).contains(QLatin1StringView(text));
    };
    QVERIFY2(runUntilStatus("HTTP 401"), qPrintable(m_watchlist->status(repository)));
    m_watcher->reconfigure(u"new-token"_s, 60, 3);
    QVERIFY2(runUntilStatus("5 pull requests"), qPrintable(m_watchlist->status(repository)));
    runUntilIdle(2);
    const QStringList pages = m_bronze->listSources();
    QVERIFY(std::any_of(pages.cbegin(), pages.cend(), [](const QString &path) {
        return QFileInfo(path).fileName().startsWith("stars_"_L1);
    }));
}

void TestWatch::watchlistPersistsAndValidates()
{
    QString error;
    QVERIFY(m_watchlist->add(u"Qt/qtbase"_s, &error));
    QVERIFY(m_watchlist->add(u"octokit/octokit.rb"_s, &error));
    QVERIFY(!m_watchlist->add(u"../etc"_s, &error));
    QVERIFY(error.contains("owner/name"_L1));
    QVERIFY(!m_watchlist->add(u"a/b/c"_s, &error));
    QVERIFY(!m_watchlist->add(u"dots.are.no.login"_s, &error));
    QVERIFY(m_watchlist->add(u"an-organization"_s, &error)); // a login: an organization
    QVERIFY(m_watchlist->add(u"qt/QTBASE"_s, &error)); // already there
    QVERIFY(m_watchlist->remove(u"OCTOKIT/octokit.rb"_s));
    QVERIFY(!m_watchlist->remove(u"not/watched"_s));
    // Groups: named, their members watched too, kept in the same file.
    QVERIFY(m_watchlist->setGroup(u"my team"_s, {u"Qt/qtbase"_s, u"acme/tools"_s}, &error));
    QVERIFY(m_watchlist->names().contains(u"acme/tools"_s));
    QVERIFY(!m_watchlist->setGroup(u"watched"_s, {}, &error));
    QVERIFY(!m_watchlist->setGroup(u"a/b"_s, {}, &error));
    QVERIFY(!m_watchlist->setGroup(u"bad"_s, {u"../etc"_s}, &error));
    QVERIFY(m_watchlist->remove(u"acme/tools"_s)); // leaves its groups too
    const Watchlist reloaded(m_dir->path());
    QCOMPARE(reloaded.names(), (QStringList {u"Qt/qtbase"_s, u"an-organization"_s}));
    QCOMPARE(reloaded.groups(), (QMap<QString, QStringList> {{u"my team"_s, {u"Qt/qtbase"_s}}}));
    QVERIFY(m_watchlist->removeGroup(u"my team"_s));
    QVERIFY(!m_watchlist->removeGroup(u"my team"_s));
}

// Each watched repository costs a poller and a share of the rate limit: the list has a
// maximum, also when it is read back from its file.
void TestWatch::watchlistIsCapped()
{
    QTemporaryDir dir;
    {
        Watchlist small(dir.path(), 3);
        QString error;
        for (int i = 0; i < 3; ++i)
            QVERIFY(small.add(u"org/p%1"_s.arg(i), &error));
        QVERIFY(small.add(u"org/P1"_s, &error)); // already there: no new entry
        QVERIFY(!small.add(u"org/p3"_s, &error));
        QVERIFY2(error.contains("at most 3"_L1), qPrintable(error));
        QCOMPARE(small.names().size(), 3);
    }
    QCOMPARE(Watchlist(dir.path(), 2).names().size(), 2);
}

// Ten repositories added at once: their histories come one after another, not ten at a
// time, so the public feed keeps its share of the rate limit.
void TestWatch::historiesAreFetchedOneAtATime()
{
    QStringList names;
    for (int i = 0; i < 10; ++i) {
        names << u"org%1/project-%1"_s.arg(i);
        m_github->addRepository(names.last(), 150, 30); // two pages of history each
    }
    watch(names);
    QTRY_VERIFY_WITH_TIMEOUT(m_watchlist->status(names.last()).startsWith("history:"_L1), 20000);
    // Every repository's /pulls requests come in one run, never interleaved with another's.
    QStringList order;
    for (const FakeGitHub::Request &request : m_github->requests()) {
        const QString target = QString::fromLatin1(request.target);
        if (!target.contains("/pulls"_L1))
            continue;
        const QString repository = target.section(u'/', 2, 3);
        if (order.isEmpty() || order.last() != repository) {
            QVERIFY2(!order.contains(repository), qPrintable(repository));
            order << repository;
        }
    }
    QCOMPARE(order.size(), names.size());
    for (const QString &name : names)
        QVERIFY2(m_watchlist->status(name).startsWith("history:"_L1),
                 qPrintable(m_watchlist->status(name)));
}

QTEST_GUILESS_MAIN(TestWatch)
// The stand-in's star history, the reference of the star tests, in GitHub's shape: weeks
// from Sunday 00:00 UTC, newest first, seven days each, at most 30 a page and 100 pages,
// their days summing to the repository's stargazers_count.
void TestWatch::standInServesStarHistoryAsGitHubDoes()
{
    const QString repository = u"acme/widgets"_s;
    m_github->addRepository(repository, 5, 30);
    QNetworkAccessManager network;
    const auto get = [&](const QString &path, int *status) {
        std::unique_ptr<QNetworkReply> reply(
            network.get(QNetworkRequest(m_github->url().resolved(QUrl(path)))));
        *status = QTest::qWaitFor([&reply] { return reply->isFinished(); }, 5000)
            ? reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()
            : 0;
        return QJsonDocument::fromJson(reply->readAll());
    };
    int status = 0;
    const QJsonObject object = get(u"/repos/%1"_s.arg(repository), &status).object();
    QCOMPARE(status, 200);
    QCOMPARE(object["stargazers_count"_L1].toInt(), m_github->starCount(repository));

    QList<QJsonObject> weeks;
    for (int page = 1;; ++page) {
        const QJsonArray items
            = get(u"/repos/%1/stargazers/history?per_page=100&page=%2"_s.arg(repository).arg(page),
                  &status)
                  .array();
        if (status != 200)
            break;
        QVERIFY(items.size() <= 30);
        for (const QJsonValue &week : items)
            weeks << week.toObject();
    }
    QCOMPARE(status, 422); // past the last page
    QVERIFY(weeks.size() >= FakeGitHub::starHistoryDays / 7);
    qint64 sum = 0;
    for (qsizetype i = 0; i < weeks.size(); ++i) {
        const QDateTime sunday
            = QDateTime::fromSecsSinceEpoch(weeks[i]["week"_L1].toInteger(), Qt::UTC);
        QCOMPARE(sunday.date().dayOfWeek(), 7);
        QCOMPARE(sunday.time(), QTime(0, 0));
        if (i > 0)
            QCOMPARE(weeks[i - 1]["week"_L1].toInteger() - weeks[i]["week"_L1].toInteger(),
                     7 * 86400);
        const QJsonArray days = weeks[i]["days"_L1].toArray();
        QCOMPARE(days.size(), 7);
        int total = 0;
        for (int day = 0; day < 7; ++day) {
            QCOMPARE(days[day].toInt(), m_github->starsOn(repository, sunday.date().addDays(day)));
            total += days[day].toInt();
        }
        QCOMPARE(weeks[i]["total"_L1].toInt(), total);
        sum += total;
    }
    QCOMPARE(sum, m_github->starCount(repository));
    QVERIFY(sum > 0);
    get(u"/repos/nobody/nothing/stargazers/history"_s, &status);
    QCOMPARE(status, 404);
}

// A watched repository's star history reaches gold: each day's stars, a window's stars
// gained and the total back to the horizon equal the stand-in's script.
void TestWatch::starHistoryIsStoredAndCounted()
{
    const QString repository = u"acme/widgets"_s;
    watchHistory(repository, 5, 30);
    QTRY_VERIFY(std::any_of(m_github->requests().cbegin(), m_github->requests().cend(),
                            [](const FakeGitHub::Request &request) {
                                return request.target.contains("/stargazers/history");
                            }));
    QTest::qWait(200);
    ingestBronze();
    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));

    // The last seven days to the second: eight days touched, the first and today in part.
    const qint64 now = m_clock->now().toSecsSinceEpoch();
    const StarHistory week = queries.starHistory(repository, {now - 7 * 86400, now});
    QVERIFY(week.known);
    QCOMPARE(week.repository, repository);
    qint64 expected = 0;
    for (QDate day = m_clock->now().toUTC().date().addDays(-7);
         day <= m_clock->now().toUTC().date(); day = day.addDays(1))
        expected += m_github->starsOn(repository, day);
    QCOMPARE(week.days.size(), 8);
    QCOMPARE(week.gained, expected);
    for (const auto &[day, stars] : week.days)
        QCOMPARE(stars,
                 m_github->starsOn(repository, QDateTime::fromSecsSinceEpoch(day, Qt::UTC).date()));

    // Pages of 30 weeks back past the horizon of 52: the second page ends the script's
    // 400 days, so every star the stand-in gave is stored.
    const StarHistory all = queries.starHistory(repository, {0, now});
    QCOMPARE(all.total, qint64(m_github->starCount(repository)));
    QCOMPARE(all.gained, all.total);
    QVERIFY(!queries.starHistory(u"nobody/nothing"_s, {0, now}).known);

    // GitHub's own count, read before the history.
    QCOMPARE(all.count, qint64(m_github->starCount(repository)));
    QVERIFY(all.countAt > 0 && all.countAt <= now);
}

// A watched organization's repositories, listed by the stand-in most recently pushed first,
// are watched as entries are, archived ones left out, as many as the watch list's maximum
// leaves room for after its entries.
void TestWatch::anOrganizationsRepositoriesAreListedAndWatched()
{
    const QStringList known {u"acme/anvil"_s, u"acme/bolt"_s, u"acme/cog"_s,
                             u"acme/drill"_s, u"acme/edge"_s, u"other/thing"_s};
    for (qsizetype i = 0; i < known.size(); ++i)
        m_github->addRepository(known[i], 3 + int(i), 10 + int(i) * 7, quint32(11 + i));
    m_github->archiveRepository(u"acme/cog"_s);
    // The reference: acme's repositories by their newest change, the archived one left out.
    QList<std::pair<qint64, QString>> pushed;
    for (const QString &name : known) {
        qint64 last = 0;
        for (const FakeGitHub::PullRequest &pr : m_github->pullRequests(name))
            last = std::max(last, pr.updatedAt());
        if (name.startsWith("acme/"_L1) && name != "acme/cog"_L1)
            pushed.append({last, name});
    }
    std::sort(pushed.begin(), pushed.end(), std::greater<>());
    QStringList listed;
    for (const auto &[at, name] : pushed)
        listed << name;

    constexpr int maximum = 4;
    m_watchlist = std::make_unique<Watchlist>(m_dir->path(), maximum);
    const QString entry = listed.last(); // also an entry: watched once
    watch({u"acme"_s, entry});
    runUntilIdle(12);
    QCOMPARE(m_watchlist->listed(u"acme"_s), listed);
    QStringList expected {u"acme"_s, entry};
    for (const QString &name : listed) {
        if (name != entry && expected.size() < maximum)
            expected << name;
    }
    QCOMPARE(m_watchlist->expanded(), expected);
    QVERIFY2(m_watchlist->status(u"acme"_s).startsWith("4 public repositories listed"_L1),
             qPrintable(m_watchlist->status(u"acme"_s)));
    QSet<QString> polled;
    for (const FakeGitHub::Request &request : m_github->requests()) {
        const QString target = QString::fromUtf8(request.target);
        if (target.startsWith("/repos/"_L1) && target.section(u'?', 0, 0).endsWith("/events"_L1))
            polled.insert(target.section(u'/', 2, 3));
    }
    QCOMPARE(polled, QSet<QString>(expected.cbegin() + 1, expected.cend()));
}

// A watched feed that moved past its 300 events between two polls missed events: the
// poll's last page says so in its sidecar, and the watched scope's quality block names the
// gap, from bronze alone.
void TestWatch::aGapInAWatchedFeedShowsInTheQualityBlock()
{
    const QString repository = u"org0/project-0"_s;
    // The watcher's repository poller alone, so that nothing else moves the clock.
    const PollerOptions options = busyRepositoryFeed(repository);
    GitHubPoller poller(options, m_bronze.get(), m_clock.get(), &m_budget);
    // Its next poll, a minute on (the stand-in's X-Poll-Interval), each in turn.
    const auto pollEveryMinute = [&](int polls) {
        for (int i = 0; i < polls; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending() && !poller.isRequestInFlight(), 5000);
            m_clock->advanceToNext();
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_clock->hasPending() && !poller.isRequestInFlight(), 5000);
    };
    poller.start();
    pollEveryMinute(3);
    const qint64 firstPolls = m_clock->now().toSecsSinceEpoch();
    // Two hours on, the feed's newest 300 events are all new to the poller.
    m_clock->advanceBy(2 * 3600 * 1000);
    const qint64 jumped = m_clock->now().toSecsSinceEpoch();
    pollEveryMinute(3);
    ingestBronze();
    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));
    const Scope scope = Scope::watched(u"watched"_s, {repository});

    const WindowQuality before = queries.quality({firstPolls - 300, firstPolls}, scope);
    QCOMPARE(before.feedGaps.size(), 0);
    const WindowQuality after
        = queries.quality({jumped - 60, m_clock->now().toSecsSinceEpoch()}, scope);
    // The first poll after the jump missed events; the ones after it overlap again.
    QCOMPARE(after.feedGaps.size(), 1);
    QCOMPARE(after.feedGaps.first().feed, repository);
    QVERIFY(after.feedGaps.first().at >= jumped && after.feedGaps.first().at < jumped + 120);
    QCOMPARE(after.status, WindowQuality::Status::Degraded);
    QVERIFY2(after.label().contains(repository), qPrintable(after.label()));
    QVERIFY(after.isLowerBound(u"PushEvent"_s));
    // Before the feed was first read, the scope is not complete either.
    const WindowQuality earlier = queries.quality({firstPolls - 7200, firstPolls}, scope);
    QCOMPARE(earlier.feedsReadLate.size(), 1);
    QVERIFY(earlier.completeHours < earlier.hours);
}

// A poller that starts again (the process restarted) takes the ids of the last pages in
// bronze as its previous poll: when the feed moved past them meanwhile, its first poll
// says events were missed; when it did not, nothing is said.
void TestWatch::aGapAcrossARestartIsMeasured()
{
    const QString repository = u"org0/project-0"_s;
    const PollerOptions options = busyRepositoryFeed(repository);
    // One run of the process: a poller polls once, then is gone.
    const auto run = [&]() -> qint64 {
        GitHubPoller poller(options, m_bronze.get(), m_clock.get(), &m_budget);
        poller.start();
        if (!QTest::qWaitFor([&] { return m_clock->hasPending() && !poller.isRequestInFlight(); },
                             5000))
            return -1;
        return poller.snapshot().pollsWithoutOverlap;
    };
    QCOMPARE(run(), 0);
    m_clock->advanceBy(60 * 1000); // a quick restart: the feed overlaps
    QCOMPARE(run(), 0);
    m_clock->advanceBy(2 * 3600 * 1000); // two hours down: 300 newer events
    const qint64 restarted = m_clock->now().toSecsSinceEpoch();
    QCOMPARE(run(), 1);
    ingestBronze();
    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));
    const WindowQuality quality = queries.quality({restarted - 60, restarted + 60},
                                                  Scope::watched(u"watched"_s, {repository}));
    QCOMPARE(quality.feedGaps.size(), 1);
    QCOMPARE(quality.feedGaps.first().at, restarted);
}

// A watched organization's feed, /orgs/{org}/events, polled as a repository's is: the
// watched scope holds its repositories' events, as many as the stand-in's own feed of the
// organization holds for the same span, on both backends.
void TestWatch::anOrganizationsFeedIsCountedInTheWatchedScope()
{
    constexpr double rate = 20.0;
    m_github->setEra(FakeGitHub::Era::Y2026);
    m_github->setSyntheticFeed(rate);
    m_github->setPollInterval(60);
    m_clock->advanceBy(600 * 1000);
    m_github->addRepository(u"org3/project-3"_s, 2, 5);
    watch({u"org3"_s});
    runUntilIdle(6);
    const QStringList pages = m_bronze->listSources();
    QVERIFY(std::any_of(pages.cbegin(), pages.cend(), [](const QString &path) {
        return path.contains("/bronze/orgs/org3/"_L1);
    }));
    ingestBronze();
    MetricsQueries queries(m_dir->location());
    QString error;
    QVERIFY2(queries.open(&error), qPrintable(error));

    // What the stand-in served for each page stored: the feed of the organization, or of
    // the repository it lists, as of the page's fetch, the page's hundred of it. Together,
    // every event the watched scope can hold.
    QHash<qint64, QJsonObject> served;
    static const QRegularExpression eventsPage(uR"(/events_\d{8}T\d{9}Z_p(\d)\.json$)"_s);
    for (const QString &path : pages) {
        const bool organization = path.contains("/bronze/orgs/org3/"_L1);
        const QRegularExpressionMatch page = eventsPage.match(path);
        if ((!organization && !path.contains("/bronze/repos/org3/project-3/"_L1))
            || !page.hasMatch())
            continue;
        const qint64 at = BronzeStore::originOf(path).arrivedAt;
        const QList<QByteArray> feed = organization
            ? Feed2026::organizationEvents("org3", at, rate, 1)
            : Feed2026::repositoryEvents("org3/project-3", at, rate, 1);
        for (const QByteArray &json : feed.mid((page.captured(1).toInt() - 1) * 100, 100)) {
            const QJsonObject event = QJsonDocument::fromJson(json).object();
            served.insert(event["id"_L1].toString().toLongLong(), event);
        }
    }
    QVERIFY2(served.size() > 300, "the polls saw the feed move");
    QHash<QString, qint64> reference;
    QSet<QString> repositories;
    for (const QJsonObject &event : std::as_const(served)) {
        ++reference[event["type"_L1].toString()];
        repositories.insert(event["repo"_L1]["name"_L1].toString());
    }
    QVERIFY2(repositories.size() > 1, "the organization's feed spans several repositories");
    const Scope scope = Scope::watched(u"watched"_s, {u"ORG3"_s});
    QList<KeyCount> expected;
    for (auto it = reference.cbegin(); it != reference.cend(); ++it)
        expected.append({it.key(), it.value()});
    std::sort(expected.begin(), expected.end(), KeyCount::ranksBefore);
    const qint64 lastPoll = m_clock->now().toSecsSinceEpoch();
    QCOMPARE(queries.typeCounts({0, lastPoll}, scope), expected);
    const QList<KeyCount> active = queries.activeRepositories(1000, {0, lastPoll}, scope);
    QCOMPARE(active.size(), repositories.size());
    for (const KeyCount &repository : active)
        QVERIFY(repository.key.startsWith("org3/"_L1));
    const WindowQuality quality = queries.quality({lastPoll - 120, lastPoll}, scope);
    QCOMPARE(quality.feedGaps.size(), 0);
    QCOMPARE(quality.status, WindowQuality::Status::Complete);
}

#include "tst_watch.moc"
