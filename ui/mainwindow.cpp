#include "mainwindow.h"

#include "alert/alertsilence.h"
#include "alertsdock.h"
#include "chartpanels.h"
#include "collect/watchlist.h"
#include "config/watchedscope.h"
#include "dashboardcontroller.h"
#include "dashboardimage.h"
#include "dashboardwidget.h"
#include "event/timeformat.h"
#include "ingest/pipeline.h"
#include "query/metricsexport.h"
#include "settingsdialog.h"
#include "sourcehealthdialog.h"

#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 customRangeData = -1; // the window box's item for a chosen range
constexpr qint64 allStoredData = 0; // the window box's item for every stored event

constexpr qint64 liveDataAge = 6 * 3600; // the public feed lags by up to six hours

bool writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
}

} // namespace

const QList<MainWindow::Preset> &MainWindow::presets()
{
    static const QList<Preset> list {{QT_TR_NOOP("5 min"), 5},          {QT_TR_NOOP("15 min"), 15},
                                     {QT_TR_NOOP("1 h"), 60},           {QT_TR_NOOP("6 h"), 360},
                                     {QT_TR_NOOP("24 h"), 1440},        {QT_TR_NOOP("7 d"), 10080},
                                     {QT_TR_NOOP("30 d"), 43200},       {QT_TR_NOOP("1 y"), 525600},
                                     {QT_TR_NOOP("All"), allStoredData}};
    return list;
}

MainWindow::MainWindow(DashboardController *dashboard, Pipeline *pipeline, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(dashboard)
    , m_pipeline(pipeline)
    , m_dashboard(new DashboardWidget(this))
    , m_countdown(new QTimer(this))
{
    setWindowTitle(tr("GitHub Event Monitor"));
    setCentralWidget(m_dashboard);
    createMenus();
    createToolBar();
    createStatusBar();
    createAlerts();
    restoreSettings();

    connect(m_controller, &DashboardController::dataReady, this, &MainWindow::onData);
    connect(m_controller, &DashboardController::storeUnavailable, this,
            &MainWindow::showStoreUnavailable);
    connect(m_controller, &DashboardController::repositoryNamesReady, m_dashboard,
            &DashboardWidget::setRepositoryNames);
    connect(m_dashboard, &DashboardWidget::messageLinkActivated, this, &MainWindow::followLink);
    connect(m_dashboard, &DashboardWidget::repositorySelected, this, &MainWindow::openRepository);
    // A one-second tick for the countdown text only: it never touches the database.
    connect(m_countdown, &QTimer::timeout, this, &MainWindow::updateCountdown);
    m_countdown->start(1000);
    updateRequest();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *import = file->addAction(tr("&Import GH Archive / Events Files…"), QKeySequence::Open,
                                      this, &MainWindow::chooseImportFiles);
    // A viewer reads a shared store; its collector owns bronze and does the importing.
    import->setEnabled(m_pipeline);
    file->addAction(tr("&Export Metrics…"), QKeySequence(tr("Ctrl+E")), this,
                    &MainWindow::chooseMetricsExport);
    file->addAction(tr("Export Dashboard &Image…"), QKeySequence(tr("Ctrl+Shift+E")), this,
                    &MainWindow::chooseImageExport);
    file->addSeparator();
    file->addAction(tr("&Settings…"), QKeySequence(tr("Ctrl+,")), this, &MainWindow::showSettings);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_viewMenu = view;
    m_windowActions = new QActionGroup(this);
    int number = 0;
    for (const Preset &preset : presets()) {
        QAction *action = view->addAction(tr(preset.label));
        action->setShortcut(QKeySequence(tr("Ctrl+%1").arg(++number)));
        action->setCheckable(true);
        action->setData(preset.minutes);
        m_windowActions->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, minutes = preset.minutes] { selectWindow(minutes); });
    }
    view->addSeparator();
    m_followAction = view->addAction(tr("&Follow Now"));
    m_followAction->setShortcut(QKeySequence(tr("Ctrl+L")));
    m_followAction->setCheckable(true);
    connect(m_followAction, &QAction::triggered, this, [this](bool on) {
        m_followChosen = true;
        setFollowNow(on);
    });
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, &MainWindow::updateRequest);
    view->addAction(tr("Source &Health…"), QKeySequence(tr("Ctrl+H")), this,
                    &MainWindow::showSourceHealth);
    QAction *pollNow = view->addAction(tr("&Poll GitHub Now"), QKeySequence(tr("Ctrl+R")), this,
                                       &MainWindow::pollNowRequested);
    pollNow->setEnabled(m_pipeline);
    view->addSeparator();
    m_watchedMenu = view->addMenu(tr("&Watched Repositories"));
    connect(m_watchedMenu, &QMenu::aboutToShow, this, &MainWindow::fillWatchedMenu);
    m_watchAction = view->addAction(tr("Watch &Repository or Organization…"), this,
                                    &MainWindow::chooseWatched);
    m_watchAction->setEnabled(false); // until there is a watch list

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&API Reference"), QKeySequence::HelpContents, this,
                    &MainWindow::showApiReference);
    help->addAction(tr("A&bout"), this, &MainWindow::showAbout);
}

void MainWindow::followLink(const QString &link)
{
    if (link == "retry"_L1)
        emit pollNowRequested();
    else if (link == "settings"_L1)
        showSettings();
    else if (link == "import"_L1 && m_pipeline)
        chooseImportFiles();
}

