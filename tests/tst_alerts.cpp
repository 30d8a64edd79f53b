#include "alert/alertengine.h"
#include "alert/alertsilence.h"
#include "alert/spikedetector.h"
#include "childprocess.h"
#include "collect/bronzestore.h"
#include "collect/pullrequestbackfill.h"
#include "collect/starhistoryfetch.h"
#include "collect/watchlist.h"
#include "event/clock.h"
#include "event/timeformat.h"
#include "fakegithub.h"
#include "ingest/pipeline.h"
#include "teststorage.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QDateTime start = QDateTime(QDate(2026, 12, 5), QTime(12, 0), Qt::UTC);

QStringList firing(const QList<QList<QVariant>> &transitions)
{
    QStringList names;
    for (const QList<QVariant> &transition : transitions) {
        const Alert alert = transition.first().value<Alert>();
        names << alert.rule + u' ' + Alert::stateName(alert.state);
    }
    names.sort();
    return names;
}

// A webhook receiver on 127.0.0.1: keeps each POST's headers and body, and answers
// `status`.
class Receiver : public QObject
{
public:
    struct Post
    {
        QMap<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
        int answered = 0; // the status the receiver answered
    };

    Receiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { read(socket); });
        });
    }
    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/hook"_s.arg(m_server.serverPort())); }
    quint16 port() const { return m_server.serverPort(); }
    int status = 200;
    QList<Post> posts;

private:
    void read(QTcpSocket *socket)
    {
        QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        socket->setProperty("buffer", buffer);
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Post post;
        for (const QByteArray &line : buffer.left(end).split('\n').mid(1)) {
            const qsizetype colon = line.indexOf(':');
            post.headers.insert(line.left(colon).trimmed().toLower(),
                                line.mid(colon + 1).trimmed());
        }
        const qsizetype length = post.headers.value("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        post.body = buffer.mid(end + 4, length);
        post.answered = status;
        posts.append(post);
        socket->write("HTTP/1.1 " + QByteArray::number(status)
                      + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
};

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private slots:
    void rulesRoundTripAndRefuseBadValues();
    void quietSeriesRaiseFewStarSpikes();
    void repositoryAlertsFireOnceAcrossRestarts();
    void monitorAlertsFireAndResolve();
    void theWebhookGetsEachTransitionOnceSigned();
    void aFlappingRuleNotifiesAtMostOnceAGroupInterval();
    void silencedAlertsShowButNotifyNoOne();
    void burstsOpenedAndStalePullRequestsFire();
    void aDeadWebhookIsRetriedAndLosesNothing();
    void theRealProcessDeliversOnceAcrossAKill();
    void theRealProcessAlertsOnAStalledAndADegradedFeed();

private:
    void writeRules(const QString &dir, const QList<QJsonObject> &rules);
    // An empty store: the engine's reads find its tables.
    void createStore(const TestStorage &dir);
};

void TestAlerts::createStore(const TestStorage &dir)
{
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
}

void TestAlerts::writeRules(const QString &dir, const QList<QJsonObject> &rules)
{
    QJsonArray array;
    for (const QJsonObject &rule : rules)
        array.append(rule);
    QFile file(dir + u"/alerts.json"_s);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject {{u"rules"_s, array}}).toJson());
}

