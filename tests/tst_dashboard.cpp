#include "apiserver.h"
#include "chartpanels.h"
#include "collect/watchlist.h"
#include "dashboardcontroller.h"
#include "dashboardimage.h"
#include "dashboardwidget.h"
#include "eventfeedmodel.h"
#include "fixtureevents.h"
#include "ingest/pipeline.h"
#include "mainwindow.h"
#include "query/metricsqueries.h"
#include "syntheticevents.h"
#include "teststorage.h"

#include <QBarSet>
#include <QChart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProgressDialog>
#include <QPushButton>
#include <QScatterSeries>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <map>

using namespace Qt::StringLiterals;

namespace {

const QDateTime at2025 = QDateTime(QDate(2025, 1, 1), QTime(15, 30), Qt::UTC);

std::map<QString, qint64> countBy(const QHash<qint64, FixtureEvent> &events, qint64 from, qint64 to,
                                  QString FixtureEvent::*field)
{
    std::map<QString, qint64> counts;
    for (const FixtureEvent &event : events) {
        if (event.createdAt >= from && event.createdAt <= to)
            ++counts[event.*field];
    }
    return counts;
}

} // namespace

// The dashboard against the real fixtures; expected values are computed here directly
// from the fixture events.
class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void panelsHoldTheFixtureNumbers();
    void pastWindowsHoldExactlyTheirEvents_data();
    void pastWindowsHoldExactlyTheirEvents();
    void clickingARepositoryBarSelectsIt();
    void goldChangedRefreshesThrottled();
    void exportsParseBackToTheSameNumbers();
    void pngExportIsLargeAndNotBlank();
    void statusBarShowsEachPollerState_data();
    void statusBarShowsEachPollerState();
    void importDialogCancels();
    void dashboardPageAndImagesAreServed();
    void watchButtonEditsTheWatchlist();
    void chartsFollowADarkPalette();
    void starsPanelShowsTheHistoryOrHowToGetIt();

private:
    DashboardSnapshot load(qint64 minutes, const QDateTime &at, const QString &repository = {});

    TestStorage m_dir;
    QThread m_readers; // the dashboard's reads, as Services' dashboard thread in the app
    QHash<qint64, FixtureEvent> m_events;
    std::unique_ptr<MetricsQueries> m_queries;
};

void TestDashboard::initTestCase()
{
    m_readers.start();
    SKIP_WITHOUT_FIXTURES();
    QCoreApplication::setOrganizationName(u"ghmonitor-tests"_s);
    QSettings().clear();
    m_events = FixtureEvents::load();
    REQUIRE_STORAGE(m_dir);
    QVERIFY(FixtureEvents::importAll(m_dir.location()));
    m_queries = std::make_unique<MetricsQueries>(m_dir.location());
    QString error;
    QVERIFY(m_queries->open(&error));
}

void TestDashboard::cleanupTestCase()
{
    m_readers.quit();
    m_readers.wait();
}

DashboardSnapshot TestDashboard::load(qint64 minutes, const QDateTime &at,
                                      const QString &repository)
{
    DashboardRequest request;
    request.minutes = minutes;
    request.at = at;
    request.repository = repository;
    return DashboardSnapshot::load(*m_queries, request);
}