void MainWindow::createToolBar()
{
    QToolBar *toolBar = addToolBar(tr("Time"));
    toolBar->setObjectName(u"timeToolBar"_s);
    toolBar->setMovable(false);
    toolBar->addWidget(new QLabel(tr("Window: ")));
    m_windowBox = new QComboBox;
    m_windowBox->setAccessibleName(tr("Time window"));
    // A chosen range is shown whole, dates and times.
    m_windowBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (const Preset &preset : presets())
        m_windowBox->addItem(tr(preset.label), preset.minutes);
    toolBar->addWidget(m_windowBox);
    QAction *range = toolBar->addAction(tr("&Range…"), this, &MainWindow::chooseRange);
    range->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    range->setToolTip(tr("Show a range of your choice, from a date and time to another (%1)")
                          .arg(range->shortcut().toString(QKeySequence::NativeText)));
    m_followBox = new QCheckBox(tr("Follow now"));
    m_followBox->setToolTip(
        tr("On: the window ends now. Off: it ends at the latest stored event."));
    toolBar->addSeparator();
    toolBar->addWidget(m_followBox);
    connect(m_windowBox, &QComboBox::activated, this, [this](int index) {
        const qint64 minutes = m_windowBox->itemData(index).toLongLong();
        if (minutes != customRangeData)
            selectWindow(minutes);
    });
    connect(m_followBox, &QCheckBox::clicked, this, [this](bool on) {
        m_followChosen = true;
        setFollowNow(on);
    });
    addScopeBoxes(toolBar);
}

// Which events every panel counts: the stored sample of all of GitHub or the watched
// feeds, and bots in or out.
void MainWindow::addScopeBoxes(QToolBar *toolBar)
{
    toolBar->addSeparator();
    toolBar->addWidget(new QLabel(tr("Scope: ")));
    m_scopeBox = new QComboBox;
    m_scopeBox->setAccessibleName(tr("Scope"));
    m_scopeBox->addItem(tr("All of GitHub (sample)"), u"all"_s);
    m_scopeBox->addItem(tr("Watched"), u"watched"_s);
    m_scopeBox->setToolTip(
        tr("All of GitHub: every stored event, a sample outside complete hours. Watched: the "
           "watched repositories' own feeds, complete unless the quality note names a gap."));
    toolBar->addWidget(m_scopeBox);
    toolBar->addWidget(new QLabel(tr(" Bots: ")));
    m_botsBox = new QComboBox;
    m_botsBox->setAccessibleName(tr("Bots"));
    m_botsBox->addItem(tr("Included"), Scope::botsName(Scope::Bots::Include));
    m_botsBox->addItem(tr("Excluded"), Scope::botsName(Scope::Bots::Exclude));
    m_botsBox->addItem(tr("Only bots"), Scope::botsName(Scope::Bots::Only));
    m_botsBox->setToolTip(tr("Bots: logins ending in [bot], and known automation accounts"));
    toolBar->addWidget(m_botsBox);
    for (QComboBox *box : {m_scopeBox, m_botsBox})
        connect(box, &QComboBox::activated, this, &MainWindow::updateRequest);
}

Scope MainWindow::scope() const
{
    Scope scope
        = WatchedScope::named(m_scopeBox->currentData().toString(), m_watchlist).value_or(Scope());
    scope.bots
        = Scope::botsFrom(m_botsBox->currentData().toString()).value_or(Scope::Bots::Include);
    return scope;
}

// The watch list's groups after All and Watched, the chosen one kept (or the one the
// settings named, once its group is known).
void MainWindow::fillScopeBox()
{
    const QString chosen = m_scopeBox->currentIndex() > 0 || m_savedScope.isEmpty()
        ? m_scopeBox->currentData().toString()
        : m_savedScope;
    while (m_scopeBox->count() > 2)
        m_scopeBox->removeItem(2);
    const QStringList names = WatchedScope::names(m_watchlist);
    for (const QString &group : names.mid(2))
        m_scopeBox->addItem(tr("Group: %1").arg(group), group);
    m_scopeBox->setCurrentIndex(std::max(0, m_scopeBox->findData(chosen)));
}

void MainWindow::createStatusBar()
{
    m_pollerLabel = new QLabel(tr("Starting…"));
    m_pollerLabel->setTextFormat(Qt::RichText); // for its "Retry now" link; texts are escaped
    connect(m_pollerLabel, &QLabel::linkActivated, this, &MainWindow::followLink);
    m_countdownLabel = new QLabel;
    m_rateLabel = new QLabel;
    m_eventsLabel = new QLabel;
    // A window without a pipeline is a viewer's, which starts no API.
    m_apiLabel = new QLabel(m_pipeline ? tr("API starting…") : tr("No API: a viewer"));
    m_archiveLabel = new QLabel;
    m_archiveLabel->setVisible(false); // until the follower runs
    m_apiLabel->setToolTip(tr("Click to copy the API address"));
    connect(m_apiLabel, &QLabel::linkActivated, this, [this](const QString &url) {
        QGuiApplication::clipboard()->setText(url);
        statusBar()->showMessage(tr("Copied %1").arg(url), 3000);
    });
    statusBar()->addWidget(m_pollerLabel, 1);
    for (QLabel *label : {m_archiveLabel, m_countdownLabel, m_rateLabel, m_eventsLabel, m_apiLabel})
        statusBar()->addPermanentWidget(label);
}

