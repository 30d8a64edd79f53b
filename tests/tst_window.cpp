#include "alert/alertsilence.h"
#include "alertrulespage.h"
#include "alertsdock.h"
#include "chartpanels.h"
#include "collect/githubpoller.h"
#include "collect/watchlist.h"
#include "config/setting.h"
#include "dashboardcontroller.h"
#include "dashboardimage.h"
#include "dashboardwidget.h"
#include "event/clock.h"
#include "event/timeformat.h"
#include "eventfeedmodel.h"
#include "fakegithub.h"
#include "gzip.h"
#include "ingest/pipeline.h"
#include "mainwindow.h"
#include "query/metricsqueries.h"
#include "settingsdialog.h"
#include "sourcehealthdialog.h"
#include "syntheticevents.h"
#include "teststorage.h"
#include "tokenstore.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHelpEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolTip>
#include <QTreeWidget>
#include <QValueAxis>

using namespace Qt::StringLiterals;

namespace {

// A watched repository's star spike, firing since now.
Alert starSpikeFiringNow()
{
    Alert firing;
    firing.rule = u"star-spike"_s;
    firing.repository = u"acme/widgets"_s;
    firing.key = u"acme/widgets 2026-12-04"_s;
    firing.summary = u"acme/widgets gained 400 stars on 2026-12-04"_s;
    firing.state = Alert::State::Firing;
    firing.activeAt = firing.firedAt = QDateTime::currentSecsSinceEpoch();
    return firing;
}

// `count` synthetic events, `perSecond` a second from `first`, as an NDJSON file.
QString writeEvents(const TestStorage &storage, const QString &name, qint64 first, qint64 count,
                    qint64 perSecond = 1)
{
    const QString path = storage.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    for (qint64 i = 0; i < count; ++i)
        file.write(SyntheticEvents::event(first * 10 + i, first + i / perSecond, 11) + '\n');
    return path;
}

bool import(const StoreLocation &location, const QStringList &files)
{
    Pipeline pipeline(location);
    if (!pipeline.open())
        return false;
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles(files);
    return finished.size() == 1 && finished.first().first().value<IngestSummary>().ok;
}

// A pipeline, opened, on an ingest thread of its own, as Services runs it.
struct IngestThread
{
    explicit IngestThread(const StoreLocation &location)
        : pipeline(new Pipeline(location))
    {
        pipeline->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(pipeline, &Pipeline::open, Qt::BlockingQueuedConnection);
    }
    ~IngestThread()
    {
        thread.quit();
        thread.wait();
        delete pipeline;
    }

    QThread thread;
    Pipeline *pipeline;
};

QList<BarsPanel *> barPanels(DashboardWidget *dashboard)
{
    return {dashboard->eventTypes(), dashboard->activeRepositories()};
}

QBarCategoryAxis *categoryAxis(ChartPanel *panel)
{
    return qobject_cast<QBarCategoryAxis *>(panel->chart()->axes(Qt::Vertical).value(0));
}

// The real window on an empty store of its own, as a user first starts it; `loaded` gets
// each snapshot its controller reads.
struct EmptyStoreWindow
{
    explicit EmptyStoreWindow(QThread *readers)
        : controller(storage.location(), 90, readers)
        , window(&controller, nullptr)
    {
    }

    TestStorage storage;
    bool opened = storage.isValid() && Pipeline(storage.location()).open();
    DashboardController controller;
    QSignalSpy loaded {&controller, &DashboardController::dataReady};
    MainWindow window;
};

} // namespace

// The real window, offscreen, as a new user meets it.
class TestWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void firstCommitFillsEveryPanel();
    void todaysFeedIsMarkedDegradedAndSettling();
    void namesFromDataAreShownAsWritten();
    void copyTakesTheRowTheMenuWasOpenedOn();
    void followNowFollowsTheClock();
    void barLabelsAreWholeAt1024x700();
    void windowFitsASmallScreen();
    void feedKeepsItsSelectionAndIsOneTabStop();
    void typeColoursSurviveRankChanges();
    void everyPresetLabelsItsTimeAxis();
    void steadyFeedIsLevelToTheWindowsEdge();
    void sampledHoursAreShadedAndSaySo();
    void spanAcrossYearsLabelsYears();
    void viewStateBelongsToTheDataDirectory();
    void settingsShowWhatRunsAndSaveOnlyChanges();
    void theTokenIsInNoSettingsFile();
    void watchedScopeCountsOnlyTheWatchedRepositories();
    void alertsShowInTheDockAndTheTray();
    void alertsAreSilencedFromTheDockAndTheirRulesEditedInSettings();
    void theTrayShowsTheFiringCountAndTheMessage();

private:
    QThread m_readers;
};

void TestWindow::initTestCase()
{
    QCoreApplication::setOrganizationName(u"ghmonitor-window-tests"_s);
    m_readers.start();
}

void TestWindow::cleanupTestCase()
{
    QSettings().clear();
    m_readers.quit();
    m_readers.wait();
}

void TestWindow::init()
{
    QSettings().clear();
}