void TestDashboard::panelsHoldTheFixtureNumbers()
{
    DashboardWidget widget; // at the window's default size, where every bar has room
    widget.resize(1400, 820);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    widget.setData(load(60, at2025));
    const qint64 to = at2025.toSecsSinceEpoch();

    // Types: bottom-up, so the most frequent is the last bar; the rarest share "Other".
    const auto types = countBy(m_events, to - 3600, to, &FixtureEvent::type);
    QVERIFY(types.size() > DashboardSnapshot::maxTypeBars);
    const QStringList categories = widget.eventTypes()->names();
    QCOMPARE(categories.size(), DashboardSnapshot::maxTypeBars);
    QCOMPARE(widget.eventTypes()->categories().size(), DashboardSnapshot::maxTypeBars);
    QCOMPARE(categories.first(), u"Other"_s);
    qint64 named = 0;
    for (qsizetype i = 1; i < categories.size(); ++i) {
        const qint64 count = types.at(categories[i]);
        QCOMPARE(qint64(widget.eventTypes()->bars()->at(int(i))), count);
        named += count;
        if (i > 1)
            QVERIFY(widget.eventTypes()->bars()->at(int(i))
                    >= widget.eventTypes()->bars()->at(int(i - 1)));
    }
    qint64 all = 0;
    for (const auto &[type, count] : types)
        all += count;
    QCOMPARE(qint64(widget.eventTypes()->bars()->at(0)), all - named);

    // Repositories: the top ten, top first.
    const auto repos = countBy(m_events, to - 3600, to, &FixtureEvent::repo);
    QList<std::pair<QString, qint64>> ranked(repos.begin(), repos.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    const QStringList shown = widget.activeRepositories()->repositories();
    QCOMPARE(shown.size(), 10);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(shown[i], ranked[i].first);
        QCOMPARE(qint64(widget.activeRepositories()->bars()->at(9 - i)), ranked[i].second);
    }

    // Rate: the lines together hold every event of the window, each bucket's rate over the
    // seconds it has in the window. The last bucket has one second; the hour before the
    // fixture's, which no source measured, is a gap.
    const RateSeries &rate = widget.data().rate;
    QCOMPARE(rate.secondsIn(rate.bucketStarts.size() - 1), 1);
    QVERIFY(rate.gaps.contains(true));
    double plotted = 0;
    for (const QLineSeries *line : widget.eventRate()->series()) {
        const QList<QPointF> points = line->points();
        QCOMPARE(points.size(), rate.gaps.count(false));
        qsizetype point = 0;
        for (qsizetype bucket = 0; bucket < rate.bucketStarts.size(); ++bucket) {
            if (!rate.gaps[bucket])
                plotted += points[point++].y() * double(rate.secondsIn(bucket)) / 60;
        }
    }
    qint64 inWindow = 0;
    for (const FixtureEvent &event : std::as_const(m_events))
        inWindow += event.createdAt >= to - 3600 && event.createdAt <= to;
    QCOMPARE(qRound64(plotted), inWindow);
    QCOMPARE(widget.eventRate()->series().size(), RateSeries::majorTypes + 1);

    // Feed: the window's newest.
    QCOMPARE(widget.feed()->rowCount(), qMin(500, int(inWindow)));
}

