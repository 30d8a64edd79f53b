#include "collect/bronzestore.h"
#include "collect/githubpoller.h"
#include "event/clock.h"
#include "fakegithub.h"
#include "syntheticevents.h"
#include "testdata.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Fault = FakeGitHub::Fault;
using State = PollerSnapshot::State;

namespace {

const QDateTime start = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
const QByteArray secretToken = "ghp_TopSecretToken1234567890";

QSet<qint64> idsOf(const QByteArray &page)
{
    QSet<qint64> ids;
    for (const QJsonValue &event : QJsonDocument::fromJson(page).array())
        ids.insert(event.toObject().value("id"_L1).toString().toLongLong());
    return ids;
}

QStringList pageFiles(const QString &root)
{
    return BronzeStore(root).listSources();
}

QSet<qint64> bronzeIds(const QString &root)
{
    QSet<qint64> ids;
    for (const QString &path : pageFiles(root)) {
        QFile file(path);
        file.open(QIODevice::ReadOnly);
        ids.unite(idsOf(file.readAll()));
    }
    return ids;
}

} // namespace

// The poller against the fake GitHub on 127.0.0.1, with a manual clock: hours of polling
// take milliseconds, and every wait the poller chooses can be inspected.
class TestPoller : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void sendsTheDocumentedHeaders();
    void deduplicatesOverlappingRecordedPages();
    void conditionalRequestGets304();
    void stopsEarlyOnOverlap();
    void pollsWithoutOverlapAreCounted();
    void waitsForTheLargerOfIntervalAndPollInterval();
    void pacesWithinSixtyRequestsAnHour();
    void aCaptureBudgetSpendsItsShareOfTheLimit();
    void anOversizedPageIsRefusedWhileItDownloads();
    void waitsForResetWithBudgetOfTwo();
    void recoversFromEachFault_data();
    void recoversFromEachFault();
    void truncatedBodyIsRejectedAndItsEtagForgotten();
    void failedPageTwoIsNotHiddenBy304();
    void randomFaultsStillReachEveryId();
    void backoffGrowsAndIsCapped();
    void badTokenStopsPolling();
    void tokenNeverReachesDiskOrLogs();
    void storageFailurePausesWithoutLosingPages();
    void reconfigureAppliesAtOnce();
    void tokenStaysWithTheApiOrigin();
    void fullDiskFetchesNothing();

private:
    void createPoller(const PollerOptions &extra = {});
    void waitUntilIdle();
    void runCycles(int count);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<BronzeStore> m_bronze;
    std::unique_ptr<GitHubPoller> m_poller;
};

void TestPoller::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_clock = std::make_unique<ManualClock>(start);
    m_github = std::make_unique<FakeGitHub>(m_clock.get());
    QVERIFY(m_github->listen());
    m_bronze = std::make_unique<BronzeStore>(m_dir->path());
}

void TestPoller::cleanup()
{
    m_poller.reset();
    m_github.reset();
}

void TestPoller::createPoller(const PollerOptions &extra)
{
    PollerOptions options = extra;
    options.apiUrl = m_github->url();
    if (options.timeoutMs == PollerOptions().timeoutMs)
        options.timeoutMs = 500;
    m_poller = std::make_unique<GitHubPoller>(options, m_bronze.get(), m_clock.get());
}

void TestPoller::waitUntilIdle()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_poller->isRequestInFlight() && m_clock->hasPending(), 10000);
}

void TestPoller::runCycles(int count)
{
    for (int i = 0; i < count; ++i) {
        waitUntilIdle();
        m_clock->advanceToNext();
    }
    waitUntilIdle();
}