// The window's place is the user's; what it shows belongs to the data directory (or
// database) it shows: a demo's repository and window do not follow into another store.
QString MainWindow::viewGroup() const
{
    const StoreLocation &location = m_controller->location();
    const QString store = location.isShared() ? location.describe()
                                              : QFileInfo(location.dataDir).absoluteFilePath();
    return u"views/"_s
        + QString::fromLatin1(
               QCryptographicHash::hash(store.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    // The first start fits a laptop's screen too, with room for its panels.
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray()))
        resize(QSize(1400, 900).boundedTo(screen()->availableGeometry().size() * 0.9));
    settings.beginGroup(viewGroup());
    m_repository = settings.value(u"repository"_s).toString();
    const qint64 minutes = settings.value(u"minutes"_s, 60).toLongLong();
    const int index = m_windowBox->findData(minutes);
    m_windowBox->setCurrentIndex(index < 0 ? 2 : index);
    m_windowActions->actions().at(m_windowBox->currentIndex())->setChecked(true);
    const QVariant follow = settings.value(u"followNow"_s);
    m_followChosen = follow.isValid();
    m_followBox->setChecked(follow.isValid() ? follow.toBool() : true);
    m_followAction->setChecked(m_followBox->isChecked());
    for (auto [box, key] : {std::pair {m_scopeBox, u"scope"_s}, std::pair {m_botsBox, u"bots"_s}})
        box->setCurrentIndex(std::max(0, box->findData(settings.value(key))));
    m_savedScope = settings.value(u"scope"_s).toString(); // a group, once the list is known
    m_dashboard->restoreLayout(settings.value(u"layout"_s).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.beginGroup(viewGroup());
    settings.setValue(u"store"_s, m_controller->location().describe());
    settings.setValue(u"minutes"_s, m_windowBox->currentData());
    settings.setValue(u"repository"_s, m_repository);
    settings.setValue(u"scope"_s, m_scopeBox->currentData());
    settings.setValue(u"bots"_s, m_botsBox->currentData());
    if (m_followChosen)
        settings.setValue(u"followNow"_s, m_followBox->isChecked());
    settings.setValue(u"layout"_s, m_dashboard->saveLayout());
    event->accept();
}

void MainWindow::selectWindow(qint64 minutes)
{
    clearCustomRange();
    const int index = m_windowBox->findData(minutes);
    if (index < 0)
        return;
    m_windowBox->setCurrentIndex(index);
    m_windowActions->actions().at(index)->setChecked(true);
    updateRequest();
}

void MainWindow::setFollowNow(bool follow)
{
    if (follow && m_customRange) {
        clearCustomRange();
        m_windowBox->setCurrentIndex(m_windowBox->findData(qint64(60)));
        m_windowActions->actions().at(m_windowBox->currentIndex())->setChecked(true);
    }
    m_followBox->setChecked(follow);
    m_followAction->setChecked(follow);
    updateRequest();
}

void MainWindow::updateRequest()
{
    DashboardRequest request;
    request.minutes = m_windowBox->currentData().toLongLong();
    request.wholeStore = request.minutes == allStoredData;
    request.followNow = m_followBox->isChecked() && !request.wholeStore;
    request.repository = m_repository;
    request.scope = scope();
    if (m_customRange) {
        request.minutes = std::clamp<qint64>((m_customRange->to - m_customRange->from + 59) / 60, 1,
                                             TimeFormat::maxWindowMinutes);
        request.at = QDateTime::fromSecsSinceEpoch(m_customRange->to, Qt::UTC);
        request.followNow = false;
    }
    m_controller->setRequest(request);
}

// A fixed range: it replaces the preset and Follow now until either is chosen again.
void MainWindow::setCustomRange(qint64 from, qint64 to)
{
    m_customRange = TimeWindow {from, std::max(to, from + 60)};
    const QString format = u"yyyy-MM-dd HH:mm"_s;
    const QString label
        = tr("%1 to %2")
              .arg(QDateTime::fromSecsSinceEpoch(m_customRange->from).toString(format),
                   QDateTime::fromSecsSinceEpoch(m_customRange->to).toString(format));
    if (m_windowBox->findData(customRangeData) < 0)
        m_windowBox->addItem(QString(), customRangeData);
    const int index = m_windowBox->findData(customRangeData);
    m_windowBox->setItemText(index, label);
    m_windowBox->setCurrentIndex(index);
    if (QAction *checked = m_windowActions->checkedAction())
        checked->setChecked(false);
    m_followBox->setChecked(false);
    m_followAction->setChecked(false);
    updateRequest();
}

void MainWindow::clearCustomRange()
{
    m_customRange.reset();
    const int index = m_windowBox->findData(customRangeData);
    if (index >= 0)
        m_windowBox->removeItem(index);
}

void MainWindow::chooseRange()
{
    const qint64 to = m_customRange ? m_customRange->to : m_dashboard->data().window.to;
    const qint64 from = m_customRange ? m_customRange->from : m_dashboard->data().window.from;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Range"));
    auto *utc = new QCheckBox(tr("Times in &UTC"));
    auto *fromEdit = new QDateTimeEdit(QDateTime::fromSecsSinceEpoch(from));
    auto *toEdit = new QDateTimeEdit(QDateTime::fromSecsSinceEpoch(to));
    for (QDateTimeEdit *edit : {fromEdit, toEdit}) {
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss"_s);
        edit->setCalendarPopup(true);
        connect(utc, &QCheckBox::toggled, edit, [edit](bool inUtc) {
            edit->setDateTime(inUtc ? edit->dateTime().toUTC() : edit->dateTime().toLocalTime());
        });
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&From:"), fromEdit);
    form->addRow(tr("&To:"), toEdit);
    form->addRow(QString(), utc);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const qint64 start = fromEdit->dateTime().toSecsSinceEpoch();
    const qint64 end = toEdit->dateTime().toSecsSinceEpoch();
    if (end <= start) {
        QMessageBox::warning(this, tr("Range"), tr("The range must end after it starts."));
        return;
    }
    m_followChosen = true;
    setCustomRange(start, end);
}

// Non-modal: it follows the window's snapshots while it is open.
void MainWindow::showSourceHealth()
{
    if (!m_sourceHealth) {
        m_sourceHealth = new SourceHealthDialog(this);
        m_sourceHealth->setAttribute(Qt::WA_DeleteOnClose);
        if (m_lastData)
            m_sourceHealth->setData(*m_lastData);
    }
    m_sourceHealth->setBudget(m_configuration.config.captureBudgetPercent,
                              m_snapshot.rateLimit.limit);
    m_sourceHealth->show();
    m_sourceHealth->raise();
    m_sourceHealth->activateWindow();
}

void MainWindow::onData(const DashboardSnapshot &data)
{
    // Until the user chooses, follow now only when live data is arriving.
    if (!m_followChosen && data.latestStoredAt) {
        m_followChosen = true;
        const qint64 age = QDateTime::currentSecsSinceEpoch() - *data.latestStoredAt;
        if ((age < liveDataAge) != m_followBox->isChecked()) {
            setFollowNow(age < liveDataAge);
            return;
        }
    }
    m_storeProblem.clear();
    m_dashboard->setData(data);
    m_lastData = data;
    if (m_sourceHealth)
        m_sourceHealth->setData(data);
    showWatchState(data.pullRequests.repository);
    showEventsStored(data.eventsStored);
    updatePanelMessages();
}

// What the panels say when they have nothing to draw, and why: the store, the poller, or
// simply an empty window. Links: "retry" polls at once, "settings" opens Settings.
void MainWindow::updatePanelMessages()
{
    using State = PollerSnapshot::State;
    const QString retry = tr("<a href=\"retry\">Retry now</a>");
    const QString noToken = m_configuration.config.githubToken.isEmpty()
        ? tr("<br>Without a token GitHub allows 60 requests an hour: "
             "<a href=\"settings\">add one in Settings</a>.")
        : QString();
    QString message;
    if (!m_storeProblem.isEmpty()) {
        message = tr("<b>Database unavailable</b><br>%1").arg(m_storeProblem.toHtmlEscaped());
    } else if (m_dashboard->data().eventsByType.isEmpty()) {
        const QString error = m_snapshot.lastError.toHtmlEscaped();
        switch (m_snapshot.state) {
        case State::Offline: message = tr("<b>Offline</b>: %1<br>%2").arg(error, retry); break;
        case State::BackingOff:
            message = tr("<b>GitHub answered with an error</b>: %1<br>%2").arg(error, retry);
            break;
        case State::StorageError:
            message = tr("<b>Cannot store data</b>: %1<br>%2").arg(error, retry);
            break;
        case State::BadToken:
            message = tr("<b>GitHub refused the token.</b><br><a href=\"settings\">Change it in "
                         "Settings</a>");
            break;
        case State::RateLimited:
            message = tr("<b>Rate-limited</b> until %1.%2")
                          .arg(m_snapshot.nextPoll.toLocalTime().toString(u"HH:mm"_s), noToken);
            break;
        case State::Idle:
        case State::Polling: message = tr("Waiting for the first events…"); break;
        case State::UpToDate:
            message = tr("No events in this window. Choose a longer one, or "
                         "<a href=\"import\">import GH Archive files</a>.");
            break;
        }
        if (!m_pipeline)
            message = tr("No events in this window yet.");
    }
    m_dashboard->setPanelMessage(message);
}

// Until the next snapshot arrives: the panels keep their last numbers, marked as stale.
void MainWindow::showStoreDamage(const QString &problem)
{
    m_storeDamage = problem;
    if (problem.isEmpty())
        return;
    m_eventsLabel->setText(tr("Database damaged"));
    m_eventsLabel->setToolTip(plainText(problem));
    statusBar()->showMessage(tr("Database damaged: %1").arg(problem));
}

void MainWindow::showStoreUnavailable(const QString &message)
{
    m_storeProblem = message;
    updatePanelMessages();
    m_eventsLabel->setText(tr("Database unavailable"));
    m_eventsLabel->setToolTip(plainText(message));
    statusBar()->showMessage(tr("Database unavailable: %1").arg(message), 10000);
}

void MainWindow::setWatchlist(Watchlist *watchlist)
{
    m_watchlist = watchlist;
    connect(m_dashboard, &DashboardWidget::watchRequested, this, [this](const QString &repository) {
        QString error;
        if (!m_watchlist->add(repository, &error)) {
            QMessageBox::warning(this, tr("Watch"), error);
            return;
        }
        statusBar()->showMessage(
            tr("Watching %1: fetching its pull-request history…").arg(repository), 5000);
    });
    connect(m_dashboard->pullRequests(), &PullRequestPanel::watchToggled, this,
            [this](const QString &repository, bool watch) {
                QString error;
                if (watch && !m_watchlist->add(repository, &error))
                    QMessageBox::warning(this, tr("Watch"), error);
                else if (!watch)
                    m_watchlist->remove(repository);
                showWatchState(repository);
                statusBar()->showMessage(
                    watch ? tr("Watching %1: fetching its pull-request history…").arg(repository)
                          : tr("No longer watching %1").arg(repository),
                    5000);
            });
    // The watched scopes follow the watch list, from now on and as it is now.
    connect(m_watchlist, &Watchlist::changed, this, [this] {
        fillScopeBox();
        if (!scope().isAll())
            updateRequest();
    });
    fillScopeBox();
    if (!scope().isAll())
        updateRequest();
    m_watchAction->setEnabled(true);
    fillWatchedMenu();
}

// owner/name watches a repository, a login an organization: its own events feed.
void MainWindow::chooseWatched()
{
    bool ok = false;
    const QString entry
        = QInputDialog::getText(this, tr("Watch"),
                                tr("Repository (owner/name) or organization to watch:"),
                                QLineEdit::Normal, QString(), &ok)
              .trimmed();
    if (!ok || entry.isEmpty())
        return;
    QString error;
    if (!m_watchlist->add(entry, &error)) {
        QMessageBox::warning(this, tr("Watch"), error);
        return;
    }
    statusBar()->showMessage(tr("Watching %1").arg(entry), 5000);
}

// The dock starts hidden, below the charts, where a summary has the width it needs; the
// tray icon shows when a tray exists.
void MainWindow::createAlerts()
{
    m_alertsDock = new AlertsDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_alertsDock);
    m_alertsDock->hide();
    m_viewMenu->addSeparator();
    QAction *toggle = m_alertsDock->toggleViewAction();
    toggle->setText(tr("&Alerts"));
    toggle->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    m_viewMenu->addAction(toggle);
    connect(m_alertsDock, &AlertsDock::repositoryActivated, this, &MainWindow::openRepository);
    connect(m_alertsDock, &AlertsDock::silenceRequested, this, &MainWindow::silenceAlerts);
    connect(m_alertsDock, &AlertsDock::silenceEndRequested, this, &MainWindow::endSilences);
    m_tray = new QSystemTrayIcon(trayIconFor(0), this);
    m_tray->setToolTip(tr("GitHub Event Monitor: no alert firing"));
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        showNormal();
        raise();
        activateWindow();
        m_alertsDock->show();
        if (!m_notifiedRepository.isEmpty())
            openRepository(m_notifiedRepository);
    });
    connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
        showNormal();
        raise();
        m_alertsDock->show();
    });
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_tray->show();
}