// The defaults survive a save and a load; each bad value is refused with a message that
// names it, and a missing file means the defaults.
void TestAlerts::rulesRoundTripAndRefuseBadValues()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"alerts.json"_s);
    QString error;
    QCOMPARE(AlertRule::load(path, &error)->size(), AlertRule::defaults().size());
    QVERIFY2(AlertRule::save(path, AlertRule::defaults(), &error), qPrintable(error));
    const QList<AlertRule> loaded = *AlertRule::load(path, &error);
    QCOMPARE(loaded.size(), AlertRule::defaults().size());
    for (qsizetype i = 0; i < loaded.size(); ++i)
        QCOMPARE(loaded[i].toJson(), AlertRule::defaults()[i].toJson());

    const QList<std::pair<QJsonObject, QString>> bad {
        {{{u"name"_s, u"a b"_s}, {u"kind"_s, u"release_published"_s}}, u"name"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"nope"_s}}, u"kind must be one of"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"star_spike"_s}, {u"threshold"_s, -1}}, u"threshold"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"rate_limit_low"_s}, {u"threshold"_s, 120}},
         u"percentage"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"disk_low"_s}, {u"threshold"_s, u"lots"_s}},
         u"threshold must be a number"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"disk_low"_s}, {u"for_seconds"_s, u"1m"_s}},
         u"for_seconds"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"star_spike"_s}, {u"scope"_s, u"a/b/c"_s}}, u"scope"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"disk_low"_s}, {u"group_wait_seconds"_s, -5}},
         u"group_wait_seconds"_s},
        {{{u"name"_s, u"x"_s}, {u"kind"_s, u"disk_low"_s}, {u"repeat_interval_seconds"_s, 1e9}},
         u"repeat_interval_seconds"_s},
        {{{u"name"_s, u"x"_s},
          {u"kind"_s, u"disk_low"_s},
          {u"labels"_s, QJsonObject {{u"severity"_s, 3}}}},
         u"labels"_s},
    };
    for (const auto &[rule, message] : bad) {
        writeRules(dir.path(), {rule});
        error.clear();
        QVERIFY(!AlertRule::load(path, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
    const QJsonObject rule {{u"name"_s, u"x"_s}, {u"kind"_s, u"disk_low"_s}};
    writeRules(dir.path(), {rule, rule});
    QVERIFY(!AlertRule::load(path, &error));
    QVERIFY2(error.contains("two rules are named x"_L1), qPrintable(error));
}

// The stand-in's steady repositories, a year of days each: how often the default star-spike
// test fires on them (false alarms), and how many of the stand-in's bursts it finds.
void TestAlerts::quietSeriesRaiseFewStarSpikes()
{
    ManualClock clock(start);
    FakeGitHub github(&clock);
    constexpr int repositories = 100;
    constexpr int days = 365;
    for (int i = 0; i < repositories; ++i)
        github.addRepository(u"org/steady-%1"_s.arg(i), 1, 10);
    SpikeDetector detector;
    detector.threshold = AlertRule::defaults().first().threshold;
    qint64 alarms = 0, judged = 0, bursts = 0, found = 0;
    for (int i = 0; i < repositories; ++i) {
        const QString name = u"org/steady-%1"_s.arg(i);
        QList<double> steady, bursty;
        for (int back = days; back >= 1; --back) {
            const QDate day = start.date().addDays(-back);
            github.setSteadyStars(true);
            steady << github.starsOn(name, day);
            github.setSteadyStars(false);
            bursty << github.starsOn(name, day);
        }
        const QList<bool> quiet = detector.spikes(steady);
        const QList<bool> loud = detector.spikes(bursty);
        for (qsizetype d = detector.lag; d < steady.size(); ++d) {
            ++judged;
            alarms += quiet[d];
            // A burst where the days before hold none: the test's baseline is clean.
            const bool burst = bursty[d] - steady[d] >= 40;
            bursts += burst;
            found += burst && loud[d];
        }
    }
    const double falseAlarmRate = double(alarms) / double(judged);
    const double recall = double(found) / double(bursts);
    qInfo().noquote() << u"star spikes: %1 false alarms in %2 quiet repository-days (%3 %), "
                         "%4 of %5 bursts found (%6 %)"_s.arg(alarms)
                             .arg(judged)
                             .arg(falseAlarmRate * 100, 0, 'f', 3)
                             .arg(found)
                             .arg(bursts)
                             .arg(recall * 100, 0, 'f', 1);
    QVERIFY(bursts > 100);
    QVERIFY2(falseAlarmRate < 0.001, "at most one false alarm in a thousand quiet days");
    QVERIFY2(recall > 0.9, "nine bursts in ten found");
}

// A star spike, a release and a merge of a watched repository each fire once, are not
// fired again by a later evaluation nor by a restart (the state is in alerts-state.json),
// and resolve after keep_firing_for.
void TestAlerts::repositoryAlertsFireOnceAcrossRestarts()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    FakeGitHub github(&clock);
    QVERIFY(github.listen());
    const QString repository = u"acme/widgets"_s;
    github.addRepository(repository, 20, 30);
    // No burst of the stand-in's own: the day below is the only spike, whatever the seed.
    github.setSteadyStars(true);
    const QDate yesterday = start.date().addDays(-1);
    github.setStarsOn(repository, yesterday, 400);
    clock.advanceBy(-5 * 60 * 1000);
    const int merged = github.openPullRequest(repository, u"alice"_s);
    github.mergePullRequest(repository, merged);
    clock.advanceBy(5 * 60 * 1000);

    BronzeStore bronze(dir.path());
    RateBudget budget;
    StarHistoryFetch stars({github.url(), {}, 52, 2000, 24}, repository, &bronze, &clock, &budget);
    QSignalSpy starsDone(&stars, &StarHistoryFetch::finished);
    stars.start();
    PullRequestBackfill pulls({github.url(), {}, 90, 1000, 2000, 15}, repository, &bronze, &clock,
                              &budget);
    QSignalSpy pullsDone(&pulls, &PullRequestBackfill::finished);
    pulls.start();
    QTRY_VERIFY(starsDone.size() == 1 && pullsDone.size() == 1);
    // A release, ten minutes ago, from an imported page.
    const QString release = dir.path() + u"/release.json"_s;
    QFile file(release);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        QJsonDocument(QJsonArray {QJsonObject {
                          {u"id"_s, u"77"_s},
                          {u"type"_s, u"ReleaseEvent"_s},
                          {u"actor"_s, QJsonObject {{u"login"_s, u"alice"_s}}},
                          {u"repo"_s, QJsonObject {{u"name"_s, repository}}},
                          {u"payload"_s, QJsonObject {{u"action"_s, u"published"_s}}},
                          {u"created_at"_s, TimeFormat::iso(start.toSecsSinceEpoch() - 600)}}})
            .toJson());
    file.close();
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    pipeline.catchUp();
    pipeline.importFiles({release});
    Watchlist watchlist(dir.path());
    QString error;
    QVERIFY(watchlist.add(repository, &error));

    auto engine = std::make_unique<AlertEngine>(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy transitions(engine.get(), &AlertEngine::alertChanged);
    engine->start();
    QCOMPARE(firing(transitions),
             (QStringList {u"merged firing"_s, u"release firing"_s, u"star-spike firing"_s}));
    const AlertBoard board = engine->board();
    for (const Alert &alert : board.active) {
        QCOMPARE(alert.repository, repository);
        if (alert.rule == "star-spike"_L1)
            QVERIFY2(
                alert.summary.contains(u"400 stars on %1"_s.arg(yesterday.toString(Qt::ISODate))),
                qPrintable(alert.summary));
        if (alert.rule == "merged"_L1)
            QVERIFY(alert.summary.contains(u"#%1"_s.arg(merged)));
    }
    clock.advanceToNext(); // a minute on: the next evaluation
    QCOMPARE(transitions.size(), 3);

    // A restart: the state is read back, and nothing fires again.
    engine = std::make_unique<AlertEngine>(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy again(engine.get(), &AlertEngine::alertChanged);
    engine->start();
    QCOMPARE(again.size(), 0);
    QCOMPARE(engine->board().active.size(), 3);

    // An hour on, the release and the merge have been kept firing long enough.
    clock.advanceBy(3600 * 1000);
    engine->evaluate();
    QCOMPARE(firing(again), (QStringList {u"merged resolved"_s, u"release resolved"_s}));
    QCOMPARE(engine->board().active.size(), 1);
    QCOMPARE(engine->board().history.size(), 2);
}

// The monitor's own rules: a rate limit that stays low past `for` fires, and resolves when
// it recovers; a disk below the threshold fires at once; ingestion that stores nothing
// while polls succeed fires after its minutes.
void TestAlerts::monitorAlertsFireAndResolve()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    createStore(dir);
    writeRules(
        dir.path(),
        {{{u"name"_s, u"rate"_s},
          {u"kind"_s, u"rate_limit_low"_s},
          {u"threshold"_s, 10},
          {u"for_seconds"_s, 120}},
         {{u"name"_s, u"disk"_s}, {u"kind"_s, u"disk_low"_s}, {u"threshold"_s, 1e12}},
         {{u"name"_s, u"stalled"_s}, {u"kind"_s, u"ingestion_stalled"_s}, {u"threshold"_s, 1}}});
    Watchlist watchlist(dir.path());
    AlertEngine engine(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy transitions(&engine, &AlertEngine::alertChanged);
    PollerSnapshot poller;
    poller.rateLimit = {5000, 100, 4900, start.addSecs(1800)};
    poller.lastSuccess = start;
    engine.setPollerSnapshot(poller);
    engine.start();
    QCOMPARE(firing(transitions), QStringList {u"disk firing"_s});
    QCOMPARE(engine.board().active.size(), 2); // the rate limit pending

    clock.advanceBy(120 * 1000);
    poller.lastSuccess = clock.now();
    engine.setPollerSnapshot(poller);
    engine.evaluate();
    QCOMPARE(firing(transitions),
             (QStringList {u"disk firing"_s, u"rate firing"_s, u"stalled firing"_s}));

    poller.rateLimit.remaining = 4000;
    engine.setPollerSnapshot(poller);
    clock.advanceBy(60 * 1000);
    engine.evaluate();
    QCOMPARE(transitions.size(), 4);
    QCOMPARE(transitions.last().first().value<Alert>().rule, u"rate"_s);
    QCOMPARE(transitions.last().first().value<Alert>().state, Alert::State::Resolved);
}

// Each notification reaches the webhook once, in Alertmanager's shape, signed with the
// secret: the first after group_wait, the next no sooner than group_interval after it; a
// receiver that fails gets it again after the back-off, and a restart sends nothing twice.
void TestAlerts::theWebhookGetsEachTransitionOnceSigned()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    createStore(dir);
    writeRules(dir.path(),
               {{{u"name"_s, u"rate"_s},
                 {u"kind"_s, u"rate_limit_low"_s},
                 {u"threshold"_s, 10},
                 {u"group_wait_seconds"_s, 30},
                 {u"group_interval_seconds"_s, 300},
                 {u"labels"_s, QJsonObject {{u"severity"_s, u"warning"_s}}}}});
    Receiver receiver;
    QVERIFY(receiver.listen());
    receiver.status = 503; // down at first
    const QByteArray secret = "s3cret";
    Watchlist watchlist(dir.path());
    auto engine = std::make_unique<AlertEngine>(dir.location(), dir.path(), &watchlist, &clock);
    engine->setWebhook({receiver.url(), secret});
    PollerSnapshot poller;
    poller.rateLimit = {5000, 100, 4900, start.addSecs(1800)};
    engine->setPollerSnapshot(poller);
    engine->start();
    QTest::qWait(50);
    QCOMPARE(receiver.posts.size(), 0); // group_wait
    clock.runFor(30 * 1000);
    QTRY_COMPARE(receiver.posts.size(), 1);
    QTest::qWait(50);
    QCOMPARE(engine->outboxCount(), 1); // refused: it waits

    receiver.status = 200;
    clock.advanceToNext(); // the retry, 5 s on
    QTRY_COMPARE(engine->outboxCount(), 0);
    QCOMPARE(receiver.posts.size(), 2);
    const Receiver::Post post = receiver.posts.last(); // a copy: more posts will come
    QCOMPARE(post.headers.value("x-ghm-signature-256"),
             "sha256="
                 + QMessageAuthenticationCode::hash(post.body, secret, QCryptographicHash::Sha256)
                       .toHex());
    QVERIFY(!post.headers.contains("authorization"));
    const QJsonObject payload = QJsonDocument::fromJson(post.body).object();
    QCOMPARE(payload["version"_L1].toString(), u"4"_s);
    QCOMPARE(payload["status"_L1].toString(), u"firing"_s);
    QCOMPARE(payload["groupLabels"_L1]["alertname"_L1].toString(), u"rate"_s);
    const QJsonObject alert = payload["alerts"_L1][0].toObject();
    QCOMPARE(alert["labels"_L1]["alertname"_L1].toString(), u"rate"_s);
    QCOMPARE(alert["labels"_L1]["severity"_L1].toString(), u"warning"_s);
    QVERIFY(alert["annotations"_L1]["summary"_L1].toString().startsWith("100 of 5000"_L1));
    QCOMPARE(receiver.posts.first().headers.value("x-ghm-delivery"),
             post.headers.value("x-ghm-delivery"));

    // A restart sends nothing again; the recovery is sent once, as resolved, when the
    // group_interval since the first notification has passed.
    engine = std::make_unique<AlertEngine>(dir.location(), dir.path(), &watchlist, &clock);
    engine->setWebhook({receiver.url(), secret});
    poller.rateLimit.remaining = 4000;
    engine->setPollerSnapshot(poller);
    engine->start();
    QTest::qWait(50);
    QCOMPARE(receiver.posts.size(), 2);
    clock.runFor(300 * 1000);
    QTRY_COMPARE(receiver.posts.size(), 3);
    QTest::qWait(50);
    QCOMPARE(receiver.posts.size(), 3);
    const QJsonObject resolved = QJsonDocument::fromJson(receiver.posts.last().body).object();
    QCOMPARE(resolved["status"_L1].toString(), u"resolved"_s);
    QCOMPARE(resolved["alerts"_L1][0]["status"_L1].toString(), u"resolved"_s);
    QVERIFY(receiver.posts.last().headers.value("x-ghm-delivery")
            != post.headers.value("x-ghm-delivery"));
}

// A rate limit that dips below the threshold every other minute for two hours fires and
// resolves about 120 times; its group is notified at most once a group_interval. Then,
// firing steadily, it is notified again each repeat_interval, and no more often.
void TestAlerts::aFlappingRuleNotifiesAtMostOnceAGroupInterval()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    createStore(dir);
    constexpr qint64 interval = 300, repeat = 3600;
    writeRules(dir.path(),
               {{{u"name"_s, u"rate"_s},
                 {u"kind"_s, u"rate_limit_low"_s},
                 {u"threshold"_s, 10},
                 {u"group_wait_seconds"_s, 30},
                 {u"group_interval_seconds"_s, interval},
                 {u"repeat_interval_seconds"_s, repeat}}});
    Watchlist watchlist(dir.path());
    AlertEngine engine(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy transitions(&engine, &AlertEngine::alertChanged);
    QList<AlertNotification> notifications;
    connect(&engine, &AlertEngine::notified, this,
            [&notifications](const AlertNotification &made) { notifications.append(made); });
    PollerSnapshot poller;
    poller.rateLimit = {5000, 100, 4900, start.addSecs(1800)};
    engine.setPollerSnapshot(poller);
    engine.start();
    constexpr int flappingMinutes = 120;
    for (int minute = 1; minute <= flappingMinutes; ++minute) {
        poller.rateLimit.remaining = minute % 2 ? 4000 : 100;
        engine.setPollerSnapshot(poller);
        clock.runFor(60 * 1000);
    }
    QVERIFY2(transitions.size() >= flappingMinutes - 2, "the condition flapped");
    QVERIFY(notifications.size() >= 2);
    QVERIFY(notifications.size() <= flappingMinutes * 60 / interval + 1);
    for (qsizetype i = 1; i < notifications.size(); ++i)
        QVERIFY2(notifications[i].at - notifications[i - 1].at >= interval,
                 qPrintable(u"notifications %1 s apart"_s.arg(notifications[i].at
                                                              - notifications[i - 1].at)));

    // Steadily firing for five hours: repeated every hour, on the minute's evaluation.
    poller.rateLimit.remaining = 100;
    engine.setPollerSnapshot(poller);
    const qsizetype before = notifications.size();
    clock.runFor(5 * 3600 * 1000);
    const QList<AlertNotification> steady = notifications.mid(before);
    QVERIFY(!steady.isEmpty());
    qsizetype repeats = 0;
    for (qsizetype i = 1; i < steady.size(); ++i) {
        QVERIFY(steady[i].repeat);
        QVERIFY(steady[i].fresh.isEmpty());
        const qint64 gap = steady[i].at - steady[i - 1].at;
        QVERIFY2(gap >= repeat && gap < repeat + 60, qPrintable(QString::number(gap)));
        ++repeats;
    }
    QVERIFY2(repeats >= 4, qPrintable(QString::number(repeats)));
}

// A silence mutes the rule's alerts: they show, with when the silence ends, and notify no
// one; when it ends, the alert still firing is notified. One ended at once mutes no more.
void TestAlerts::silencedAlertsShowButNotifyNoOne()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    createStore(dir);
    writeRules(dir.path(),
               {{{u"name"_s, u"disk"_s},
                 {u"kind"_s, u"disk_low"_s},
                 {u"threshold"_s, 1e12},
                 {u"group_wait_seconds"_s, 0}}});
    const QString silences = dir.path() + u"/alert-silences.json"_s;
    const qint64 now = start.toSecsSinceEpoch();
    QString error;
    AlertSilence silence {{}, u"disk"_s, {}, now, now + 3600, u"maintenance"_s};
    QVERIFY2(AlertSilence::add(silences, silence, now, &error), qPrintable(error));
    AlertSilence other {{}, u"release"_s, u"acme/widgets"_s, now, now + 86400, {}};
    QVERIFY2(AlertSilence::add(silences, other, now, &error), qPrintable(error));
    AlertSilence endless {{}, u"disk"_s, {}, now, now, {}};
    QVERIFY(!AlertSilence::add(silences, endless, now, &error));
    QVERIFY2(error.contains("from a second to a year"_L1), qPrintable(error));

    Watchlist watchlist(dir.path());
    AlertEngine engine(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy notified(&engine, &AlertEngine::notified);
    engine.start();
    QCOMPARE(engine.board().active.size(), 1);
    QVERIFY(engine.board().active.first().isFiring());
    QCOMPARE(engine.board().active.first().silencedUntil, now + 3600);
    clock.runFor(3599 * 1000);
    QCOMPARE(notified.size(), 0);
    clock.runFor(61 * 1000);
    QCOMPARE(notified.size(), 1);
    QCOMPARE(notified.first().first().value<AlertNotification>().fresh.size(), 1);
    QCOMPARE(engine.board().active.first().silencedUntil, -1);

    // Silenced again, then ended at once.
    const qint64 later = clock.now().toSecsSinceEpoch();
    silence.startsAt = later;
    silence.endsAt = later + 86400;
    const std::optional<AlertSilence> again = AlertSilence::add(silences, silence, later, &error);
    QVERIFY(again);
    engine.evaluate();
    QCOMPARE(engine.board().active.first().silencedUntil, later + 86400);
    QVERIFY(AlertSilence::expire(silences, again->id, later, &error));
    QVERIFY(!AlertSilence::expire(silences, u"no-such-id"_s, later, &error));
    engine.evaluate();
    QCOMPARE(engine.board().active.first().silencedUntil, -1);
    QCOMPARE(AlertSilence::load(silences, later, &error)->size(), 1); // the release's
}

// A watched repository's burst of events, a pull request opened and one open for 40 days
// each fire; the stale one resolves once it is merged.
void TestAlerts::burstsOpenedAndStalePullRequestsFire()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    FakeGitHub github(&clock);
    QVERIFY(github.listen());
    const QString repository = u"acme/widgets"_s;
    github.addRepository(repository, 0, 30);
    clock.runFor(-40LL * 86400 * 1000);
    const int old = github.openPullRequest(repository, u"bob"_s);
    clock.runFor(40LL * 86400 * 1000 - 300 * 1000);
    const int fresh = github.openPullRequest(repository, u"alice"_s);
    clock.runFor(300 * 1000);

    // Two days of 2 to 4 events an hour, then a burst in the last complete hour.
    const qint64 thisHour = start.toSecsSinceEpoch() - start.toSecsSinceEpoch() % 3600;
    QHash<qint64, int> perHour;
    for (int back = 50; back >= 1; --back)
        perHour.insert(thisHour - back * 3600, back == 1 ? 80 : 2 + back % 3);
    const QString events = dir.path() + u"/events.ndjson"_s;
    QFile file(events);
    QVERIFY(file.open(QIODevice::WriteOnly));
    qint64 id = 1000;
    for (auto it = perHour.cbegin(); it != perHour.cend(); ++it) {
        for (int i = 0; i < it.value(); ++i)
            file.write(
                QJsonDocument(QJsonObject {{u"id"_s, QString::number(++id)},
                                           {u"type"_s, u"PushEvent"_s},
                                           {u"actor"_s, QJsonObject {{u"login"_s, u"carol"_s}}},
                                           {u"repo"_s, QJsonObject {{u"name"_s, repository}}},
                                           {u"payload"_s, QJsonObject {}},
                                           {u"created_at"_s, TimeFormat::iso(it.key() + i * 40)}})
                    .toJson(QJsonDocument::Compact)
                + '\n');
    }
    file.close();

    BronzeStore bronze(dir.path());
    RateBudget budget;
    const auto fetchPulls = [&] {
        PullRequestBackfill pulls({github.url(), {}, 90, 1000, 2000, 15}, repository, &bronze,
                                  &clock, &budget);
        QSignalSpy done(&pulls, &PullRequestBackfill::finished);
        pulls.start();
        QTRY_COMPARE(done.size(), 1);
    };
    fetchPulls();
    Pipeline pipeline(dir.location());
    QVERIFY(pipeline.open());
    pipeline.catchUp();
    pipeline.importFiles({events});
    Watchlist watchlist(dir.path());
    QString error;
    QVERIFY(watchlist.add(repository, &error));
    const auto rule = [](const char *name, const char *kind, double threshold) {
        return QJsonObject {{u"name"_s, QString::fromLatin1(name)},
                            {u"kind"_s, QString::fromLatin1(kind)},
                            {u"threshold"_s, threshold},
                            {u"keep_firing_for_seconds"_s, 3600},
                            {u"group_wait_seconds"_s, 0}};
    };
    QJsonObject stale = rule("stale", "pull_request_stale", 30);
    stale.insert(u"keep_firing_for_seconds"_s, 0); // resolves as soon as it is merged
    writeRules(
        dir.path(),
        {rule("burst", "activity_burst", 4), rule("opened", "pull_request_opened", 0), stale});

    AlertEngine engine(dir.location(), dir.path(), &watchlist, &clock);
    QSignalSpy transitions(&engine, &AlertEngine::alertChanged);
    engine.start();
    QCOMPARE(firing(transitions),
             (QStringList {u"burst firing"_s, u"opened firing"_s, u"stale firing"_s}));
    for (const Alert &alert : engine.board().active) {
        QCOMPARE(alert.repository, repository);
        const QString expected = alert.rule == "burst"_L1
            ? u"at least %1 events in the hour from %2"_s.arg(perHour.value(thisHour - 3600))
                  .arg(TimeFormat::iso(thisHour - 3600))
            : alert.rule == "opened"_L1
            ? u"opened pull request #%1"_s.arg(fresh)
            : u"has 1 pull requests open 30 days or more, the oldest #%1"_s.arg(old);
        QVERIFY2(alert.summary.contains(expected), qPrintable(alert.summary));
    }

    clock.advanceBy(30 * 1000); // the next fetch's bronze page is one of its own
    github.mergePullRequest(repository, old);
    fetchPulls();
    pipeline.catchUp();
    clock.runFor(30 * 1000);
    QCOMPARE(transitions.size(), 4);
    const Alert resolved = transitions.last().first().value<Alert>();
    QCOMPARE(resolved.rule, u"stale"_s);
    QCOMPARE(resolved.state, Alert::State::Resolved);
}