void TestPoller::sendsTheDocumentedHeaders()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY2(m_github->loadRecordedPages(TestData::fixturesDir(), &error), qPrintable(error));
    PollerOptions options;
    options.token = QString::fromLatin1(secretToken);
    createPoller(options);
    m_poller->start();
    waitUntilIdle();
    const FakeGitHub::Request first = m_github->requests().first();
    QCOMPARE(first.target, QByteArray("/events?per_page=100"));
    QCOMPARE(first.headers.value("accept"), QByteArray("application/vnd.github+json"));
    QCOMPARE(first.headers.value("x-github-api-version"), QByteArray("2022-11-28"));
    QCOMPARE(first.headers.value("user-agent"), QByteArray("ghmonitor/" GHM_VERSION));
    QCOMPARE(first.headers.value("authorization"), "Bearer " + secretToken);
    // Pages 2 and 3 come from the Link header, rewritten by the stand-in to itself.
    QCOMPARE(m_github->requests().at(1).target, QByteArray("/events?per_page=100&page=2"));
}

void TestPoller::deduplicatesOverlappingRecordedPages()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    createPoller();
    m_poller->start();
    waitUntilIdle();

    QSet<qint64> expected;
    for (int page = 1; page <= 3; ++page)
        expected.unite(
            idsOf(TestData::readFixture(u"octokit.rb_2016-09-29_events_page%1.json"_s.arg(page))));
    QCOMPARE(expected.size(), 261);
    QCOMPARE(m_poller->snapshot().eventsSeen, qint64(expected.size()));
    QCOMPARE(m_poller->snapshot().pages, 3);
    QCOMPARE(m_poller->snapshot().state, State::UpToDate);

    const QStringList files = pageFiles(m_dir->path());
    QCOMPARE(files.size(), 3);
    for (int page = 1; page <= 3; ++page) {
        QFile stored(files[page - 1]);
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QVERIFY(files[page - 1].endsWith(u"_p%1.json"_s.arg(page)));
        QCOMPARE(stored.readAll(),
                 TestData::readFixture(u"octokit.rb_2016-09-29_events_page%1.json"_s.arg(page)));
    }
    QCOMPARE(bronzeIds(m_dir->path()), expected);

    QFile meta(files[0].chopped(5) + ".meta.json"_L1);
    QVERIFY(meta.open(QIODevice::ReadOnly));
    const QJsonObject lineage = QJsonDocument::fromJson(meta.readAll()).object();
    QCOMPARE(lineage.value("status"_L1).toInt(), 200);
    QCOMPARE(lineage.value("etag"_L1).toString(), u"W/\"49b103a069a1b961fc21b08415eea41a\""_s);
    QCOMPARE(lineage.value("url"_L1).toString(),
             m_github->url().toString() + "/events?per_page=100"_L1);
    QVERIFY(lineage.value("rate_limit"_L1).toObject().value("remaining"_L1).toInt() > 0);
}

void TestPoller::conditionalRequestGets304()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    createPoller();
    m_poller->start();
    runCycles(2);
    QCOMPARE(m_github->requestCount(), 5);
    const FakeGitHub::Request last = m_github->requests().constLast();
    QCOMPARE(last.headers.value("if-none-match"),
             QByteArray("W/\"49b103a069a1b961fc21b08415eea41a\""));
    QCOMPARE(m_poller->snapshot().notModified, 2);
    QCOMPARE(pageFiles(m_dir->path()).size(), 3);
    QCOMPARE(m_poller->snapshot().state, State::UpToDate);
}

void TestPoller::stopsEarlyOnOverlap()
{
    m_github->setSyntheticFeed(1.0);
    m_clock->advanceBy(400 * 1000); // 400 events released: the feed holds 300
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_github->requestCount(), 3);
    QCOMPARE(m_poller->snapshot().eventsSeen, 300);

    runCycles(1); // 60 s later: 60 new events, page 1 overlaps what was seen
    QCOMPARE(m_github->requestCount(), 4);
    QCOMPARE(m_poller->snapshot().eventsSeen, 360);
    QCOMPARE(bronzeIds(m_dir->path()).size(), 360);
}