void TestWindow::firstCommitFillsEveryPanel()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const IngestThread ingest(storage.location());
    Pipeline *pipeline = ingest.pipeline;
    DashboardController controller(storage.location(), 90, &m_readers);
    connect(pipeline, &Pipeline::goldChanged, &controller, &DashboardController::onGoldChanged);
    MainWindow window(&controller, pipeline);
    window.resize(1280, 800); // the rate panel's legend beside its plot
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    DashboardWidget *dashboard = window.dashboard();
    QTRY_VERIFY(!dashboard->eventTypes()->message().isEmpty()); // an empty store says so
    QCOMPARE(dashboard->eventTypes()->bars()->count(), 0);
    // The notice sits on the plot, never over the legend beside it.
    ChartPanel *rate = dashboard->eventRate();
    const auto *notice = rate->findChild<QLabel *>(u"panelMessage"_s);
    const auto *view = rate->findChild<QChartView *>();
    QTRY_VERIFY(notice->isVisible());
    const QRect legend
        = view->mapFromScene(rate->chart()->legend()->sceneBoundingRect()).boundingRect();
    QVERIFY2(!notice->geometry().intersects(legend),
             qPrintable(u"notice %1,%2 %3x%4, legend from x %5"_s.arg(notice->x())
                            .arg(notice->y())
                            .arg(notice->width())
                            .arg(notice->height())
                            .arg(legend.x())));

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString file = writeEvents(storage, u"first.ndjson"_s, now - 600, 3000, 5);
    QMetaObject::invokeMethod(pipeline, [pipeline, file] { pipeline->importFiles({file}); });

    QTRY_VERIFY_WITH_TIMEOUT(dashboard->eventTypes()->bars()->count() >= 5, 10000);
    QTRY_VERIFY(dashboard->activeRepositories()->bars()->count() == 10);
    qreal plotted = 0;
    for (QLineSeries *series : dashboard->eventRate()->series()) {
        for (const QPointF &point : series->points())
            plotted += point.y();
    }
    QVERIFY(plotted > 0);
    // The pull-request panel shows the most active repository.
    QCOMPARE(dashboard->pullRequests()->picker()->text(),
             dashboard->activeRepositories()->repositories().first());
    QVERIFY(!dashboard->pullRequests()->summary().isEmpty());
    for (ChartPanel *panel : QList<ChartPanel *> {dashboard->eventTypes(), dashboard->eventRate(),
                                                  dashboard->activeRepositories()})
        QCOMPARE(panel->message(), QString());
}

// The real window on the stand-in of today's GitHub, from an empty store: the panel titles
// say the numbers are settling and hold lower bounds, the type chart marks the missing
// stars with "≥", and Source Health names page 1 of the feed as degraded.
void TestWindow::todaysFeedIsMarkedDegradedAndSettling()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    FakeGitHub github(Clock::system());
    QVERIFY(github.listen());
    github.setEra(FakeGitHub::Era::Y2026);
    github.setSyntheticFeed(40.0);
    github.setPollInterval(1);
    const IngestThread ingest(storage.location());
    Pipeline *pipeline = ingest.pipeline;
    DashboardController controller(storage.location(), 90, &m_readers);
    connect(pipeline, &Pipeline::goldChanged, &controller, &DashboardController::onGoldChanged);
    MainWindow window(&controller, pipeline);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    PollerOptions options;
    options.apiUrl = github.url();
    options.intervalSeconds = 1;
    BronzeStore bronze(storage.path());
    GitHubPoller poller(options, &bronze, Clock::system());
    connect(&poller, &GitHubPoller::pageStored, pipeline, &Pipeline::ingestPage);
    poller.start();

    BarsPanel *types = window.dashboard()->eventTypes();
    // A minute or so of the feed; twice that on a busy machine.
    QTRY_VERIFY_WITH_TIMEOUT(types->categories().contains(u"≥ Watch"_s), 120000);
    QVERIFY2(types->title().contains(u"≥ marks lower bounds"_s), qPrintable(types->title()));
    QVERIFY2(types->title().contains(u"settling until"_s), qPrintable(types->title()));
    // A narrow window elides the note in the chart: hovering the title shows it whole.
    QWidget *viewport = types->findChild<QChartView *>()->viewport();
    QHelpEvent hover(QEvent::ToolTip, QPoint(viewport->width() / 2, 4),
                     viewport->mapToGlobal(QPoint(viewport->width() / 2, 4)));
    QApplication::sendEvent(viewport, &hover);
    QVERIFY2(QToolTip::text().contains(types->title()), qPrintable(QToolTip::text()));
    QVERIFY(types->isLowerBound(u"WatchEvent"_s));
    QVERIFY(!types->isLowerBound(u"PushEvent"_s));
    QVERIFY(!types->categories().contains(u"≥ Push"_s));
    QVERIFY2(window.dashboard()->activeRepositories()->title().contains(u"% pushes"_s),
             qPrintable(window.dashboard()->activeRepositories()->title()));
    QVERIFY(window.dashboard()->eventRate()->settling()->isVisible());

    QAction *health = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text() == tr("Source &Health…"))
            health = action;
    }
    QVERIFY(health);
    health->trigger();
    auto *dialog = window.findChild<SourceHealthDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->sourcesTable()->rowCount() >= 3);
    QTableWidget *sources = dialog->sourcesTable();
    QCOMPARE(sources->item(0, 0)->text(), u"Global feed, page 1"_s);
    // Page 1 is almost all pushes: with enough of it, the other types are named.
    QTRY_VERIFY_WITH_TIMEOUT(sources->item(0, 8)->text().contains(u"Create"_s), 60000);
    poller.stop();
    const QString artifacts = QStringLiteral(GHM_ARTIFACTS_DIR);
    QDir().mkpath(artifacts);
    window.grab().save(artifacts + u"/window-2026.png"_s);
    dialog->grab().save(artifacts + u"/source-health-2026.png"_s);
}

// Names from data drawn as written: no markup styles a label, no resource it names is loaded
// (an <img> of /dev/zero took 2 GB and killed the process), in the window and its images.
void TestWindow::namesFromDataAreShownAsWritten()
{
    const QString image = u"<img src=\"file:///dev/zero\">"_s;
    const QString bold = u"<b>Push</b>"_s;
    DashboardSnapshot snapshot;
    snapshot.window = {1735740000, 1735743600};
    snapshot.minutes = 60;
    snapshot.eventsByType = {{image, 5}, {bold, 3}};
    snapshot.typeBars = snapshot.eventsByType;
    snapshot.activeRepositories = {{image + u"/x"_s, 4}};
    snapshot.rate.bucketStarts = {1735740000};
    snapshot.rate.bucketEnds = {1735743601};
    snapshot.rate.gaps = {false};
    snapshot.rate.lines = {{image, TypeColours::of(image), {5}}};
    DashboardWidget widget;
    widget.resize(1200, 800);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    widget.setData(snapshot);
    const QStringList labels = widget.eventTypes()->categories();
    QVERIFY2(labels.contains(image.toHtmlEscaped()), qPrintable(labels.join(u", "_s)));
    QVERIFY(labels.contains(bold.toHtmlEscaped()));
    QVERIFY(widget.activeRepositories()->categories().contains(
        QString(image + u"/x"_s).toHtmlEscaped()));
    QCOMPARE(widget.eventRate()->series().first()->name(), image.toHtmlEscaped());
    const QImage drawn = widget.grab().toImage();
    QVERIFY(!drawn.isNull());
    // The PNG report (--export x.png) and each /dashboard/<panel>.png draw the same way.
    QVERIFY(!DashboardImage::render(snapshot).isNull());
    for (const QString &panel : DashboardSnapshot::panelNames())
        QVERIFY(!DashboardImage::renderPanel(snapshot, panel).isNull());
}