void TestDashboard::pastWindowsHoldExactlyTheirEvents_data()
{
    QTest::addColumn<qint64>("minutes");
    // From 2025-01-01T15:00:00Z: the fixture's hour holds events from 15:00:00 to 15:00:38.
    QTest::addColumn<qint64>("endOffsetMs");
    QTest::addColumn<bool>("wholeStore");
    for (const qint64 minutes : {1, 2, 5, 15, 60, 360, 1440, 10080}) {
        QTest::addRow("%lld min, on a minute", minutes) << minutes << qint64(60'000) << false;
        QTest::addRow("%lld min, mid-minute", minutes) << minutes << qint64(20'000) << false;
        QTest::addRow("%lld min, sub-second", minutes) << minutes << qint64(30'500) << false;
    }
    QTest::addRow("All") << qint64(0) << qint64(0) << true;
}

// Each bucket holds the window's events inside it, counted here from the fixtures, and its
// rate is their mean rate over its seconds: never more. The buckets add up to the counts.
void TestDashboard::pastWindowsHoldExactlyTheirEvents()
{
    QFETCH(qint64, minutes);
    QFETCH(qint64, endOffsetMs);
    QFETCH(bool, wholeStore);
    DashboardRequest request;
    request.minutes = minutes;
    request.at = QDateTime(QDate(2025, 1, 1), QTime(15, 0), Qt::UTC).addMSecs(endOffsetMs);
    request.wholeStore = wholeStore;
    const DashboardSnapshot snapshot = DashboardSnapshot::load(*m_queries, request);
    const TimeWindow &window = snapshot.window;
    if (wholeStore) {
        qint64 first = std::numeric_limits<qint64>::max();
        qint64 last = 0;
        for (const FixtureEvent &event : std::as_const(m_events)) {
            first = std::min(first, event.createdAt);
            last = std::max(last, event.createdAt);
        }
        QCOMPARE(window.from, first);
        QCOMPARE(window.to, last);
    }
    const RateSeries &rate = snapshot.rate;
    QVERIFY(!rate.lastBucketFilling);
    QCOMPARE(rate.bucketStarts.first(), window.from);
    QCOMPARE(rate.bucketEnds.last(), window.to + 1);
    qint64 bucketed = 0;
    for (qsizetype bucket = 0; bucket < rate.bucketStarts.size(); ++bucket) {
        qint64 expected = 0;
        for (const FixtureEvent &event : std::as_const(m_events))
            expected += event.createdAt >= rate.bucketStarts[bucket]
                && event.createdAt < rate.bucketEnds[bucket];
        qint64 counted = 0;
        double rated = 0;
        for (const RateSeries::Line &line : rate.lines) {
            counted += line.counts[bucket];
            rated += rate.rate(line, bucket).value_or(0);
        }
        QCOMPARE(counted, expected);
        const double trueRate
            = double(expected) * double(rate.unitSeconds) / double(rate.secondsIn(bucket));
        QVERIFY2(qAbs(rated - trueRate) <= 1e-9 * std::max(trueRate, 1.0),
                 qPrintable(u"bucket %1: %2 against %3"_s.arg(bucket).arg(rated).arg(trueRate)));
        bucketed += counted;
    }
    qint64 inWindow = 0;
    for (const FixtureEvent &event : std::as_const(m_events))
        inWindow += event.createdAt >= window.from && event.createdAt <= window.to;
    QCOMPARE(bucketed, inWindow);
    QCOMPARE(snapshot.eventsTotal(), inWindow);
}

void TestDashboard::clickingARepositoryBarSelectsIt()
{
    DashboardWidget widget;
    widget.resize(1400, 820);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    widget.setData(load(60, at2025));
    QSignalSpy selected(&widget, &DashboardWidget::repositorySelected);
    const QStringList shown = widget.activeRepositories()->repositories();
    emit widget.activeRepositories()->bars()->clicked(9); // the top bar
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().first().toString(), shown.first());
    emit widget.activeRepositories()->bars()->clicked(0); // the bottom bar
    QCOMPARE(selected.last().first().toString(), shown.last());

    // The selection drives the pull-request panel, which counts the window's openings.
    const qint64 to = at2025.toSecsSinceEpoch();
    const auto openedInWindow = [&](const FixtureEvent &event) {
        return event.type == "PullRequestEvent"_L1 && event.action == "opened"_L1
            && event.createdAt >= to - 3600 && event.createdAt <= to;
    };
    QString busy;
    for (const FixtureEvent &event : std::as_const(m_events)) {
        if (openedInWindow(event)) {
            busy = event.repo;
            break;
        }
    }
    widget.setData(load(60, at2025, busy));
    qint64 opened = 0;
    for (const FixtureEvent &event : std::as_const(m_events))
        opened += event.repo == busy && openedInWindow(event);
    QVERIFY(opened > 0);
    QCOMPARE(qint64(widget.pullRequests()->timeline()->count()), opened);
    QCOMPARE(widget.pullRequests()->picker()->text(), busy);
}

void TestDashboard::goldChangedRefreshesThrottled()
{
    DashboardController controller(m_dir.location(), 90, &m_readers);
    QSignalSpy ready(&controller, &DashboardController::dataReady);
    DashboardRequest request;
    request.at = at2025;
    controller.setRequest(request);
    QVERIFY(ready.wait());
    QTest::qWait(DashboardController::throttleMs + 100);
    const int before = controller.loadsRequested();
    for (int i = 0; i < 20; ++i)
        controller.onGoldChanged();
    QCOMPARE(controller.loadsRequested(), before + 1); // the first at once
    QTRY_COMPARE(controller.loadsRequested(), before + 2); // the rest folded into one
    QTest::qWait(DashboardController::throttleMs * 2);
    QCOMPARE(controller.loadsRequested(), before + 2);
    QTRY_VERIFY(ready.size() >= 3);
    const DashboardSnapshot data = ready.last().first().value<DashboardSnapshot>();
    QCOMPARE(data.window.to, at2025.toSecsSinceEpoch());
}

void TestDashboard::exportsParseBackToTheSameNumbers()
{
    DashboardController controller(m_dir.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.dashboard()->setData(load(60, at2025));
    const qint64 to = at2025.toSecsSinceEpoch();
    const auto types = countBy(m_events, to - 3600, to, &FixtureEvent::type);
    const auto repos = countBy(m_events, to - 3600, to, &FixtureEvent::repo);

    QString error;
    const QString csvPath = m_dir.filePath(u"metrics.csv"_s);
    QVERIFY2(window.exportMetrics(csvPath, &error), qPrintable(error));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readLine().trimmed(), QByteArray("metric,key,value"));
    qsizetype typeRows = 0, repoRows = 0;
    while (!csv.atEnd()) {
        const QList<QByteArray> fields = csv.readLine().trimmed().split(',');
        if (fields[0] == "events_by_type") {
            QCOMPARE(fields[2].toLongLong(), types.at(QString::fromUtf8(fields[1])));
            ++typeRows;
        } else if (fields[0] == "active_repository") {
            QCOMPARE(fields[2].toLongLong(), repos.at(QString::fromUtf8(fields[1])));
            ++repoRows;
        }
    }
    QCOMPARE(typeRows, qsizetype(types.size()));
    QCOMPARE(repoRows, 10);

    const QString jsonPath = m_dir.filePath(u"metrics.json"_s);
    QVERIFY(window.exportMetrics(jsonPath, &error));
    QFile jsonFile(jsonPath);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(jsonFile.readAll()).object();
    QCOMPARE(json["window"_L1]["minutes"_L1].toInt(), 60);
    QCOMPARE(json["window"_L1]["to"_L1].toString(), u"2025-01-01T15:30:00Z"_s);
    const QJsonObject byType = json["events_by_type"_L1].toObject();
    QCOMPARE(byType.size(), qsizetype(types.size()));
    for (const auto &[type, count] : types)
        QCOMPARE(byType[type].toInteger(), count);
    const QJsonArray active = json["active_repositories"_L1].toArray();
    QCOMPARE(active.size(), 10);
    for (const QJsonValue &entry : active)
        QCOMPARE(entry["events"_L1].toInteger(), repos.at(entry["repository"_L1].toString()));
}

void TestDashboard::pngExportIsLargeAndNotBlank()
{
    DashboardController controller(m_dir.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.dashboard()->setData(load(60, at2025));
    QString error;
    const QString path = m_dir.filePath(u"dashboard.png"_s);
    QVERIFY2(window.exportImage(path, &error), qPrintable(error));
    const QImage image(path);
    QVERIFY(image.width() >= 1200 && image.height() >= 800);
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colors.insert(image.pixel(x, y));
    }
    QVERIFY2(colors.size() > 20, QByteArray::number(colors.size()));
}

void TestDashboard::statusBarShowsEachPollerState_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("expected");
    using State = PollerSnapshot::State;
    QTest::newRow("up to date") << int(State::UpToDate) << u"Up to date"_s;
    QTest::newRow("rate limited") << int(State::RateLimited) << u"Rate-limited until "_s;
    QTest::newRow("backing off") << int(State::BackingOff) << u"retrying in"_s;
    QTest::newRow("offline") << int(State::Offline)
                             << u"Offline: connection refused, retrying in"_s;
    QTest::newRow("bad token") << int(State::BadToken) << u"Bad token"_s;
    QTest::newRow("storage") << int(State::StorageError) << u"Cannot store data"_s;
    QTest::newRow("polling") << int(State::Polling) << u"Polling"_s;
}

void TestDashboard::statusBarShowsEachPollerState()
{
    QFETCH(int, state);
    QFETCH(QString, expected);
    DashboardController controller(m_dir.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    QCOMPARE(window.apiLabel()->text(), u"No API: a viewer"_s); // no pipeline: a viewer
    PollerSnapshot snapshot;
    snapshot.state = PollerSnapshot::State(state);
    snapshot.lastError = u"connection refused"_s;
    snapshot.nextPoll = QDateTime::currentDateTimeUtc().addSecs(40);
    snapshot.rateLimit.remaining = 57;
    snapshot.rateLimit.limit = 60;
    window.showPollerSnapshot(snapshot);
    QVERIFY2(window.pollerLabel()->text().contains(expected),
             qPrintable(window.pollerLabel()->text()));
    window.setApiFailed(u"API off: port in use"_s);
    QCOMPARE(window.apiLabel()->text(), u"API off"_s);
    window.setApiAddress(u"http://127.0.0.1:8000"_s);
    QVERIFY(window.apiLabel()->text().contains("http://127.0.0.1:8000"_L1));
}

void TestDashboard::importDialogCancels()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"big.ndjson"_s);
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        for (qint64 i = 0; i < 400000; ++i)
            out.write(SyntheticEvents::event(i, 1700000000 + i / 10, 5) + '\n');
    }
    QThread thread;
    auto *pipeline = new Pipeline(dir.filePath(u"data"_s));
    pipeline->moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(pipeline, &Pipeline::open, Qt::BlockingQueuedConnection);
    DashboardController controller(dir.filePath(u"data"_s), 90, &m_readers);
    MainWindow window(&controller, pipeline);
    QCOMPARE(window.apiLabel()->text(), u"API starting…"_s);
    QSignalSpy finished(pipeline, &Pipeline::finished);
    QSignalSpy progress(pipeline, &Pipeline::progress);
    window.startImport({file});
    QVERIFY(window.importDialog());
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 1, 20000);
    const auto stop = qScopeGuard([&] {
        thread.quit();
        thread.wait();
        delete pipeline;
    });
    QPushButton *cancel = window.importDialog()->findChild<QPushButton *>();
    QVERIFY(cancel);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 20000);
    const auto summary = finished.first().first().value<IngestSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY(summary.inserted > 0 && summary.inserted < 400000);
    QTRY_VERIFY(!window.importDialog());
}