void MainWindow::openRepository(const QString &repository)
{
    m_repository = repository;
    updateRequest();
}

void MainWindow::showAlerts(const AlertBoard &board)
{
    m_alertsDock->setBoard(board);
    // A silenced alert is shown in the dock, but asks for no attention.
    const qsizetype firing = board.firingCount();
    m_tray->setIcon(trayIconFor(firing));
    QString tip = firing == 0 ? tr("GitHub Event Monitor: no alert firing")
                              : tr("GitHub Event Monitor: %n alert(s) firing", "", int(firing));
    if (const qsizetype silenced = board.silencedFiringCount())
        tip += tr(" (%n more silenced)", "", int(silenced));
    m_tray->setToolTip(tip);
}

// The window's icon, with the number of firing alerts in a red badge.
QIcon MainWindow::trayIconFor(qsizetype firing) const
{
    if (firing == 0)
        return windowIcon();
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    windowIcon().paint(&painter, pixmap.rect());
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0xcf, 0x22, 0x2e));
    const QRectF badge(24, 24, 40, 40);
    painter.drawEllipse(badge);
    QFont font = painter.font();
    font.setPixelSize(firing > 9 ? 20 : 28);
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(badge, Qt::AlignCenter, firing > 99 ? u"99+"_s : QString::number(firing));
    return QIcon(pixmap);
}