// The feed refreshes while its context menu is open (every few seconds on a live feed):
// Copy copies the row the menu was opened on, and nothing crashes.
void TestWindow::copyTakesTheRowTheMenuWasOpenedOn()
{
    const auto snapshotOf = [](const QString &repository) {
        static qint64 id = 0;
        ++id;
        DashboardSnapshot snapshot;
        snapshot.window = {1735740000, 1735743600};
        snapshot.latestEvents
            = {{id, 1735743000 + id, u"PushEvent"_s, {}, repository, u"dev-1"_s, -1}};
        return snapshot;
    };
    DashboardWidget widget;
    widget.resize(1200, 800);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    widget.setData(snapshotOf(u"first/repository"_s));
    QTableView *table = widget.feedTable();
    const QPoint row = table->visualRect(table->model()->index(0, 0)).center();
    QGuiApplication::clipboard()->clear();
    QTimer::singleShot(200, &widget, [&widget, &snapshotOf] {
        widget.setData(snapshotOf(u"second/repository"_s)); // the row leaves the feed
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        QVERIFY(menu);
        for (QAction *action : menu->actions()) {
            if (action->text() == QCoreApplication::translate("DashboardWidget", "Copy"))
                action->trigger();
        }
        menu->close();
    });
    emit table->customContextMenuRequested(row);
    QVERIFY2(QGuiApplication::clipboard()->text().contains(u"first/repository"_s),
             qPrintable(QGuiApplication::clipboard()->text()));
}

// With Follow now and no event arriving (offline, a paused feed), the window still ends
// now: its time axis moves with the clock.
void TestWindow::followNowFollowsTheClock()
{
    EmptyStoreWindow started(&m_readers);
    REQUIRE_STORAGE(started.storage);
    QVERIFY(started.opened);
    MainWindow &window = started.window;
    const QSignalSpy &loaded = started.loaded;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.selectWindow(5);
    window.setFollowNow(true);
    QTRY_VERIFY(!loaded.isEmpty());
    const auto windowEnd
        = [&loaded] { return loaded.last().first().value<DashboardSnapshot>().window.to; };
    const qint64 first = windowEnd();
    // The clock moves the window every 5 s; a load late in its second may need two ticks.
    QTRY_VERIFY_WITH_TIMEOUT(windowEnd() >= first + 5, 12000);
    QVERIFY(std::abs(windowEnd() - QDateTime::currentSecsSinceEpoch()) <= 2);
}

// A first start, without a saved place, opens a window that fits its screen (offscreen's is
// small), and nothing it shows, empty or a day of events, asks for more room than 1024x700.
void TestWindow::windowFitsASmallScreen()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 start = 1735740000;
    QVERIFY(import(storage.location(), {writeEvents(storage, u"e.ndjson"_s, start, 20000, 10)}));
    EmptyStoreWindow started(&m_readers);
    REQUIRE_STORAGE(started.storage);
    QVERIFY(started.opened);
    MainWindow &window = started.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(started.loaded.size() >= 1);
    const QRect screen = window.screen()->availableGeometry();
    QVERIFY2(window.width() <= screen.width() && window.height() <= screen.height(),
             qPrintable(u"%1x%2 on %3x%4"_s.arg(window.width())
                            .arg(window.height())
                            .arg(screen.width())
                            .arg(screen.height())));
    MetricsQueries queries(storage.location());
    DashboardRequest request;
    request.at = QDateTime::fromSecsSinceEpoch(start + 2000, Qt::UTC);
    window.dashboard()->setData(DashboardSnapshot::load(queries, request));
    window.resize(1024, 700);
    QCoreApplication::processEvents();
    const auto hint = [](const QWidget *part) {
        const QSize size = part->minimumSizeHint();
        return u"%1 %2x%3"_s.arg(QString::fromLatin1(part->metaObject()->className()))
            .arg(size.width())
            .arg(size.height());
    };
    QVERIFY2(window.width() <= 1024 && window.height() <= 700,
             qPrintable(u"%1x%2; least: %3, %4, %5"_s.arg(window.width())
                            .arg(window.height())
                            .arg(hint(window.centralWidget()), hint(window.statusBar()),
                                 hint(window.findChild<QToolBar *>()))));
}