void TestDashboard::dashboardPageAndImagesAreServed()
{
    // The API runs on its own thread, as in the app; images are drawn in this (GUI) thread.
    QThread apiThread;
    auto *server = new ApiServer({m_dir.location(), u"127.0.0.1"_s, 0, {}, {}, {}, {}});
    server->setPanelPainter(DashboardImage::pngPainter(this));
    server->moveToThread(&apiThread);
    QSignalSpy listening(server, &ApiServer::listening);
    apiThread.start();
    QMetaObject::invokeMethod(server, &ApiServer::start);
    QVERIFY(listening.wait());
    const QString base = listening.first().first().toString();

    QNetworkAccessManager network;
    QByteArray etag;
    QByteArray policy;
    const auto get = [&](const QString &path, const QByteArray &ifNoneMatch = {}) {
        QNetworkRequest request(QUrl(base + path));
        if (!ifNoneMatch.isEmpty())
            request.setRawHeader("If-None-Match", ifNoneMatch);
        QNetworkReply *reply = network.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(20000);
        reply->deleteLater();
        etag = reply->rawHeader("ETag");
        policy = reply->rawHeader("Content-Security-Policy");
        return std::make_tuple(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                               reply->header(QNetworkRequest::ContentTypeHeader).toString(),
                               reply->readAll());
    };
    // The page, its scripts (Chart.js bundled at build time) and nothing from elsewhere.
    const auto [pageStatus, pageType, html] = get(u"/dashboard"_s);
    QCOMPARE(pageStatus, 200);
    QVERIFY(pageType.startsWith("text/html"_L1));
    QVERIFY(policy.startsWith("default-src 'self'"));
    QVERIFY(!html.contains("http://") && !html.contains("https://"));
    for (const char *asset :
         {"dashboard.js", "dashboard.css", "chart.umd.min.js", "ghmonitor.svg"}) {
        const QByteArray path = "/dashboard/assets/" + QByteArray(asset);
        QVERIFY2(html.contains(path), asset);
        const auto [status, type, body] = get(QString::fromLatin1(path));
        QCOMPARE(status, 200);
        QVERIFY(!type.isEmpty() && body.size() > 500);
    }
    QCOMPARE(std::get<0>(get(u"/dashboard/assets/../../etc/passwd"_s)), 404);

    // The page's data: the snapshot the window draws, 304 while the data stands still.
    const QString data = u"/api/dashboard?window=60&at=2025-01-01T15:30:00Z"_s;
    const auto [dataStatus, dataType, body] = get(data);
    QCOMPARE(dataStatus, 200);
    const QJsonObject snapshot = QJsonDocument::fromJson(body).object();
    const QDateTime at = QDateTime::fromString(u"2025-01-01T15:30:00Z"_s, Qt::ISODate);
    QJsonObject byType;
    for (const KeyCount &count : m_queries->eventCounts(60, at))
        byType.insert(count.key, count.count);
    QVERIFY(!byType.isEmpty());
    QCOMPARE(snapshot["events_by_type"_L1].toObject(), byType);
    const QList<KeyCount> active = m_queries->activeRepositories(10, 60, at);
    const QJsonArray repositories = snapshot["active_repositories"_L1].toArray();
    QCOMPARE(repositories.size(), active.size());
    for (qsizetype i = 0; i < active.size(); ++i) {
        QCOMPARE(repositories[i]["repository"_L1].toString(), active[i].key);
        QCOMPARE(repositories[i]["events"_L1].toInteger(), active[i].count);
    }
    QCOMPARE(snapshot["latest_events"_L1].toArray().size(), 50);
    QVERIFY(!etag.isEmpty());
    const QByteArray first = etag;
    QCOMPARE(std::get<0>(get(data, first)), 304);
    QCOMPARE(etag, first);
    QCOMPARE(std::get<0>(get(data, "W/\"another\"")), 200);

    // The pull-request panel's search: stored names by prefix, any case.
    const QString top = active.first().key;
    const auto [namesStatus, namesType, names]
        = get(u"/api/repositories?limit=1000&prefix="_s + top.left(3).toUpper());
    QCOMPARE(namesStatus, 200);
    const QJsonArray found = QJsonDocument::fromJson(names).object()["repositories"_L1].toArray();
    QVERIFY(found.contains(top));
    for (const QJsonValue &name : found)
        QVERIFY(name.toString().startsWith(top.left(3), Qt::CaseInsensitive));

    for (const QString &panel : DashboardSnapshot::panelNames()) {
        const auto [status, type, png]
            = get(u"/dashboard/%1.png?window=60&at=2025-01-01T15:30:00Z"_s.arg(panel));
        QCOMPARE(status, 200);
        QCOMPARE(type, u"image/png"_s);
        const QImage image = QImage::fromData(png, "PNG");
        QVERIFY(image.width() >= 400 && image.height() >= 300);
    }
    QCOMPARE(std::get<0>(get(u"/dashboard/nothing.png"_s)), 404);
    QCOMPARE(std::get<0>(get(u"/dashboard/types.png?window=0"_s)), 400);

    QMetaObject::invokeMethod(server, &QObject::deleteLater);
    apiThread.quit();
    apiThread.wait();
}