// A webhook on a dead port: each attempt fails, the wait doubles from 5 s, the service
// goes on evaluating and queuing; once the receiver listens, everything arrives, in
// order, once.
void TestAlerts::aDeadWebhookIsRetriedAndLosesNothing()
{
    TestStorage dir;
    REQUIRE_STORAGE(dir);
    ManualClock clock(start);
    createStore(dir);
    const QJsonObject disk {{u"name"_s, u"disk"_s},
                            {u"kind"_s, u"disk_low"_s},
                            {u"threshold"_s, 1e12},
                            {u"group_wait_seconds"_s, 0}};
    writeRules(dir.path(), {disk});
    Receiver receiver;
    QVERIFY(receiver.listen());
    const quint16 port = receiver.port();
    const QUrl url = receiver.url();
    receiver.close();
    Watchlist watchlist(dir.path());
    AlertEngine engine(dir.location(), dir.path(), &watchlist, &clock);
    engine.setWebhook({url, "s3cret"});
    QStringList waits;
    QtMessageHandler previous = qInstallMessageHandler(nullptr);
    static QStringList *captured = nullptr;
    captured = &waits;
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &message) {
        if (message.contains("the webhook failed"_L1))
            captured->append(message.section(u"retrying in "_s, 1).section(u' ', 0, 0));
    });
    const auto restore = qScopeGuard([previous] { qInstallMessageHandler(previous); });
    engine.start();
    QTRY_COMPARE(waits.size(), 1);
    for (int attempt = 2; attempt <= 4; ++attempt) {
        clock.advanceToNext();
        QTRY_COMPARE(waits.size(), attempt);
    }
    QCOMPARE(waits, (QStringList {u"5"_s, u"10"_s, u"20"_s, u"40"_s}));
    QCOMPARE(engine.outboxCount(), 1);

    // Meanwhile another rule fires: evaluated and queued as ever.
    writeRules(dir.path(),
               {disk,
                QJsonObject {{u"name"_s, u"rate"_s},
                             {u"kind"_s, u"rate_limit_low"_s},
                             {u"threshold"_s, 10},
                             {u"group_wait_seconds"_s, 0}}});
    PollerSnapshot poller;
    poller.rateLimit = {5000, 100, 4900, start.addSecs(1800)};
    engine.setPollerSnapshot(poller);
    clock.runFor(60 * 1000);
    QTRY_COMPARE(engine.outboxCount(), 2);
    QCOMPARE(engine.board().active.size(), 2);

    QVERIFY(receiver.listen(port));
    clock.runFor(10 * 60 * 1000);
    QTRY_COMPARE(engine.outboxCount(), 0);
    QCOMPARE(receiver.posts.size(), 2);
    const auto alertname = [&](int i) {
        return QJsonDocument::fromJson(receiver.posts[i].body)["groupLabels"_L1]["alertname"_L1]
            .toString();
    };
    QCOMPARE(alertname(0), u"disk"_s);
    QCOMPARE(alertname(1), u"rate"_s);
}