void TestWindow::barLabelsAreWholeAt1024x700()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 start = 1735740000;
    QVERIFY(import(storage.location(), {writeEvents(storage, u"e.ndjson"_s, start, 20000, 10)}));
    MetricsQueries queries(storage.location());
    DashboardRequest request;
    request.at = QDateTime::fromSecsSinceEpoch(start + 2000, Qt::UTC);

    // The window reads an empty store of its own, so that only this snapshot is shown.
    EmptyStoreWindow started(&m_readers);
    REQUIRE_STORAGE(started.storage);
    QVERIFY(started.opened);
    MainWindow &window = started.window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(started.loaded.size() >= 1);
    window.dashboard()->setData(DashboardSnapshot::load(queries, request));
    QCoreApplication::processEvents();
    for (BarsPanel *panel : barPanels(window.dashboard())) {
        const QFontMetrics metrics(categoryAxis(panel)->labelsFont());
        const QStringList names = panel->names();
        const QStringList labels = panel->categories();
        QVERIFY(names.size() >= 5);
        QCOMPARE(labels.size(), names.size());
        QVERIFY(!categoryAxis(panel)->labelsTruncated());
        for (qsizetype i = 0; i < names.size(); ++i) {
            const QString whole
                = panel == window.dashboard()->eventTypes() ? displayTypeName(names[i]) : names[i];
            if (metrics.horizontalAdvance(whole) <= panel->width() * 6 / 10)
                QCOMPARE(labels[i], whole);
        }
        // Every bar the snapshot shaped is drawn, its value written beside it, on an axis
        // fitted to the longest bar.
        const auto *series = qobject_cast<QAbstractBarSeries *>(panel->chart()->series().first());
        QVERIFY(series->isLabelsVisible());
        QCOMPARE(series->labelsFormat(), u"@value"_s);
        double longest = 0;
        for (int bar = 0; bar < panel->bars()->count(); ++bar)
            longest = std::max(longest, panel->bars()->at(bar));
        const auto *values
            = qobject_cast<QValueAxis *>(panel->chart()->axes(Qt::Horizontal).first());
        QVERIFY2(values->max() > longest && values->max() < 1.5 * longest + 5,
                 qPrintable(u"%1 for %2"_s.arg(values->max()).arg(longest)));
    }
    const DashboardSnapshot &shown = window.dashboard()->data();
    QCOMPARE(window.dashboard()->eventTypes()->names().size(), shown.typeBars.size());
    QVERIFY(window.dashboard()->eventTypes()->title().contains(
        TimeFormat::count(double(shown.eventsTotal()))));
}

// The feed keeps the chosen row through refreshes that add rows above it, and the table is
// one Tab stop: Tab leaves it.
void TestWindow::feedKeepsItsSelectionAndIsOneTabStop()
{
    DashboardSnapshot snapshot;
    snapshot.window = {1735740000, 1735743600};
    for (qint64 id = 1; id <= 20; ++id)
        snapshot.latestEvents.prepend(
            {id, 1735740000 + id, u"PushEvent"_s, {}, u"o/r"_s, u"a"_s, -1});
    DashboardWidget widget;
    widget.resize(1200, 800);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    widget.setData(snapshot);
    QTableView *table = widget.feedTable();
    table->selectRow(5);
    const QString chosen = table->model()->index(5, EventFeedModel::Time).data().toString();
    for (qint64 id = 21; id <= 23; ++id)
        snapshot.latestEvents.prepend(
            {id, 1735740000 + id, u"PushEvent"_s, {}, u"o/r"_s, u"a"_s, -1});
    widget.setData(snapshot);
    const QModelIndexList selected = table->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().row(), 8);
    QCOMPARE(selected.first().data().toString(), chosen);

    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_Tab);
    QVERIFY(!table->hasFocus());
}

// A type keeps its colour when the ranks change, in every view: the snapshot gives it.
void TestWindow::typeColoursSurviveRankChanges()
{
    DashboardSnapshot first;
    first.window = {1735740000, 1735740119};
    first.rate = DashboardShaping::rateSeries({{28929000, u"PushEvent"_s, 9},
                                               {28929000, u"PullRequestEvent"_s, 5},
                                               {28929001, u"IssuesEvent"_s, 2}},
                                              first.window, {}, false);
    DashboardSnapshot second = first;
    second.rate = DashboardShaping::rateSeries({{28929000, u"PushEvent"_s, 1},
                                                {28929000, u"PullRequestEvent"_s, 5},
                                                {28929001, u"IssuesEvent"_s, 7}},
                                               first.window, {}, false);
    DashboardWidget widget;
    const auto colours = [&widget](const DashboardSnapshot &snapshot) {
        widget.setData(snapshot);
        QHash<QString, QColor> byName;
        for (const QLineSeries *line : widget.eventRate()->series())
            byName.insert(line->name(), line->pen().color());
        return byName;
    };
    const QHash<QString, QColor> before = colours(first);
    const QHash<QString, QColor> after = colours(second);
    QCOMPARE(widget.eventRate()->series().first()->name(), u"Issues"_s);
    for (const QString &name : {u"Push"_s, u"PullRequest"_s, u"Issues"_s}) {
        QCOMPARE(before.value(name), after.value(name));
        QCOMPARE(before.value(name), QColor(TypeColours::of(name + u"Event"_s)));
    }
}

void TestWindow::everyPresetLabelsItsTimeAxis()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 end = 1735740000;
    QVERIFY(import(storage.location(),
                   {writeEvents(storage, u"a.ndjson"_s, end - 3 * 365 * 86400, 500, 1),
                    writeEvents(storage, u"b.ndjson"_s, end - 3600, 3600)}));
    MetricsQueries queries(storage.location());
    DashboardWidget widget;
    widget.resize(1400, 820);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    for (const MainWindow::Preset &preset : MainWindow::presets()) {
        DashboardRequest request;
        request.minutes = preset.minutes;
        request.wholeStore = preset.minutes == 0;
        request.at = QDateTime::fromSecsSinceEpoch(end, Qt::UTC);
        widget.setData(DashboardSnapshot::load(queries, request));
        QCoreApplication::processEvents();
        RoundTimeAxis *axis = widget.eventRate()->timeAxis();
        QVERIFY(axis->labelsVisible());
        QTRY_VERIFY2(!axis->labelsTruncated(), preset.label);
        // At least three ticks, inside the window, on round local times one step apart.
        const QList<qint64> ticks = axis->tickTimes();
        const QStringList labels = axis->categoriesLabels();
        QVERIFY2(ticks.size() >= 3, qPrintable(labels.join(u", ")));
        QCOMPARE(labels.size(), ticks.size());
        QCOMPARE(QSet<QString>(labels.cbegin(), labels.cend()).size(), labels.size());
        const TimeWindow &window = widget.data().window;
        const qint64 step = ticks[1] - ticks[0];
        for (qsizetype i = 0; i < ticks.size(); ++i) {
            QVERIFY(ticks[i] >= window.from && ticks[i] <= window.to);
            QVERIFY(!labels[i].trimmed().isEmpty());
            const QDateTime local = QDateTime::fromSecsSinceEpoch(ticks[i]);
            if (step < 86400 * 28) {
                const qint64 sinceMidnight = local.time().msecsSinceStartOfDay() / 1000;
                QVERIFY2(sinceMidnight % std::min<qint64>(step, 86400) == 0,
                         qPrintable(local.toString(Qt::ISODate)));
            } else {
                QCOMPARE(local.date().day(), 1);
            }
        }
        QVERIFY2(widget.eventRate()->valueAxis()->titleText().startsWith("events / "_L1),
                 qPrintable(widget.eventRate()->valueAxis()->titleText()));
    }
}

