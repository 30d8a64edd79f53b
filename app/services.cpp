#include "services.h"

#include "config/setting.h"
#include "store/database.h"

#include "apiserver.h"
#include "collect/bronzestore.h"
#include "collect/repositorywatcher.h"
#include "collect/watchlist.h"
#include "event/clock.h"
#include "ingest/pipeline.h"
#include "store/changelistener.h"

#include <QLoggingCategory>
#include <QThread>

Services::Services(const AppConfig &config, Role role, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_role(role)
{
    // Stopped in this order: producers first, so nothing is lost between them.
    switch (role) {
    case Role::Collector:
        createCollector();
        createPipeline();
        createApi();
        createAlerts();
        m_dashboardThread = newThread(QStringLiteral("dashboard"));
        break;
    case Role::Viewer:
        createListener();
        m_dashboardThread = newThread(QStringLiteral("dashboard"));
        break;
    case Role::OneShot: createPipeline(); break;
    }
}

Services::~Services()
{
    stop();
    delete m_bronze;
    delete m_budget;
}

QThread *Services::newThread(const QString &name)
{
    auto *thread = new QThread(this);
    thread->setObjectName(name);
    m_threads << thread;
    return thread;
}

// `object` lives on `thread` from now on, and is deleted there when the thread ends.
void Services::place(QObject *object, QThread *thread)
{
    object->moveToThread(thread);
    connect(thread, &QThread::finished, object, &QObject::deleteLater);
}

void Services::createCollector()
{
    m_collectorThread = newThread(QStringLiteral("collector"));
    m_bronze = new BronzeStore(m_config.dataDir);
    m_budget = new RateBudget;
    m_watchlist = new Watchlist(m_config.dataDir, m_config.watchMaximum, this);
    for (const QString &name : std::as_const(m_config.watch)) {
        QString error;
        if (!m_watchlist->add(name, &error))
            qWarning().noquote() << "GHM_WATCH:" << error;
    }
    PollerOptions options;
    options.apiUrl = m_config.apiUrl;
    options.token = m_config.githubToken;
    options.intervalSeconds = m_config.intervalSeconds;
    options.maxPages = m_config.maxPagesPerCollection;
    options.timeoutMs = m_config.requestTimeoutSeconds * 1000;
    PollerOptions feed = options;
    feed.captureBudgetPercent = m_config.captureBudgetPercent; // the global feed's alone
    m_poller = new GitHubPoller(feed, m_bronze, Clock::system(), m_budget);
    place(m_poller, m_collectorThread);
    const PullRequestBackfill::Options backfill {m_config.apiUrl,        m_config.githubToken,
                                                 m_config.prHorizonDays, m_config.prHorizonCount,
                                                 options.timeoutMs,      m_config.prRefreshMinutes};
    m_watcher = new RepositoryWatcher(options, backfill, m_watchlist, m_bronze, Clock::system(),
                                      m_budget);
    place(m_watcher, m_collectorThread);
    ArchiveFollower::Options archive;
    archive.baseUrl = m_config.archiveUrl;
    archive.backfillHours = m_config.archiveBackfillHours;
    archive.limits.timeoutMs = options.timeoutMs;
    archive.limits.minimumFreeBytes = options.minimumFreeBytes;
    m_archive = new ArchiveFollower(archive, m_bronze, Clock::system());
    place(m_archive, m_collectorThread);
    connect(m_poller, &GitHubPoller::snapshotChanged, this, &Services::pollerSnapshotChanged);
    connect(m_archive, &ArchiveFollower::statusChanged, this, &Services::archiveStatusChanged);
}

void Services::createPipeline()
{
    m_ingestThread = newThread(QStringLiteral("ingest"));
    m_pipeline = new Pipeline(m_config.store());
    place(m_pipeline, m_ingestThread);
    connect(m_pipeline, &Pipeline::goldChanged, this, &Services::goldChanged);
    if (m_poller) {
        m_integrityThread = newThread(QStringLiteral("integrity"));
        m_integrity = new QObject;
        place(m_integrity, m_integrityThread);
        connect(m_pipeline, &Pipeline::failed, this, [this] {
            if (m_lastIntegrityCheck.hasExpired(60000))
                checkIntegrity();
        });
        connect(m_poller, &GitHubPoller::pageStored, m_pipeline, &Pipeline::ingestPage);
        connect(m_watcher, &RepositoryWatcher::pageStored, m_pipeline, &Pipeline::ingestPage);
        connect(m_archive, &ArchiveFollower::hourStored, m_pipeline,
                [pipeline = m_pipeline](const QString &path) { pipeline->ingestPage(path); });
        connect(m_pipeline, &Pipeline::archiveIngested, m_archive,
                [archive = m_archive](const QDateTime &, qint64 events, double perSecond) {
                    archive->noteIngested(events, perSecond);
                });
    }
}

void Services::createApi()
{
    m_apiThread = newThread(QStringLiteral("api"));
    m_api = new ApiServer({m_config.store(), m_config.apiHost, m_config.apiPort, m_config.apiToken,
                           m_config.corsOrigins, m_config.allowedHosts, m_config.apiLimits, 0,
                           m_config.prHorizonDays});
    place(m_api, m_apiThread);
    m_api->setWatchlist(m_watchlist);
    connect(m_api, &ApiServer::listening, this, &Services::apiListening);
    connect(m_api, &ApiServer::failed, this, &Services::apiFailed);
    connect(m_poller, &GitHubPoller::snapshotChanged, m_api, &ApiServer::setPollerSnapshot);
    connect(m_archive, &ArchiveFollower::statusChanged, m_api, &ApiServer::setArchiveStatus);
    connect(this, &Services::integrityChecked, m_api, &ApiServer::setStoreDamage);
}

void Services::createAlerts()
{
    m_alertsThread = newThread(QStringLiteral("alerts"));
    m_alerts = new AlertEngine(m_config.store(), m_config.dataDir, m_watchlist, Clock::system());
    m_alerts->setWebhook({m_config.alertWebhookUrl, m_config.alertWebhookSecret.toUtf8()});
    place(m_alerts, m_alertsThread);
    connect(m_poller, &GitHubPoller::snapshotChanged, m_alerts, &AlertEngine::setPollerSnapshot);
    connect(m_archive, &ArchiveFollower::statusChanged, m_alerts, &AlertEngine::setArchiveStatus);
    connect(m_alerts, &AlertEngine::boardChanged, m_api, &ApiServer::setAlerts);
    connect(m_alerts, &AlertEngine::notified, this, &Services::alertNotified);
    connect(m_alerts, &AlertEngine::boardChanged, this, &Services::alertsChanged);
    connect(m_api, &ApiServer::alertSettingsChanged, this, &Services::reevaluateAlerts);
}

void Services::reevaluateAlerts()
{
    if (m_alerts)
        QMetaObject::invokeMethod(m_alerts, &AlertEngine::evaluate);
}

void Services::checkIntegrity()
{
    m_lastIntegrityCheck.start();
    QMetaObject::invokeMethod(m_integrity, [this, location = m_config.store()] {
        const QString problem = Database::integrityProblem(location);
        if (!problem.isEmpty())
            qCritical().noquote() << problem;
        QMetaObject::invokeMethod(this, [this, problem] { emit integrityChecked(problem); });
    });
}

void Services::createListener()
{
    m_listenerThread = newThread(QStringLiteral("listener"));
    m_listener = new ChangeListener(m_config.store());
    place(m_listener, m_listenerThread);
    connect(m_listener, &ChangeListener::goldChanged, this, &Services::goldChanged);
}

void Services::start()
{
    if (m_ingestThread)
        m_ingestThread->start();
    // The schema exists before any reader opens a connection. A one-shot command opens the
    // store itself, to report the outcome its own way.
    if (m_role == Role::Collector)
        QMetaObject::invokeMethod(m_pipeline, &Pipeline::open, Qt::BlockingQueuedConnection);
    if (m_dashboardThread)
        m_dashboardThread->start();
    if (m_listenerThread) {
        m_listenerThread->start();
        QMetaObject::invokeMethod(m_listener, &ChangeListener::start);
    }
    if (m_role != Role::Collector)
        return;
    m_bronze->applyRetention(m_config.bronzeRetentionDays, QDateTime::currentDateTimeUtc());
    QMetaObject::invokeMethod(m_pipeline, &Pipeline::catchUp);
    m_integrityThread->start();
    checkIntegrity();
    m_apiThread->start();
    QMetaObject::invokeMethod(m_api, &ApiServer::start);
    m_alertsThread->start();
    QMetaObject::invokeMethod(m_alerts, &AlertEngine::start);
    m_collectorThread->start();
    QMetaObject::invokeMethod(m_poller, &GitHubPoller::start);
    QMetaObject::invokeMethod(m_watcher, &RepositoryWatcher::reconcile);
    if (m_config.archiveEnabled)
        QMetaObject::invokeMethod(m_archive, &ArchiveFollower::start);
}

void Services::stop()
{
    if (m_collectorThread && m_collectorThread->isRunning()) {
        QMetaObject::invokeMethod(m_poller, &GitHubPoller::stop, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(m_watcher, &RepositoryWatcher::stop,
                                  Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(m_archive, &ArchiveFollower::stop, Qt::BlockingQueuedConnection);
    }
    if (m_ingestThread && m_ingestThread->isRunning()) {
        // Pages already in bronze are ingested before the thread ends; an import stops
        // after its current batch and resumes next time.
        m_pipeline->cancel();
        QMetaObject::invokeMethod(
            m_pipeline, [] {}, Qt::BlockingQueuedConnection);
    }
    for (QThread *thread : std::as_const(m_threads)) {
        thread->quit();
        thread->wait();
    }
}

void Services::pollNow()
{
    if (m_poller)
        QMetaObject::invokeMethod(m_poller, &GitHubPoller::pollNow);
}

QStringList Services::reconfigure(const AppConfig &config)
{
    if (m_role != Role::Collector)
        return {};
    QMetaObject::invokeMethod(m_poller, [poller = m_poller, config] {
        poller->reconfigure(config.githubToken, config.intervalSeconds,
                            config.maxPagesPerCollection, config.captureBudgetPercent);
    });
    QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher, config] {
        watcher->reconfigure(config.githubToken, config.intervalSeconds,
                             config.maxPagesPerCollection);
    });
    if (config.archiveEnabled != m_config.archiveEnabled)
        QMetaObject::invokeMethod(
            m_archive, config.archiveEnabled ? &ArchiveFollower::start : &ArchiveFollower::stop);
    const QStringList restart = Config::changedForNextStart(m_config, config);
    for (const Setting &setting : Config::settings()) {
        if (setting.applies == Setting::Applies::AtOnce)
            Config::assign(&m_config, setting, Config::text(config, setting));
    }
    return restart;
}