// A feed that moves on by more than the pages read between two polls leaves a gap: each
// such poll is counted, and a poll that overlaps the previous one is not.
void TestPoller::pollsWithoutOverlapAreCounted()
{
    m_github->setSyntheticFeed(1.0);
    m_clock->advanceBy(400 * 1000);
    PollerOptions options;
    options.maxPages = 1; // 100 events a poll
    createPoller(options);
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().pollsWithoutOverlap, 0); // the first poll has nothing before it
    runCycles(1); // 60 s: 60 new events, page 1 overlaps
    QCOMPARE(m_poller->snapshot().pollsWithoutOverlap, 0);
    m_clock->advanceBy(200 * 1000); // 260 new events by the next poll: page 1 falls short
    runCycles(1);
    QCOMPARE(m_poller->snapshot().pollsWithoutOverlap, 1);
    runCycles(1);
    QCOMPARE(m_poller->snapshot().pollsWithoutOverlap, 1);
}

void TestPoller::waitsForTheLargerOfIntervalAndPollInterval()
{
    m_github->setSyntheticFeed(1.0);
    m_github->setPollInterval(90);
    PollerOptions options;
    options.intervalSeconds = 30;
    createPoller(options);
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_clock->nextDelayMs(), 90 * 1000);
    QCOMPARE(m_poller->snapshot().nextPoll, m_clock->now().addSecs(90));
}

void TestPoller::pacesWithinSixtyRequestsAnHour()
{
    m_github->setSyntheticFeed(5.0); // moves fast: every poll costs full pages
    m_github->setRateLimit(60, 3600);
    m_github->setPollInterval(1);
    PollerOptions options;
    options.intervalSeconds = 1;
    createPoller(options);
    m_poller->start();
    while (m_clock->now() < start.addSecs(3 * 3600)) {
        waitUntilIdle();
        m_clock->advanceToNext();
    }
    waitUntilIdle();
    QCOMPARE(m_github->refusedCount(), 0);
    QCOMPARE(m_poller->snapshot().faults.value(u"rate_limited"_s), 0);
    // It keeps polling all along, spending most of the budget rather than idling.
    QVERIFY2(m_github->requestCount() >= 150, QByteArray::number(m_github->requestCount()));
    QVERIFY(m_github->requestCount() <= 3 * 60 + 3);
}

// On today's feed, which shares no event between requests, a capture budget of 20 % of
// 5,000 requests an hour spends about 1,000 where X-Poll-Interval (60 s) allows 180, and
// recovers more distinct events for it.
void TestPoller::aCaptureBudgetSpendsItsShareOfTheLimit()
{
    const auto runHour = [this](int budgetPercent) {
        m_github = std::make_unique<FakeGitHub>(m_clock.get());
        m_github->listen();
        m_github->setEra(FakeGitHub::Era::Y2026);
        m_github->setSyntheticFeed(20.0);
        m_github->setPollInterval(60);
        PollerOptions options;
        options.intervalSeconds = 1;
        options.captureBudgetPercent = budgetPercent;
        createPoller(options);
        const QDateTime end = m_clock->now().addSecs(3600);
        m_poller->start();
        waitUntilIdle();
        while (m_clock->now().addMSecs(m_clock->nextDelayMs()) < end) {
            m_clock->advanceToNext();
            waitUntilIdle();
        }
        m_poller.reset();
        return std::pair(m_github->requestCount(), m_github->servedIds().size());
    };
    const auto [obeying, obeyingEvents] = runHour(0);
    const auto [budgeted, budgetedEvents] = runHour(20);
    QVERIFY2(obeying <= 3 * 61, QByteArray::number(obeying));
    QVERIFY2(budgeted <= 1000 + 3, QByteArray::number(budgeted));
    QVERIFY2(budgeted >= 950, QByteArray::number(budgeted));
    QVERIFY2(budgetedEvents > 4 * obeyingEvents,
             QByteArray(QByteArray::number(budgetedEvents) + " against "
                        + QByteArray::number(obeyingEvents))
                 .constData());
}