void MainWindow::notifyAlerts(const AlertNotification &notification)
{
    QList<Alert> fresh;
    for (const Alert &alert : notification.firing) {
        if (notification.fresh.contains(alert.id()))
            fresh.append(alert);
    }
    if (fresh.isEmpty())
        return; // resolutions and repeats: the dock and the webhook have them
    const bool oneRepository = std::all_of(fresh.cbegin(), fresh.cend(), [&](const Alert &a) {
        return a.repository == fresh.first().repository;
    });
    m_notifiedRepository = oneRepository ? fresh.first().repository : QString();
    const QString title = fresh.size() == 1
        ? tr("Alert: %1").arg(notification.rule)
        : tr("%n alerts: %1", "", int(fresh.size())).arg(notification.rule);
    QStringList lines;
    for (const Alert &alert : fresh.first(std::min<qsizetype>(fresh.size(), 3)))
        lines << alert.summary;
    if (fresh.size() > 3)
        lines << tr("and %n more", "", int(fresh.size() - 3));
    if (m_tray->isVisible() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, lines.join(u'\n'), QSystemTrayIcon::Information, 15000);
    else
        statusBar()->showMessage(title + u": "_s + lines.join(u"; "_s), 15000);
}

void MainWindow::silenceAlerts(const QString &rule, const QString &repository, qint64 seconds)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    AlertSilence silence;
    silence.rule = rule;
    silence.repository = repository;
    silence.startsAt = now;
    silence.endsAt = now + seconds;
    silence.comment = tr("from the Alerts dock");
    QString error;
    if (!AlertSilence::add(silencesPath(), silence, now, &error)) {
        QMessageBox::warning(this, tr("Silence"), error);
        return;
    }
    emit alertSettingsChanged();
}