// The real `ghmonitor --headless`: two alerts fire while the webhook's receiver is down,
// the process is killed with SIGKILL with both notifications waiting, and once started
// again it delivers each, once, and fires nothing again.
void TestAlerts::theRealProcessDeliversOnceAcrossAKill()
{
    QTemporaryDir dir;
    QProcess github;
    const QUrl githubUrl
        = ChildProcess::startFakeGitHub(github, {u"--era"_s, u"2026"_s, u"--rate"_s, u"5"_s});
    QVERIFY(githubUrl.isValid());
    const QString data = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(data));
    const auto diskRule = [](const QString &name) {
        return QJsonObject {{u"name"_s, name},
                            {u"kind"_s, u"disk_low"_s},
                            {u"threshold"_s, 1e12},
                            {u"group_wait_seconds"_s, 0}};
    };
    writeRules(data, {diskRule(u"disk-a"_s), diskRule(u"disk-b"_s)});
    Receiver receiver;
    QVERIFY(receiver.listen());
    receiver.status = 503;
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, githubUrl.toString());
    env.insert(u"GHM_DATA_DIR"_s, data);
    env.insert(u"GHM_ALERT_WEBHOOK_URL"_s, receiver.url().toString());
    env.insert(u"GHM_ALERT_WEBHOOK_SECRET"_s, u"s3cret"_s);
    QByteArray logs;
    const auto run = [&](QProcess &monitor) {
        monitor.setProcessEnvironment(env);
        monitor.setProcessChannelMode(QProcess::MergedChannels);
        connect(&monitor, &QProcess::readyRead, &monitor, [&] { logs += monitor.readAll(); });
        monitor.start(QStringLiteral(GHM_BINARY), {u"--headless"_s});
        QVERIFY(monitor.waitForStarted());
    };
    {
        QProcess monitor;
        run(monitor);
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.posts.isEmpty(), 20000);
        monitor.kill();
        QVERIFY(monitor.waitForFinished());
    }
    QVERIFY2(logs.count("alert firing: disk-a") == 1, logs.constData());
    QVERIFY2(logs.count("alert firing: disk-b") == 1, logs.constData());
    receiver.status = 200;
    {
        QProcess monitor;
        run(monitor);
        const auto delivered = [&receiver] {
            return std::count_if(receiver.posts.cbegin(), receiver.posts.cend(),
                                 [](const Receiver::Post &post) { return post.answered == 200; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(delivered() == 2, 20000);
        QTest::qWait(2000);
        monitor.terminate();
        QVERIFY(monitor.waitForFinished());
    }
    github.kill();
    github.waitForFinished();
    // Each notification delivered once: a delivery id answered 200 once, and refused ones
    // sent again under the same id.
    QHash<QByteArray, int> delivered;
    QHash<QByteArray, QString> rules;
    for (const Receiver::Post &post : std::as_const(receiver.posts)) {
        const QByteArray id = post.headers.value("x-ghm-delivery");
        delivered[id] += post.answered == 200;
        rules.insert(
            id, QJsonDocument::fromJson(post.body)["groupLabels"_L1]["alertname"_L1].toString());
    }
    QCOMPARE(delivered.size(), 2);
    for (const int times : std::as_const(delivered))
        QCOMPARE(times, 1);
    QStringList told = rules.values();
    told.sort();
    QCOMPARE(told, (QStringList {u"disk-a"_s, u"disk-b"_s}));
    QVERIFY2(logs.count("alert firing: disk-a") == 1, logs.constData());
    QVERIFY2(logs.count("alert firing: disk-b") == 1, logs.constData());
}

// The real `ghmonitor --headless` on the stand-in's 2026 feed: the feed-degraded alert
// fires; the stand-in stops releasing events, and, polls still succeeding, ingestion-stalled
// fires; the feed resumes, and it resolves. The webhook gets each notification once. Edits
// over the API apply at once, so a PUT of the same rule asks for each evaluation.
void TestAlerts::theRealProcessAlertsOnAStalledAndADegradedFeed()
{
    QTemporaryDir dir;
    QProcess github;
    const QUrl githubUrl = ChildProcess::startFakeGitHub(
        github, {u"--era"_s, u"2026"_s, u"--rate"_s, u"40"_s, u"--poll-interval"_s, u"1"_s});
    QVERIFY(githubUrl.isValid());
    const QString data = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(data));
    const QString stalled = u"kind=ingestion_stalled&threshold=0.1&group_wait_seconds=0"
                            "&group_interval_seconds=0"_s;
    // Kept firing a while: the first minute's sample is small, and its mix may waver.
    writeRules(data,
               {{{u"name"_s, u"feed-degraded"_s},
                 {u"kind"_s, u"feed_degraded"_s},
                 {u"keep_firing_for_seconds"_s, 600},
                 {u"group_wait_seconds"_s, 0}}});
    Receiver receiver;
    QVERIFY(receiver.listen());
    QProcessEnvironment env = ChildProcess::cleanEnvironment();
    env.insert(u"GITHUB_API_URL"_s, githubUrl.toString());
    env.insert(u"GHM_DATA_DIR"_s, data);
    env.insert(u"GHM_API_PORT"_s, u"0"_s);
    env.insert(u"COLLECTION_INTERVAL_SECONDS"_s, u"1"_s);
    env.insert(u"GHM_ALERT_WEBHOOK_URL"_s, receiver.url().toString());
    QProcess monitor;
    monitor.setProcessEnvironment(env);
    monitor.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray logs;
    connect(&monitor, &QProcess::readyRead, &monitor, [&] { logs += monitor.readAll(); });
    monitor.start(QStringLiteral(GHM_BINARY), {u"--headless"_s});
    QVERIFY(monitor.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(logs.contains("API listening on "), 15000);
    const qsizetype at = logs.indexOf("API listening on ") + 17;
    const QString api = QString::fromLatin1(logs.mid(at, logs.indexOf('\n', at) - at).trimmed());
    QNetworkAccessManager network;
    const auto post = [&](const QString &url, const QByteArray &method) {
        QNetworkReply *reply
            = network.sendCustomRequest(QNetworkRequest(QUrl(url)), method, QByteArray());
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
        reply->deleteLater();
    };
    const auto evaluateUntil = [&](const QByteArray &line) {
        QElapsedTimer waited;
        waited.start();
        while (!logs.contains(line) && waited.elapsed() < 60000) {
            post(api + u"/api/alerts/rules/stalled?"_s + stalled, "PUT");
            QTest::qWait(2000);
        }
        QVERIFY2(logs.contains(line), logs.right(3000).constData());
    };
    evaluateUntil("alert firing: feed-degraded");
    post(githubUrl.toString() + u"/_control/pause"_s, "POST");
    evaluateUntil("alert firing: stalled");
    post(githubUrl.toString() + u"/_control/resume"_s, "POST");
    evaluateUntil("alert resolved: stalled");
    QTRY_VERIFY_WITH_TIMEOUT(receiver.posts.size() >= 3, 20000);
    QTest::qWait(1000);
    QVERIFY(ChildProcess::terminate(monitor));
    github.kill();
    github.waitForFinished();

    QCOMPARE(logs.count("alert firing: feed-degraded"), 1);
    QCOMPARE(logs.count("alert firing: stalled"), 1);
    QStringList told;
    QSet<QByteArray> deliveries;
    for (const Receiver::Post &sent : std::as_const(receiver.posts)) {
        const QJsonObject payload = QJsonDocument::fromJson(sent.body).object();
        told << payload["groupLabels"_L1]["alertname"_L1].toString() + u' '
                + payload["status"_L1].toString();
        deliveries.insert(sent.headers.value("x-ghm-delivery"));
    }
    QCOMPARE(told,
             (QStringList {u"feed-degraded firing"_s, u"stalled firing"_s, u"stalled resolved"_s}));
    QCOMPARE(deliveries.size(), 3);
}

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