// A page of 12 MiB (GitHub's are under a few MB) is refused as it downloads, stored
// nowhere, and retried with back-off like any fault.
void TestPoller::anOversizedPageIsRefusedWhileItDownloads()
{
    QByteArray huge = SyntheticEvents::event(1, start.toSecsSinceEpoch(), 1);
    huge.insert(huge.size() - 1, ",\"filler\":\"" + QByteArray(12 * 1024 * 1024, 'x') + '"');
    m_github->setReplayFeed({huge}, 1000.0);
    m_clock->advanceBy(1000);
    PollerOptions options;
    createPoller(options);
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().faults.value(u"too_large"_s), 1);
    QCOMPARE(m_poller->snapshot().pages, 0);
    QCOMPARE(m_poller->snapshot().state, PollerSnapshot::State::BackingOff);
    QDirIterator stored(m_dir->path(), QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(!stored.hasNext());
}

void TestPoller::waitsForResetWithBudgetOfTwo()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    m_github->setRateLimit(2, 600);
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_github->requestCount(), 2);
    QCOMPARE(m_poller->snapshot().state, State::RateLimited);
    QVERIFY(m_clock->nextDelayMs() >= 599 * 1000);
    runCycles(3);
    QCOMPARE(m_github->refusedCount(), 0);
    QCOMPARE(m_poller->snapshot().eventsSeen, 261);
    // Page 3 came after the reset, straight from the remembered Link.
    QCOMPARE(m_github->requests().at(2).target, QByteArray("/events?per_page=100&page=3"));
}

void TestPoller::recoversFromEachFault_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<State>("state");
    QTest::addColumn<qint64>("minimumDelayMs");
    QTest::newRow("502") << Fault::ServerError << u"http_5xx"_s << State::BackingOff << qint64(500);
    QTest::newRow("truncated") << Fault::Truncated << u"bad_body"_s << State::BackingOff
                               << qint64(500);
    QTest::newRow("slow") << Fault::Slow << u"timeout"_s << State::Offline << qint64(500);
    QTest::newRow("reset") << Fault::Reset << u"connection_reset"_s << State::Offline
                           << qint64(500);
    QTest::newRow("429 Retry-After")
        << Fault::RetryAfter << u"rate_limited"_s << State::RateLimited << qint64(2000);
    QTest::newRow("403 until reset")
        << Fault::RateLimited << u"rate_limited"_s << State::RateLimited << qint64(3000);
}

void TestPoller::recoversFromEachFault()
{
    QFETCH(Fault, fault);
    QFETCH(QString, kind);
    QFETCH(State, state);
    QFETCH(qint64, minimumDelayMs);
    m_github->setSyntheticFeed(1.0);
    m_clock->advanceBy(300 * 1000);
    m_github->setSlowDelayMs(2000);
    m_github->queueFault(fault);
    if (fault == Fault::Reset)
        m_github->queueFault(fault); // QNetworkAccessManager retries a reset GET once by itself
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().state, state);
    QCOMPARE(m_poller->snapshot().faults.value(kind), 1);
    QVERIFY(!m_poller->snapshot().lastError.isEmpty());
    QVERIFY2(m_clock->nextDelayMs() >= minimumDelayMs, QByteArray::number(m_clock->nextDelayMs()));

    runCycles(1);
    QCOMPARE(m_poller->snapshot().state, State::UpToDate);
    QCOMPARE(bronzeIds(m_dir->path()).size(), 300);
    QCOMPARE(m_poller->snapshot().eventsSeen, 300);
}

void TestPoller::truncatedBodyIsRejectedAndItsEtagForgotten()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    m_github->queueFault(Fault::Truncated);
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(pageFiles(m_dir->path()).size(), 0);
    const QStringList rejected
        = QDir(m_dir->path() + "/bronze/rejected"_L1).entryList({u"*.body"_s});
    QCOMPARE(rejected.size(), 1);

    runCycles(1);
    // The truncated page's ETag was not remembered: page 1 is fetched in full again.
    QVERIFY(!m_github->requests().at(1).headers.contains("if-none-match"));
    QCOMPARE(m_poller->snapshot().eventsSeen, 261);
    QCOMPARE(pageFiles(m_dir->path()).size(), 3);
}