// Ends every silence that mutes the alert.
void MainWindow::endSilences(const QString &rule, const QString &repository)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QString error;
    const auto silences = AlertSilence::load(silencesPath(), now, &error);
    for (const AlertSilence &silence : silences.value_or(QList<AlertSilence>())) {
        if (error.isEmpty() && silence.matches(rule, repository, now))
            AlertSilence::expire(silencesPath(), silence.id, now, &error);
    }
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Silence"), error);
    emit alertSettingsChanged();
}

QString MainWindow::silencesPath() const
{
    return m_configuration.config.dataDir + u"/alert-silences.json"_s;
}

void MainWindow::showWatchState(const QString &repository)
{
    const bool watched = m_watchlist && m_watchlist->contains(repository);
    m_dashboard->pullRequests()->setWatched(watched,
                                            watched ? m_watchlist->status(repository) : QString());
}

void MainWindow::fillWatchedMenu()
{
    m_watchedMenu->clear();
    const QStringList names = m_watchlist ? m_watchlist->names() : QStringList();
    if (names.isEmpty())
        m_watchedMenu->addAction(tr("(none: use Watch in the pull-request panel or the View menu)"))
            ->setEnabled(false);
    for (const QString &name : names) {
        // A repository opens in the pull-request panel; an organization, in the watched scope.
        QAction *action = m_watchedMenu->addAction(name, this, [this, name] {
            if (Watchlist::isOrganization(name))
                m_scopeBox->setCurrentIndex(m_scopeBox->findData(u"watched"_s));
            else
                m_repository = name;
            updateRequest();
        });
        action->setToolTip(plainText(m_watchlist->status(name)));
    }
}

void MainWindow::showEventsStored(qint64 events)
{
    if (!m_storeDamage.isEmpty())
        return; // the damage stays in sight until --rebuild
    m_eventsLabel->setText(tr("%1 events").arg(QLocale().toString(events)));
    m_eventsLabel->setToolTip(QString());
}

void MainWindow::showPollerSnapshot(const PollerSnapshot &snapshot)
{
    m_snapshot = snapshot;
    updatePanelMessages();
    m_pollerLabel->setText(describe(snapshot, QDateTime::currentDateTimeUtc()).toHtmlEscaped());
    showBudget(snapshot);
    updateCountdown();
}

// What is left of the token's rate window, when it resets, and each source's share of
// what was spent.
void MainWindow::showBudget(const PollerSnapshot &snapshot)
{
    const RateLimitInfo &rate = snapshot.rateLimit;
    if (rate.remaining < 0) {
        m_rateLabel->clear();
        return;
    }
    QString text = tr("Rate limit %1/%2").arg(rate.remaining).arg(rate.limit);
    if (rate.reset.isValid())
        text += tr(", resets %1").arg(rate.reset.toLocalTime().toString(u"HH:mm"_s));
    QStringList shares;
    for (const auto &[source, share] : RateBudget::sharesOf(snapshot.budgetSpent))
        shares << tr("%1 %2 %").arg(source).arg(qRound(share * 100));
    // The two largest in the bar, where it is narrow; every source in the tooltip.
    constexpr qsizetype shown = 2;
    if (!shares.isEmpty())
        text += u" · "_s + shares.first(std::min(shown, shares.size())).join(u", "_s);
    if (shares.size() > shown)
        text += tr(", +%1").arg(shares.size() - shown);
    m_rateLabel->setText(text);
    QStringList plan;
    for (auto it = snapshot.budgetPlan.cbegin(); it != snapshot.budgetPlan.cend(); ++it)
        plan << tr("%1 %2 %").arg(it.key()).arg(qRound(it.value() * 100));
    m_rateLabel->setToolTip(
        tr("Requests each source spent of this rate window (304 answers are free): %1.\n"
           "The plan's share of each, when all want more than the limit: %2.")
            .arg(shares.join(u", "_s), plan.join(u", "_s)));
}

void MainWindow::updateCountdown()
{
    const qint64 seconds = QDateTime::currentDateTimeUtc().secsTo(m_snapshot.nextPoll);
    // A failing poller's own text counts down its retry: no second countdown beside it.
    const bool failing = m_snapshot.state == PollerSnapshot::State::BackingOff
        || m_snapshot.state == PollerSnapshot::State::Offline
        || m_snapshot.state == PollerSnapshot::State::StorageError;
    m_countdownLabel->setText(!failing && m_snapshot.nextPoll.isValid() && seconds >= 0
                                  ? tr("Next poll in %1 s").arg(seconds)
                                  : QString());
    if (failing)
        m_pollerLabel->setText(describe(m_snapshot, QDateTime::currentDateTimeUtc()).toHtmlEscaped()
                               + u' ' + tr("<a href=\"retry\">Retry now</a>"));
}