void TestWindow::steadyFeedIsLevelToTheWindowsEdge()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 minute = 1735740000; // a whole minute
    // 20 events a second for ten minutes and eleven seconds, the last at 9.95 s into a
    // minute, where the window ends.
    const qint64 end = minute + 10;
    QVERIFY(import(storage.location(),
                   {writeEvents(storage, u"steady.ndjson"_s, end - 611, 611 * 20, 20)}));
    MetricsQueries queries(storage.location());
    DashboardRequest request;
    request.minutes = 5;
    request.at = QDateTime::fromSecsSinceEpoch(end - 1, Qt::UTC);
    DashboardWidget widget;
    widget.setData(DashboardSnapshot::load(queries, request));
    // A past window: its last bucket, 10 seconds of a minute, is finished, not filling.
    QVERIFY(!widget.data().rate.lastBucketFilling);
    QVERIFY(widget.eventRate()->segments().isEmpty());

    double whole = 0;
    double cut = 0;
    for (const QLineSeries *line : widget.eventRate()->series()) {
        const QList<QPointF> points = line->points();
        whole += points[points.size() - 2].y();
        cut += points.last().y();
    }
    // 20 events a second are 1,200 a minute, in whole buckets and in the one cut short.
    QCOMPARE(qRound(whole), 1200);
    QCOMPARE(qRound(cut), 1200);
    // A hover inside the cut bucket names that bucket's rate and events.
    const RateSeries &rate = widget.data().rate;
    const qsizetype last = rate.bucketStarts.size() - 1;
    const QString tip
        = widget.eventRate()->pointText(0, double(rate.bucketStarts[last] + 5) * 1000);
    QVERIFY2(tip.contains(TimeFormat::count(*rate.rate(rate.lines.first(), last)))
                 && tip.contains(u"%1 events in 10 s"_s.arg(rate.lines.first().counts[last])),
             qPrintable(tip));
}

// An hour whose GH Archive file is imported is complete; the hours around it are sampled:
// shaded on the rate chart, and named in the titles of the panels they feed.
void TestWindow::sampledHoursAreShadedAndSaySo()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 hour = 1735740000; // 2025-01-01T14:00:00Z
    const QString archived = storage.filePath(u"2025-01-01-14.json.gz"_s);
    {
        QByteArray lines;
        for (qint64 i = 0; i < 3600; ++i)
            lines += SyntheticEvents::event(i, hour + i, 11) + '\n';
        QFile file(archived);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(gzipped(lines));
    }
    QVERIFY(import(storage.location(),
                   {archived, writeEvents(storage, u"later.ndjson"_s, hour + 3600, 3600)}));
    MetricsQueries queries(storage.location());
    DashboardWidget widget;
    widget.resize(1400, 820);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    EventRatePanel *rate = widget.eventRate();
    const QList<ChartPanel *> noted {widget.eventTypes(), rate, widget.activeRepositories()};

    DashboardRequest request;
    request.minutes = 180;
    request.at = QDateTime::fromSecsSinceEpoch(hour + 2 * 3600 - 1, Qt::UTC);
    widget.setData(DashboardSnapshot::load(queries, request));
    for (ChartPanel *panel : noted)
        QVERIFY2(panel->title().endsWith(u"sampled"_s), qPrintable(panel->title()));
    QVERIFY(rate->sampled()->isVisible());
    // The shaded stretches are the hours before and after the archived one, not it.
    const QList<QPointF> shade = rate->sampled()->upperSeries()->points();
    QCOMPARE(shade.size(), 8); // two stretches, four corners each
    QCOMPARE(qint64(shade[3].x() / 1000), hour);
    QCOMPARE(qint64(shade[4].x() / 1000), hour + 3600);
    QCOMPARE(qint64(shade[7].x() / 1000), hour + 2 * 3600 - 1);
    QCOMPARE(shade[1].y(), rate->valueAxis()->max());

    request.minutes = 15;
    request.at = QDateTime::fromSecsSinceEpoch(hour + 3599, Qt::UTC);
    widget.setData(DashboardSnapshot::load(queries, request));
    for (ChartPanel *panel : noted)
        QVERIFY2(panel->title().endsWith(u"complete"_s), qPrintable(panel->title()));
    QVERIFY(!rate->sampled()->isVisible());
}

void TestWindow::spanAcrossYearsLabelsYears()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 in2015 = QDateTime(QDate(2015, 6, 1), QTime(), Qt::UTC).toSecsSinceEpoch();
    const qint64 in2025 = QDateTime(QDate(2025, 6, 1), QTime(), Qt::UTC).toSecsSinceEpoch();
    QVERIFY(import(storage.location(),
                   {writeEvents(storage, u"old.ndjson"_s, in2015, 100),
                    writeEvents(storage, u"new.ndjson"_s, in2025, 100)}));
    MetricsQueries queries(storage.location());
    DashboardRequest request;
    request.wholeStore = true; // All
    DashboardWidget widget;
    widget.setData(DashboardSnapshot::load(queries, request));
    // All spans the stored events: from the first to the last.
    QCOMPARE(widget.data().window.from, in2015);
    QVERIFY(widget.data().window.to >= in2025 && widget.data().window.to < in2025 + 3600);
    widget.resize(1200, 600);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    const QStringList labels = widget.eventRate()->timeAxis()->categoriesLabels();
    // Ten years: the ticks are years.
    QVERIFY2(labels.size() >= 3, qPrintable(labels.join(u", ")));
    for (const QString &label : labels)
        QVERIFY2(QRegularExpression(u"^20[12][0-9]$"_s).match(label).hasMatch(), qPrintable(label));
    QCOMPARE(widget.data().rate.unitSeconds, 86400);
}