void TestDashboard::watchButtonEditsTheWatchlist()
{
    QTemporaryDir dir;
    Watchlist watchlist(dir.path());
    DashboardController controller(m_dir.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.setWatchlist(&watchlist);
    PullRequestStats stats;
    stats.repositoryKnown = true;
    stats.repository = u"acme/widgets"_s;
    stats.source = u"history"_s;
    stats.openedAt = {1000, 4600, 8200};
    stats.count = 3;
    stats.averageSeconds = 3600;
    stats.medianSeconds = 3600;
    stats.merged = 2;
    stats.mergeMedianSeconds = 7200;
    stats.mergeP90Seconds = 10800;
    stats.open = 1;
    PullRequestPanel *panel = window.dashboard()->pullRequests();
    panel->setStats(stats);
    QVERIFY2(panel->summary().contains("time to merge: median 2.0 h, p90 3.0 h"_L1),
             qPrintable(panel->summary()));
    QVERIFY(panel->summary().contains("1 still open"_L1));

    QTest::mouseClick(panel->watchButton(), Qt::LeftButton);
    QCOMPARE(watchlist.names(), QStringList {u"acme/widgets"_s});
    QVERIFY(panel->watchButton()->isChecked());
    emit window.watchedMenu()->aboutToShow();
    QCOMPARE(window.watchedMenu()->actions().size(), 1);
    QCOMPARE(window.watchedMenu()->actions().first()->text(), u"acme/widgets"_s);
    QTest::mouseClick(panel->watchButton(), Qt::LeftButton);
    QVERIFY(watchlist.names().isEmpty());
    QVERIFY(!panel->watchButton()->isChecked());

    // A name that is not owner/name is refused with a word, in the panel, and nothing is
    // watched; Enter on it says so too.
    panel->picker()->setText(u"not a repository"_s);
    QTest::mouseClick(panel->watchButton(), Qt::LeftButton);
    QVERIFY(watchlist.names().isEmpty());
    QVERIFY(!panel->watchButton()->isChecked());
    QVERIFY2(panel->summary().startsWith("Cannot watch \"not a repository\""_L1),
             qPrintable(panel->summary()));
    QSignalSpy requested(panel, &PullRequestPanel::repositoryRequested);
    panel->picker()->setText(u"../etc"_s);
    QTest::keyClick(panel->picker(), Qt::Key_Return);
    QCOMPARE(requested.size(), 0);
    QVERIFY2(panel->summary().contains("is not a repository"_L1), qPrintable(panel->summary()));
}

void TestDashboard::chartsFollowADarkPalette()
{
    DashboardWidget widget;
    QCOMPARE(widget.eventTypes()->chart()->theme(), QChart::ChartThemeLight);
    QPalette dark = widget.palette();
    dark.setColor(QPalette::Window, QColor(30, 30, 30));
    dark.setColor(QPalette::WindowText, Qt::white);
    widget.setPalette(dark);
    QCOMPARE(widget.eventTypes()->chart()->theme(), QChart::ChartThemeDark);
    QCOMPARE(widget.pullRequests()->chart()->theme(), QChart::ChartThemeDark);
    widget.setData(load(60, at2025));
    QVERIFY(widget.eventTypes()->bars()->count() > 0);
    // The values after the bars are written in the dark palette's text colour.
    QVERIFY(widget.eventTypes()->bars()->labelColor().lightness() > 128);
    widget.resize(1024, 700);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QDir().mkpath(QStringLiteral(GHM_ARTIFACTS_DIR));
    widget.grab().save(QStringLiteral(GHM_ARTIFACTS_DIR "/dashboard-window-dark.png"));
}

// The Stars tab draws the snapshot's days and says what they add up to; a repository with no
// history says how to get one.
void TestDashboard::starsPanelShowsTheHistoryOrHowToGetIt()
{
    DashboardSnapshot snapshot;
    snapshot.window = {1764892800, 1765497599}; // a week of days
    snapshot.pullRequests.repository = u"acme/widgets"_s;
    snapshot.stars.known = true;
    snapshot.stars.repository = u"acme/widgets"_s;
    for (qint64 day = 0; day < 7; ++day)
        snapshot.stars.days.append({snapshot.window.from + day * 86400, 3 + day});
    snapshot.stars.gained = 3 + 4 + 5 + 6 + 7 + 8 + 9;
    snapshot.stars.total = 1234;
    DashboardWidget widget;
    widget.resize(1200, 800);
    widget.setData(snapshot);
    StarsPanel *stars = widget.stars();
    QCOMPARE(stars->days()->count(), 7);
    QCOMPARE(stars->days()->at(6).y(), 9.0);
    QCOMPARE(stars->title(),
             u"Stars · acme/widgets · 42 gained on the window's days · 1,234 in the history"_s);
    // GitHub's own count, once read, in place of the history's sum.
    snapshot.stars.count = 5678;
    widget.setData(snapshot);
    QCOMPARE(stars->title(),
             u"Stars · acme/widgets · 42 gained on the window's days · 5,678 stars on GitHub"_s);

    snapshot.stars = {};
    widget.setData(snapshot);
    QCOMPARE(stars->days()->count(), 0);
    QVERIFY2(stars->title().endsWith("no star history: watch it to fetch one"_L1),
             qPrintable(stars->title()));
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