void MainWindow::showArchiveStatus(const ArchiveStatus &status)
{
    m_archiveLabel->setVisible(status.state != ArchiveStatus::State::Off);
    m_archiveLabel->setText(describe(status));
    const QLocale locale;
    QString tip = tr("GH Archive: %n hour(s) stored since the start, %1 on disk", nullptr,
                     int(status.hoursStored))
                      .arg(locale.formattedDataSize(status.diskBytes));
    if (status.lastIngestEvents > 0)
        tip += u'\n'
            + tr("Last hour ingested: %1 events, %2 a second")
                  .arg(locale.toString(status.lastIngestEvents))
                  .arg(locale.toString(qRound64(status.lastIngestEventsPerSecond)));
    if (!status.lastError.isEmpty())
        tip += u'\n' + status.lastError;
    m_archiveLabel->setToolTip(plainText(tip));
}

QString MainWindow::describe(const ArchiveStatus &status)
{
    using State = ArchiveStatus::State;
    const QLocale locale;
    const QString hour = status.hour.toLocalTime().toString(u"yyyy-MM-dd HH:00"_s);
    const QString at = status.nextAttempt.toLocalTime().toString(u"HH:mm"_s);
    switch (status.state) {
    case State::Off: return {};
    case State::Waiting: return tr("Archive: waiting for %1 (next try %2)").arg(hour, at);
    case State::Retrying: return tr("Archive: %1 failed, retrying at %2").arg(hour, at);
    case State::Downloading: break;
    }
    const QString done = locale.formattedDataSize(status.bytesDone);
    const QString speed = locale.formattedDataSize(qint64(status.bytesPerSecond)) + tr("/s");
    return status.bytesTotal > 0
        ? tr("Archive: %1, %2 of %3, %4")
              .arg(hour, done, locale.formattedDataSize(status.bytesTotal), speed)
        : tr("Archive: %1, %2, %3").arg(hour, done, speed);
}

void MainWindow::showViewerStatus(const QString &database, const QString &problem)
{
    m_pollerLabel->setText(
        (problem.isEmpty() ? tr("Viewer of %1: refreshed when a collector commits").arg(database)
                           : tr("Viewer of %1: %2").arg(database, problem))
            .toHtmlEscaped());
}

void MainWindow::setApiAddress(const QString &url)
{
    m_apiUrl = url;
    m_apiLabel->setText(u"<a href=\"%1\">API %1</a>"_s.arg(url.toHtmlEscaped()));
}

void MainWindow::setApiFailed(const QString &message)
{
    m_apiUrl.clear();
    m_apiLabel->setText(tr("API off"));
    m_apiLabel->setToolTip(plainText(message));
}

QString MainWindow::describe(const PollerSnapshot &snapshot, const QDateTime &now)
{
    using State = PollerSnapshot::State;
    const QString until = snapshot.nextPoll.toLocalTime().toString(u"HH:mm"_s);
    const qint64 seconds = std::max<qint64>(now.secsTo(snapshot.nextPoll), 0);
    switch (snapshot.state) {
    case State::Idle: return tr("Idle");
    case State::Polling: return tr("Polling…");
    case State::UpToDate: return tr("Up to date");
    case State::RateLimited: return tr("Rate-limited until %1").arg(until);
    case State::BackingOff:
        return tr("Error: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    case State::BadToken: return tr("Bad token: check the GitHub token in Settings");
    case State::Offline:
        return tr("Offline: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    case State::StorageError:
        return tr("Cannot store data: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    }
    return {};
}

bool MainWindow::exportMetrics(const QString &path, QString *error) const
{
    const DashboardSnapshot &data = m_dashboard->data();
    const QByteArray bytes = path.endsWith(".json"_L1, Qt::CaseInsensitive)
        ? QJsonDocument(MetricsExport::json(data)).toJson()
        : MetricsExport::csv(data);
    return writeFile(path, bytes, error);
}

bool MainWindow::exportImage(const QString &path, QString *error) const
{
    const QImage image = DashboardImage::render(m_dashboard->data());
    if (image.save(path, "PNG"))
        return true;
    *error = tr("Cannot write %1").arg(path);
    return false;
}

void MainWindow::chooseMetricsExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Metrics"), u"metrics.csv"_s,
                                                      tr("CSV (*.csv);;JSON (*.json)"));
    QString error;
    if (path.isEmpty())
        return;
    if (exportMetrics(path, &error))
        statusBar()->showMessage(tr("Metrics exported to %1").arg(path), 8000);
    else
        QMessageBox::warning(this, tr("Export Metrics"), error);
}

void MainWindow::chooseImageExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Dashboard Image"),
                                                      u"dashboard.png"_s, tr("PNG image (*.png)"));
    QString error;
    if (path.isEmpty())
        return;
    if (exportImage(path, &error))
        statusBar()->showMessage(tr("Dashboard image exported to %1").arg(path), 8000);
    else
        QMessageBox::warning(this, tr("Export Dashboard Image"), error);
}

