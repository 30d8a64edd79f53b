#include "services.h"

#include "apiserver.h"
#include "bronzestore.h"
#include "clock.h"
#include "pipeline.h"
#include "repositorywatcher.h"
#include "watchlist.h"

#include <QLoggingCategory>

#include <QThread>

Services::Services(const AppConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_collectorThread(new QThread(this))
    , m_ingestThread(new QThread(this))
    , m_apiThread(new QThread(this))
    , m_bronze(new BronzeStore(config.dataDir))
    , m_pipeline(new Pipeline(config.store()))
    , m_api(new ApiServer(
          {config.store(), config.apiHost, config.apiPort, config.apiToken, config.corsOrigins}))
{
    m_api->moveToThread(m_apiThread);
    m_apiThread->setObjectName(QStringLiteral("api"));
    connect(m_apiThread, &QThread::finished, m_api, &QObject::deleteLater);
    connect(m_api, &ApiServer::listening, this, &Services::apiListening);
    connect(m_api, &ApiServer::failed, this, &Services::apiFailed);

    m_pipeline->moveToThread(m_ingestThread);
    m_ingestThread->setObjectName(QStringLiteral("ingest"));
    connect(m_ingestThread, &QThread::finished, m_pipeline, &QObject::deleteLater);
    connect(m_pipeline, &Pipeline::goldChanged, this, &Services::goldChanged);

    PollerOptions options;
    options.apiUrl = config.apiUrl;
    options.token = config.githubToken;
    options.intervalSeconds = config.intervalSeconds;
    options.maxPages = config.maxPagesPerCollection;
    options.timeoutMs = config.requestTimeoutSeconds * 1000;
    m_budget = new RateBudget;
    m_watchlist = new Watchlist(config.dataDir, this);
    for (const QString &name : config.watch) {
        QString error;
        if (!m_watchlist->add(name, &error))
            qWarning().noquote() << "GHM_WATCH:" << error;
    }
    m_api->setWatchlist(m_watchlist);
    m_poller = new GitHubPoller(options, m_bronze, Clock::system(), m_budget);
    m_poller->moveToThread(m_collectorThread);
    const PullRequestBackfill::Options backfill {config.apiUrl, config.githubToken,
                                                 config.prHorizonDays, config.prHorizonCount,
                                                 options.timeoutMs};
    m_watcher = new RepositoryWatcher(options, backfill, m_watchlist, m_bronze, Clock::system(),
                                      m_budget);
    m_watcher->moveToThread(m_collectorThread);
    connect(m_collectorThread, &QThread::finished, m_watcher, &QObject::deleteLater);
    connect(m_watcher, &RepositoryWatcher::pageStored, m_pipeline, &Pipeline::ingestPage);
    m_collectorThread->setObjectName(QStringLiteral("collector"));
    connect(m_collectorThread, &QThread::finished, m_poller, &QObject::deleteLater);
    connect(m_poller, &GitHubPoller::snapshotChanged, this, &Services::pollerSnapshotChanged);
    connect(m_poller, &GitHubPoller::pageStored, m_pipeline, &Pipeline::ingestPage);
    connect(m_poller, &GitHubPoller::snapshotChanged, m_api, &ApiServer::setPollerSnapshot);
}

Services::~Services()
{
    stop();
    delete m_bronze;
    delete m_budget;
}

void Services::start()
{
    m_bronze->applyRetention(m_config.bronzeRetentionDays, QDateTime::currentDateTimeUtc());
    m_ingestThread->start();
    // The schema exists before any reader opens a connection.
    QMetaObject::invokeMethod(m_pipeline, &Pipeline::open, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(m_pipeline, &Pipeline::catchUp);
    m_apiThread->start();
    QMetaObject::invokeMethod(m_api, &ApiServer::start);
    m_collectorThread->start();
    QMetaObject::invokeMethod(m_poller, &GitHubPoller::start);
    QMetaObject::invokeMethod(m_watcher, &RepositoryWatcher::reconcile);
}

void Services::stop()
{
    if (!m_collectorThread->isRunning())
        return;
    QMetaObject::invokeMethod(m_poller, &GitHubPoller::stop, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(m_watcher, &RepositoryWatcher::stop, Qt::BlockingQueuedConnection);
    m_collectorThread->quit();
    m_collectorThread->wait();
    // Pages already in bronze are ingested before the thread ends; an import stops after
    // its current batch and resumes next time.
    m_pipeline->cancel();
    QMetaObject::invokeMethod(
        m_pipeline, [] {}, Qt::BlockingQueuedConnection);
    m_ingestThread->quit();
    m_ingestThread->wait();
    m_apiThread->quit();
    m_apiThread->wait();
}

QStringList Services::reconfigure(const AppConfig &config)
{
    QMetaObject::invokeMethod(m_poller, [poller = m_poller, config] {
        poller->reconfigure(config.githubToken, config.intervalSeconds,
                            config.maxPagesPerCollection);
    });
    QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher, config] {
        watcher->reconfigure(config.githubToken, config.intervalSeconds,
                             config.maxPagesPerCollection);
    });
    QStringList restart;
    if (config.dataDir != m_config.dataDir)
        restart << tr("data directory");
    if (config.apiPort != m_config.apiPort || config.apiHost != m_config.apiHost)
        restart << tr("API address");
    m_config.githubToken = config.githubToken;
    m_config.intervalSeconds = config.intervalSeconds;
    m_config.maxPagesPerCollection = config.maxPagesPerCollection;
    return restart;
}