void TestWindow::viewStateBelongsToTheDataDirectory()
{
    TestStorage demo;
    TestStorage other;
    REQUIRE_STORAGE(demo);
    REQUIRE_STORAGE(other);
    {
        DashboardController controller(demo.location(), 90, &m_readers);
        MainWindow window(&controller, nullptr);
        window.selectWindow(5);
        emit window.dashboard()->repositorySelected(u"org3/project-3"_s);
        window.close();
    }
    const auto shown = [this](const TestStorage &storage) {
        DashboardController controller(storage.location(), 90, &m_readers);
        MainWindow window(&controller, nullptr);
        return std::make_pair(controller.request().minutes, controller.request().repository);
    };
    QCOMPARE(shown(other), std::make_pair(qint64(60), QString()));
    QCOMPARE(shown(demo), std::make_pair(qint64(5), u"org3/project-3"_s));
}

void TestWindow::settingsShowWhatRunsAndSaveOnlyChanges()
{
    QSettings settings;
    settings.setValue(u"config/GHM_API_PORT"_s, 8123);
    QProcessEnvironment environment;
    environment.insert(u"COLLECTION_INTERVAL_SECONDS"_s, u"45"_s);
    const ConfigResult running = Config::loadLayers(
        SettingsDialog::stored(), environment,
        {{u"GHM_DATA_DIR"_s, u"/tmp/elsewhere"_s}, {u"GHM_API_PORT"_s, u"9100"_s}});
    QVERIFY(running.ok());
    SettingsDialog dialog(running);
    const auto field = [&](const char *label) {
        for (QWidget *widget : dialog.findChildren<QWidget *>()) {
            if (widget->accessibleName() == QLatin1StringView(label))
                return widget;
        }
        return static_cast<QWidget *>(nullptr);
    };
    QCOMPARE(dialog.findChild<QLineEdit *>(u"token"_s)->echoMode(), QLineEdit::Password);
    auto *port = qobject_cast<QSpinBox *>(field("API port"));
    auto *interval = qobject_cast<QSpinBox *>(field("Poll interval"));
    QVERIFY(port && interval);
    QCOMPARE(port->value(), 9100);
    QCOMPARE(interval->value(), 45);
    const auto *portSource = dialog.findChild<QLabel *>(u"GHM_API_PORT-source"_s);
    QVERIFY(portSource && portSource->text().contains("--api-port"_L1));
    const auto *intervalSource
        = dialog.findChild<QLabel *>(u"COLLECTION_INTERVAL_SECONDS-source"_s);
    QVERIFY(intervalSource && intervalSource->text().contains("environment"_L1));
    QVERIFY(dialog.findChild<QLabel *>(u"GHM_DATA_DIR-source"_s));

    // Every field of the table's dialog settings is there, with the table's range.
    for (const Setting &setting : Config::settings()) {
        if (!setting.label)
            continue;
        QWidget *widget = field(qPrintable(setting.translatedLabel().remove(u'&').remove(u':')));
        QVERIFY2(widget, qPrintable(setting.variable));
        if (const auto *spin = qobject_cast<QSpinBox *>(widget)) {
            QCOMPARE(spin->minimum(), setting.minimum);
            QCOMPARE(spin->maximum(), setting.maximum);
        }
    }
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QDir().mkpath(QStringLiteral(GHM_ARTIFACTS_DIR));
    dialog.grab().save(QStringLiteral(GHM_ARTIFACTS_DIR) + u"/settings.png"_s);
    interval->setValue(90);
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    QCOMPARE(SettingsDialog::stored(),
             (QHash<QString, QString> {{u"COLLECTION_INTERVAL_SECONDS"_s, u"90"_s},
                                       {u"GHM_API_PORT"_s, u"8123"_s}}));
}

// The token lives in the system keyring, or where none runs (here) in a file only its
// owner can read; never in the settings file, from which an old one moves out.
void TestWindow::theTokenIsInNoSettingsFile()
{
    const QString configDir = QFileInfo(QSettings().fileName()).absolutePath();
    const auto filesHolding = [&configDir](const QByteArray &secret) {
        QStringList holding;
        QDirIterator it(configDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
                holding << file.fileName();
        }
        return holding;
    };
    // Under tests/keyring.sh a keyring runs, and it must be the one used.
    const bool keyring = qEnvironmentVariableIsSet("GHM_TEST_KEYRING");
    const auto storedOnlyInItsPlace = [&](const QByteArray &secret) {
        const TokenStore::Result where = TokenStore::read();
        QCOMPARE(where.token, QString::fromLatin1(secret));
        QCOMPARE(where.where == TokenStore::fallbackPath(), !keyring);
        if (where.where != TokenStore::fallbackPath()) {
            QVERIFY(filesHolding(secret).isEmpty());
            return;
        }
        QCOMPARE(filesHolding(secret), QStringList {TokenStore::fallbackPath()});
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ReadOther | QFileDevice::WriteOther;
        QVERIFY(!(QFile::permissions(TokenStore::fallbackPath()) & others));
    };

    QSettings().setValue(u"config/GITHUB_TOKEN"_s, u"ghp_fromAnOlderVersion"_s);
    QSettings().sync();
    QCOMPARE(SettingsDialog::stored().value(u"GITHUB_TOKEN"_s), u"ghp_fromAnOlderVersion"_s);
    QVERIFY(!QSettings().contains(u"config/GITHUB_TOKEN"_s));
    storedOnlyInItsPlace("ghp_fromAnOlderVersion");

    const ConfigResult running = Config::loadLayers(SettingsDialog::stored(), {}, {});
    {
        SettingsDialog dialog(running);
        const auto *where = dialog.findChild<QLabel *>(u"token-where"_s);
        QVERIFY(where);
        QVERIFY2(where->text().contains(keyring ? "keyring"_L1 : "readable by you only"_L1),
                 qPrintable(where->text()));
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"token"_s), u"ghp_typedInSettings"_s);
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    }
    QSettings().sync();
    storedOnlyInItsPlace("ghp_typedInSettings");
    QVERIFY(filesHolding("ghp_fromAnOlderVersion").isEmpty());

    {
        SettingsDialog dialog(running);
        for (QPushButton *button : dialog.findChildren<QPushButton *>()) {
            if (button->text() == "Clear"_L1)
                button->click();
        }
        dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    }
    QVERIFY(TokenStore::read().token.isEmpty());
    QVERIFY(!SettingsDialog::stored().contains(u"GITHUB_TOKEN"_s));
    QVERIFY(filesHolding("ghp_typedInSettings").isEmpty());
}