// History lies outside a window that ends now: the imported range is one click away.
void MainWindow::offerImportedRange(const IngestSummary &summary)
{
    if (summary.inserted == 0 || summary.firstCreatedAt < 0)
        return;
    const QString format = u"yyyy-MM-dd HH:mm"_s;
    auto *box = new QMessageBox(
        QMessageBox::Information, tr("Import"),
        tr("%1 new events, from %2 to %3.")
            .arg(QLocale().toString(summary.inserted),
                 QDateTime::fromSecsSinceEpoch(summary.firstCreatedAt).toString(format),
                 QDateTime::fromSecsSinceEpoch(summary.lastCreatedAt).toString(format)),
        QMessageBox::Close, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *show = box->addButton(tr("&Show Them"), QMessageBox::AcceptRole);
    connect(show, &QPushButton::clicked, this,
            [this, first = summary.firstCreatedAt, last = summary.lastCreatedAt] {
                m_followChosen = true;
                setCustomRange(first, last + 1);
            });
    box->open();
}

void MainWindow::chooseImportFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Import GH Archive / Events Files"), QString(),
        tr("GH Archive and event files (*.json.gz *.gz *.ndjson *.jsonl *.json);;All files (*)"));
    if (!files.isEmpty())
        startImport(files);
}

void MainWindow::startImport(const QStringList &files)
{
    m_importDialog = new QProgressDialog(tr("Importing…"), tr("Cancel"), 0, 1000, this);
    m_importDialog->setWindowTitle(tr("Import"));
    m_importDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_importDialog->setMinimumDuration(0);
    m_importDialog->setAutoClose(false);
    m_importDialog->setAutoReset(false);
    QProgressDialog *dialog = m_importDialog;
    // The pipeline works on its own thread; cancel() is safe to call from here.
    connect(dialog, &QProgressDialog::canceled, this, [this, dialog] {
        m_pipeline->cancel();
        dialog->setLabelText(tr("Stopping after the current batch…"));
    });
    connect(m_pipeline, &Pipeline::progress, dialog,
            [dialog](int index, int count, const IngestProgress &progress) {
                const double fraction = progress.bytesTotal > 0
                    ? double(progress.bytesDone) / double(progress.bytesTotal)
                    : 1.0;
                dialog->setValue(int(1000 * (index + fraction) / std::max(count, 1)));
                dialog->setLabelText(
                    tr("File %1 of %2 · %3 events/s · ETA %4 s")
                        .arg(index + 1)
                        .arg(count)
                        .arg(QLocale().toString(qRound64(progress.eventsPerSecond)))
                        .arg(progress.etaSeconds >= 0
                                 ? QString::number(qRound64(progress.etaSeconds))
                                 : u"–"_s));
            });
    connect(m_pipeline, &Pipeline::finished, dialog, [this, dialog](const IngestSummary &summary) {
        const QString text = summary.ok && summary.inserted == 0 && summary.alreadyIngested > 0
            ? tr("Already imported: nothing new")
            : summary.ok
            ? tr("%1: %2 new events, %3 duplicates, %4 quarantined, %5 s")
                  .arg(summary.cancelled ? tr("Import cancelled") : tr("Import done"))
                  .arg(QLocale().toString(summary.inserted), QLocale().toString(summary.duplicates),
                       QLocale().toString(summary.quarantined))
                  .arg(summary.seconds, 0, 'f', 1)
            : tr("Import failed: %1").arg(summary.error);
        statusBar()->showMessage(text, 15000);
        dialog->close();
        if (!summary.ok)
            QMessageBox::warning(this, tr("Import"), text);
        else if (!summary.cancelled)
            offerImportedRange(summary);
    });
    dialog->show();
    QMetaObject::invokeMethod(m_pipeline,
                              [pipeline = m_pipeline, files] { pipeline->importFiles(files); });
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(m_configuration, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    emit settingsSaved();
    emit alertSettingsChanged();
}

void MainWindow::showApiReference()
{
    if (m_apiUrl.isEmpty()) {
        QMessageBox::information(this, tr("API Reference"),
                                 tr("The API is off (%1). The endpoints are described in the "
                                    "README, section \"REST API\".")
                                     .arg(m_apiLabel->toolTip()));
        return;
    }
    const QUrl docs(m_apiUrl + "/api/docs"_L1);
    if (!QDesktopServices::openUrl(docs))
        QMessageBox::information(
            this, tr("API Reference"),
            tr("No web browser could be started. The API reference is at <a href=\"%1\">%1</a>; "
               "its OpenAPI document at %2.")
                .arg(docs.toString().toHtmlEscaped(),
                     QString(m_apiUrl + "/api/openapi.json"_L1).toHtmlEscaped()));
}

void MainWindow::showAbout()
{
    const StoreLocation &store = m_controller->location();
    QMessageBox::about(
        this, tr("About GitHub Event Monitor"),
        tr("<b>GitHub Event Monitor</b> %1<p>Watches GitHub's public event stream and keeps "
           "it as raw pages (bronze), clean events (silver) and metrics (gold).</p>"
           "<table><tr><td>Data directory:</td><td>%2</td></tr>"
           "<tr><td>Database:</td><td>%3</td></tr>"
           "<tr><td>REST API:</td><td>%4</td></tr>"
           "<tr><td>Qt:</td><td>%5</td></tr></table>"
           "<p>Licensed under the MIT licence.</p>")
            .arg(QApplication::applicationVersion(),
                 QFileInfo(store.dataDir).absoluteFilePath().toHtmlEscaped(),
                 store.isClickHouse() ? tr("ClickHouse, %1").arg(store.describe().toHtmlEscaped())
                     : store.isPostgres()
                     ? tr("PostgreSQL, %1").arg(store.describe().toHtmlEscaped())
                     : tr("SQLite, in the data directory"),
                 m_apiUrl.isEmpty() ? tr("off") : m_apiUrl.toHtmlEscaped(),
                 QString::fromLatin1(qVersion())));
}