void TestPoller::failedPageTwoIsNotHiddenBy304()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    m_github->queueFault(Fault::None);
    m_github->queueFault(Fault::ServerError);
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().state, State::BackingOff);
    runCycles(1);
    QVERIFY(!m_github->requests().at(2).headers.contains("if-none-match"));
    QCOMPARE(m_poller->snapshot().eventsSeen, 261);
    QCOMPARE(bronzeIds(m_dir->path()).size(), 261);
}

void TestPoller::randomFaultsStillReachEveryId()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    m_github->setFaultProbability(Fault::ServerError, 0.2, 11);
    m_github->setFaultProbability(Fault::Truncated, 0.25, 12);
    createPoller();
    m_poller->start();
    for (int i = 0; i < 50 && bronzeIds(m_dir->path()).size() < 261; ++i)
        runCycles(1);
    QCOMPARE(bronzeIds(m_dir->path()).size(), 261);
    // No garbage in bronze: every stored page is a complete recorded page.
    for (const QString &path : pageFiles(m_dir->path())) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(file.readAll()).isArray());
    }
    QVERIFY(m_poller->snapshot().faults.value(u"http_5xx"_s)
                + m_poller->snapshot().faults.value(u"bad_body"_s)
            > 0);
}

void TestPoller::backoffGrowsAndIsCapped()
{
    m_github->setSyntheticFeed(1.0);
    for (int i = 0; i < 30; ++i)
        m_github->queueFault(Fault::ServerError);
    createPoller();
    m_poller->start();
    QList<qint64> delays;
    for (int i = 0; i < 14; ++i) {
        waitUntilIdle();
        delays << m_clock->nextDelayMs();
        m_clock->advanceToNext();
    }
    QVERIFY(delays[0] >= 500 && delays[0] <= 1000);
    QVERIFY(delays[3] >= 4000 && delays[3] <= 8000);
    for (qint64 delay : std::as_const(delays))
        QVERIFY(delay <= 10 * 60 * 1000);
    QVERIFY(delays.constLast() >= 5 * 60 * 1000);
    QCOMPARE(m_poller->snapshot().faults.value(u"http_5xx"_s), 14);
}

void TestPoller::badTokenStopsPolling()
{
    m_github->setSyntheticFeed(1.0);
    m_github->setRequiredToken("the-right-token");
    PollerOptions options;
    options.token = u"a-wrong-token"_s;
    createPoller(options);
    m_poller->start();
    QTRY_COMPARE(m_poller->snapshot().state, State::BadToken);
    QTest::qWait(200);
    QCOMPARE(m_github->requestCount(), 1);
    QVERIFY(!m_clock->hasPending());
    QVERIFY(m_poller->snapshot().lastError.contains("401"_L1));
}

static QStringList capturedLog;
static void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedLog << message;
}

void TestPoller::tokenNeverReachesDiskOrLogs()
{
    m_github->setSyntheticFeed(2.0);
    m_github->setRequiredToken(secretToken);
    m_github->setFaultEvery(Fault::Truncated, 3);
    m_github->setFaultEvery(Fault::ServerError, 4);
    PollerOptions options;
    options.token = QString::fromLatin1(secretToken);
    createPoller(options);
    capturedLog.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    m_poller->start();
    runCycles(10);
    qInstallMessageHandler(previous);

    QVERIFY(!capturedLog.isEmpty()); // the faults were logged
    QVERIFY(!capturedLog.join(u'\n').contains(QString::fromLatin1(secretToken)));
    int files = 0;
    QDirIterator it(m_dir->path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(secretToken), qPrintable(file.fileName()));
        ++files;
    }
    QVERIFY(files > 4);
    QVERIFY(!m_poller->snapshot().lastError.contains(QString::fromLatin1(secretToken)));
}

