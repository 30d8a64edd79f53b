#pragma once

#include "alert/alertengine.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "config/config.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

class ApiServer;
class BronzeStore;
class ChangeListener;
class Pipeline;
class QThread;
class RepositoryWatcher;
class Watchlist;

// Creates every thread of the application and the long-running objects on them, for each
// way it runs:
// - Collector (the window and --headless): the poller and watcher (collector thread),
//   the bronze -> silver -> gold pipeline (ingest), the REST API (api), the alert rules
//   (alerts), and the window's dashboard reads (dashboard);
// - Viewer (--viewer): the change listener (listener) and the dashboard reads;
// - OneShot (--import, --rebuild): the pipeline alone.
class Services : public QObject
{
    Q_OBJECT

public:
    enum class Role { Collector, Viewer, OneShot };

    Services(const AppConfig &config, Role role, QObject *parent = nullptr);
    ~Services() override;

    void start();
    void stop();
    // Applies what can change while running (token, interval, pages per poll); returns
    // the names of the settings that differ but wait for the next start.
    QStringList reconfigure(const AppConfig &config);
    void pollNow(); // Collector: the public feed is polled at once
    // Collector: the alert rules or silences changed; they are evaluated again at once.
    void reevaluateAlerts();

    Pipeline *pipeline() const { return m_pipeline; } // Collector, OneShot
    ApiServer *apiServer() const { return m_api; } // Collector, before start()
    Watchlist *watchlist() const { return m_watchlist; } // Collector
    ChangeListener *listener() const { return m_listener; } // Viewer
    // Where the window's DashboardController reads (Collector, Viewer).
    QThread *dashboardThread() const { return m_dashboardThread; }

signals:
    void pollerSnapshotChanged(const PollerSnapshot &snapshot);
    void archiveStatusChanged(const ArchiveStatus &status);
    void goldChanged(qint64 fromSeconds, qint64 toSeconds);
    void apiListening(const QString &url);
    void apiFailed(const QString &message);
    // What the last integrity check found wrong with the store; empty when it is sound.
    void integrityChecked(const QString &problem);
    // A group of alerts to notify, and the alerts now (Collector).
    void alertNotified(const AlertNotification &notification);
    void alertsChanged(const AlertBoard &board);

private:
    QThread *newThread(const QString &name);
    void place(QObject *object, QThread *thread);
    void createCollector();
    void createPipeline();
    void createApi();
    void createListener();
    void createAlerts();
    // SQLite's quick_check on a thread of its own, at start and after an ingest fails (at
    // most once a minute): a damaged store is told, with the way out.
    void checkIntegrity();

    AppConfig m_config;
    Role m_role;
    QList<QThread *> m_threads; // in the order they stop
    QThread *m_collectorThread = nullptr;
    QThread *m_ingestThread = nullptr;
    QThread *m_apiThread = nullptr;
    QThread *m_listenerThread = nullptr;
    QThread *m_dashboardThread = nullptr;
    QThread *m_integrityThread = nullptr;
    QThread *m_alertsThread = nullptr;
    QObject *m_integrity = nullptr; // lives on m_integrityThread
    QElapsedTimer m_lastIntegrityCheck;
    BronzeStore *m_bronze = nullptr;
    RateBudget *m_budget = nullptr;
    Watchlist *m_watchlist = nullptr;
    GitHubPoller *m_poller = nullptr;
    RepositoryWatcher *m_watcher = nullptr;
    ArchiveFollower *m_archive = nullptr;
    Pipeline *m_pipeline = nullptr;
    ApiServer *m_api = nullptr;
    ChangeListener *m_listener = nullptr;
    AlertEngine *m_alerts = nullptr; // lives on m_alertsThread
};