// The alerts the engine announces, on the real window from an empty store: the Alerts dock
// lists them (firing first), the tray's tooltip counts the firing ones, and a firing alert's
// notification, clicked, opens its repository.
void TestWindow::alertsShowInTheDockAndTheTray()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    {
        Pipeline pipeline(storage.location()); // the schema, as the collector makes it
        QVERIFY(pipeline.open());
    }
    DashboardController controller(storage.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.alertsDock()->isVisible());

    Alert firing = starSpikeFiringNow();
    Alert resolved = firing;
    resolved.rule = u"rate-limit-low"_s;
    resolved.repository.clear();
    resolved.state = Alert::State::Resolved;
    resolved.resolvedAt = firing.firedAt;
    window.showAlerts({{firing}, {resolved}});
    QTreeWidget *tree = window.alertsDock()->tree();
    QCOMPARE(tree->topLevelItemCount(), 2);
    QCOMPARE(tree->topLevelItem(0)->text(0), u"firing"_s);
    QCOMPARE(tree->topLevelItem(0)->text(2), firing.summary);
    QCOMPARE(tree->topLevelItem(1)->text(0), u"resolved"_s);
    QVERIFY2(window.trayIcon()->toolTip().contains("1 alert(s) firing"_L1),
             qPrintable(window.trayIcon()->toolTip()));

    window.notifyAlerts({firing.rule, firing.firedAt, {firing}, {}, {firing.id()}, false});
    emit window.trayIcon()->messageClicked();
    QVERIFY(window.alertsDock()->isVisible());
    QCOMPARE(window.repository(), firing.repository);
    window.showAlerts({});
    QCOMPARE(tree->topLevelItemCount(), 0);
    QVERIFY(window.trayIcon()->toolTip().contains("no alert firing"_L1));
}

// From the dock's context menu, a firing alert's repository is silenced for an hour, in
// the file the engine reads, and the silence ended; the tray's icon carries the firing
// count in a red badge. The Settings dialog's Alerts page saves an edited threshold, and
// refuses a bad scope with the rule's name, writing nothing.
void TestWindow::alertsAreSilencedFromTheDockAndTheirRulesEditedInSettings()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    {
        Pipeline pipeline(storage.location());
        QVERIFY(pipeline.open());
    }
    const ConfigResult running
        = Config::loadLayers({}, QProcessEnvironment(), {{u"GHM_DATA_DIR"_s, storage.path()}});
    QVERIFY(running.ok());
    DashboardController controller(storage.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.setConfiguration(running);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy changed(&window, &MainWindow::alertSettingsChanged);

    Alert firing = starSpikeFiringNow();
    window.showAlerts({{firing}, {}});
    const QColor badge = window.trayIcon()->icon().pixmap(64, 64).toImage().pixelColor(30, 44);
    QVERIFY2(badge.red() > 150 && badge.green() < 100, qPrintable(badge.name()));

    const auto action = [](QMenu *menu, const QString &path) -> QAction * {
        for (const QString &step : path.split(u'>')) {
            QAction *found = nullptr;
            for (QAction *each : menu->actions()) {
                if (each->text().contains(step))
                    found = each;
            }
            if (!found || !found->menu())
                return found;
            menu = found->menu();
        }
        return nullptr;
    };
    QAction *hour = action(window.alertsDock()->contextMenuFor(0),
                           u"acme/widgets's star-spike alerts>1 hour"_s);
    QVERIFY(hour);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    hour->trigger();
    QCOMPARE(changed.size(), 1);
    const QString path = storage.path() + u"/alert-silences.json"_s;
    QString error;
    const QList<AlertSilence> silences = *AlertSilence::load(path, before, &error);
    QCOMPARE(silences.size(), 1);
    QCOMPARE(silences.first().rule, firing.rule);
    QCOMPARE(silences.first().repository, firing.repository);
    QCOMPARE(silences.first().endsAt - silences.first().startsAt, 3600);

    firing.silencedUntil = silences.first().endsAt;
    window.showAlerts({{firing}, {}});
    QVERIFY(
        window.alertsDock()->tree()->topLevelItem(0)->text(0).startsWith("firing, silenced"_L1));
    // Silenced, it asks for no attention: no badge, and the counts say why.
    const QColor quiet = window.trayIcon()->icon().pixmap(64, 64).toImage().pixelColor(30, 44);
    QVERIFY2(!(quiet.red() > 150 && quiet.green() < 100), qPrintable(quiet.name()));
    QCOMPARE(window.alertsDock()->windowTitle(), u"Alerts (0 firing, 1 silenced)"_s);
    QVERIFY2(window.trayIcon()->toolTip().contains("no alert firing (1 more silenced)"_L1),
             qPrintable(window.trayIcon()->toolTip()));
    QAction *end = action(window.alertsDock()->contextMenuFor(0), u"End the silence"_s);
    QVERIFY(end);
    end->trigger();
    QCOMPARE(changed.size(), 2);
    QVERIFY(AlertSilence::load(path, before, &error)->isEmpty());

    SettingsDialog dialog(running);
    AlertRulesPage *page = dialog.alertRules();
    const auto cell = [page](const QString &accessibleName) {
        for (QWidget *widget : page->findChildren<QWidget *>()) {
            if (widget->accessibleName() == accessibleName)
                return widget;
        }
        return static_cast<QWidget *>(nullptr);
    };
    auto *scope = qobject_cast<QLineEdit *>(cell(u"star-spike scope"_s));
    auto *threshold = qobject_cast<QDoubleSpinBox *>(cell(u"star-spike threshold"_s));
    QVERIFY(scope && threshold);
    scope->setText(u"a/b/c"_s);
    QVERIFY(!page->save(&error));
    QVERIFY2(error.contains("star-spike"_L1) && error.contains("scope"_L1), qPrintable(error));
    QVERIFY(!QFile::exists(storage.path() + u"/alerts.json"_s));
    scope->setText(u"watched"_s);
    threshold->setValue(5);
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const QList<AlertRule> rules = *AlertRule::load(storage.path() + u"/alerts.json"_s, &error);
    QCOMPARE(rules.size(), AlertRule::defaults().size());
    for (qsizetype i = 0; i < rules.size(); ++i)
        QCOMPARE(rules[i].threshold,
                 rules[i].name == "star-spike"_L1 ? 5.0 : AlertRule::defaults()[i].threshold);
}