void TestPoller::storageFailurePausesWithoutLosingPages()
{
    SKIP_WITHOUT_FIXTURES();
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    // A file where the bronze folder should be makes bronze unwritable.
    QFile blocker(m_dir->path() + "/bronze"_L1);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    createPoller();
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().state, State::StorageError);
    QCOMPARE(m_poller->snapshot().eventsSeen, 0);
    // Retried on a short fixed period, not GitHub's growing back-off.
    for (int attempt = 0; attempt < 3; ++attempt) {
        QCOMPARE(m_clock->nextDelayMs(), PollerOptions().storageRetryMs);
        runCycles(1);
        QCOMPARE(m_poller->snapshot().state, State::StorageError);
    }

    QVERIFY(QFile::remove(blocker.fileName()));
    runCycles(1);
    QCOMPARE(m_poller->snapshot().state, State::UpToDate);
    QCOMPARE(bronzeIds(m_dir->path()).size(), 261);
}

void TestPoller::reconfigureAppliesAtOnce()
{
    m_github->setSyntheticFeed(1.0);
    m_github->setPollInterval(1);
    m_github->setRequiredToken("right-token");
    PollerOptions options;
    options.token = u"wrong-token"_s;
    options.intervalSeconds = 30;
    createPoller(options);
    m_poller->start();
    QTRY_COMPARE(m_poller->snapshot().state, State::BadToken);

    m_poller->reconfigure(u"right-token"_s, 90, 2);
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().state, State::UpToDate);
    QCOMPARE(m_clock->nextDelayMs(), 90 * 1000);
    QCOMPARE(m_github->requests().constLast().headers.value("authorization"),
             QByteArray("Bearer right-token"));
}

// A Link or a redirect to another host must not take the token there: the next page is
// refused, the redirect not followed, and the other host hears nothing.
void TestPoller::tokenStaysWithTheApiOrigin()
{
    SKIP_WITHOUT_FIXTURES();
    FakeGitHub elsewhere(m_clock.get());
    QVERIFY(elsewhere.listen()); // another port: another origin
    QString error;
    QVERIFY(m_github->loadRecordedPages(TestData::fixturesDir(), &error));
    QVERIFY(elsewhere.loadRecordedPages(TestData::fixturesDir(), &error));
    m_github->setLinkBase(elsewhere.url());
    PollerOptions options;
    options.token = QString::fromLatin1(secretToken);
    createPoller(options);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"refused a next page on another origin"_s));
    m_poller->start();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().pages, 1);
    QCOMPARE(elsewhere.requestCount(), 0);

    m_github->setRedirect(QUrl(elsewhere.url().toString() + "/events?per_page=100"_L1));
    m_clock->advanceToNext();
    waitUntilIdle();
    QCOMPARE(m_poller->snapshot().state, State::BackingOff);
    QCOMPARE(elsewhere.requestCount(), 0);
    QCOMPARE(m_github->requests().last().headers.value("authorization"), "Bearer " + secretToken);
}

// Too little space where bronze lives: no page is fetched to be lost, the message says
// why, and the poller tries again on the storage period.
void TestPoller::fullDiskFetchesNothing()
{
    m_github->setSyntheticFeed(1.0);
    PollerOptions options;
    options.minimumFreeBytes = std::numeric_limits<qint64>::max();
    createPoller(options);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"disk full"_s));
    m_poller->start();
    QCOMPARE(m_poller->snapshot().state, State::StorageError);
    QVERIFY2(m_poller->snapshot().lastError.contains("nothing was fetched"_L1),
             qPrintable(m_poller->snapshot().lastError));
    QCOMPARE(m_github->requestCount(), 0);
    QCOMPARE(m_clock->nextDelayMs(), options.storageRetryMs);
}

QTEST_GUILESS_MAIN(TestPoller)
#include "tst_poller.moc"