// On a display with a system tray (tst_window_tray: Xvfb, a session bus and trayer, an
// XEmbed tray), the real window's tray icon is embedded and carries the firing count's red
// badge; a notification shows as the tray's message with the alert's summary, and
// clicking it opens the dock and the alert's repository. The screen goes to
// test-artifacts/tray.png.
void TestWindow::theTrayShowsTheFiringCountAndTheMessage()
{
    if (!qEnvironmentVariableIsSet("GHM_TEST_TRAY"))
        QSKIP("needs a system tray: run as tst_window_tray, under tests/tray.sh");
    QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 10000);
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    {
        Pipeline pipeline(storage.location());
        QVERIFY(pipeline.open());
    }
    DashboardController controller(storage.location(), 90, &m_readers);
    MainWindow window(&controller, nullptr);
    window.resize(1000, 640);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.trayIcon()->isVisible());

    Alert firing = starSpikeFiringNow();
    Alert other = firing;
    other.key = u"acme/gadgets 2026-12-04"_s;
    other.repository = u"acme/gadgets"_s;
    window.showAlerts({{firing, other}, {}});
    // Where the tray embeds the icon, read again each time: it moves once embedded.
    const auto redPixels = [&window] {
        const QRect icon = window.trayIcon()->geometry();
        const QImage shot = window.screen()
                                ->grabWindow(0, icon.x(), icon.y(), icon.width(), icon.height())
                                .toImage();
        int red = 0;
        for (int y = 0; y < shot.height(); ++y) {
            for (int x = 0; x < shot.width(); ++x) {
                const QColor pixel = shot.pixelColor(x, y);
                red += pixel.red() > 150 && pixel.green() < 90 && pixel.blue() < 90;
            }
        }
        return red;
    };
    QTRY_VERIFY_WITH_TIMEOUT(redPixels() > 10, 15000);

    window.notifyAlerts({firing.rule, firing.firedAt, {firing}, {}, {firing.id()}, false});
    QWidget *message = nullptr;
    QTRY_VERIFY(message = [] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (widget->inherits("QBalloonTip") && widget->isVisible())
                return widget;
        }
        return static_cast<QWidget *>(nullptr);
    }());
    QStringList texts;
    for (const QLabel *label : message->findChildren<QLabel *>())
        texts << label->text();
    QVERIFY2(texts.contains(firing.summary), qPrintable(texts.join(u" | "_s)));
    QVERIFY(QTest::qWaitForWindowExposed(message));
    QTest::qWait(200); // painted
    QDir().mkpath(QStringLiteral(GHM_ARTIFACTS_DIR));
    window.screen()->grabWindow(0).save(QStringLiteral(GHM_ARTIFACTS_DIR) + u"/tray.png"_s);
    QTest::mouseClick(message, Qt::LeftButton);
    QTRY_VERIFY(window.alertsDock()->isVisible());
    QCOMPARE(window.repository(), firing.repository);
}

QTEST_MAIN(TestWindow)
// The real window from an empty store: with Scope set to Watched, every panel counts only
// the watched repository's events, as the imported file holds them, and says so.
void TestWindow::watchedScopeCountsOnlyTheWatchedRepositories()
{
    TestStorage storage;
    REQUIRE_STORAGE(storage);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString file = writeEvents(storage, u"events.ndjson"_s, now - 1200, 2000, 2);
    QVERIFY(import(storage.location(), {file}));
    // The file's own count of a repository's events: the reference.
    QHash<QString, qint64> byRepository;
    QFile lines(file);
    QVERIFY(lines.open(QIODevice::ReadOnly));
    while (!lines.atEnd()) {
        const QJsonObject event = QJsonDocument::fromJson(lines.readLine()).object();
        ++byRepository[event["repo"_L1]["name"_L1].toString()];
    }
    const QString watched = byRepository.keys().first();

    DashboardController controller(storage.location(), 90, &m_readers);
    QSignalSpy loaded(&controller, &DashboardController::dataReady);
    MainWindow window(&controller, nullptr);
    Watchlist watchlist(storage.path());
    QString error;
    QVERIFY2(watchlist.add(watched, &error), qPrintable(error));
    window.setWatchlist(&watchlist);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.selectWindow(60);
    QComboBox *scope = nullptr;
    for (QComboBox *box : window.findChildren<QComboBox *>()) {
        if (box->accessibleName() == "Scope"_L1)
            scope = box;
    }
    QVERIFY(scope);
    scope->setCurrentIndex(scope->findData(u"watched"_s));
    emit scope->activated(scope->currentIndex());

    DashboardWidget *dashboard = window.dashboard();
    QTRY_COMPARE(dashboard->activeRepositories()->repositories(), QStringList {watched});
    qreal counted = 0;
    for (int i = 0; i < dashboard->eventTypes()->bars()->count(); ++i)
        counted += dashboard->eventTypes()->bars()->at(i);
    QCOMPARE(qint64(counted), byRepository.value(watched));
    QCOMPARE(loaded.last().first().value<DashboardSnapshot>().eventsTotal(),
             byRepository.value(watched));
    // Imported, never read from its own feed: the note says the scope is not complete.
    QVERIFY2(dashboard->eventTypes()->title().contains(u"watched"_s),
             qPrintable(dashboard->eventTypes()->title()));
}

#include "tst_window.moc"
