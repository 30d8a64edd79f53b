#pragma once

#include "config.h"
#include "githubpoller.h"

#include <QObject>

class ApiServer;
class BronzeStore;
class RepositoryWatcher;
class Watchlist;
class Pipeline;
class QThread;

// Wires the long-running parts, each on its own thread: the poller (collector thread),
// the bronze -> silver -> gold pipeline (ingest thread) and the REST API (api thread).
// Used by both the GUI and --headless.
class Services : public QObject
{
    Q_OBJECT

public:
    explicit Services(const AppConfig &config, QObject *parent = nullptr);
    ~Services() override;

    void start();
    void stop();
    // Applies what can change while running (token, interval, pages per poll); returns
    // the names of the settings that differ but wait for the next start.
    QStringList reconfigure(const AppConfig &config);

    Pipeline *pipeline() const { return m_pipeline; }
    // Before start(): lets ui/ add routes (the dashboard) without core knowing it.
    ApiServer *apiServer() const { return m_api; }
    Watchlist *watchlist() const { return m_watchlist; }

signals:
    void pollerSnapshotChanged(const PollerSnapshot &snapshot);
    void goldChanged(qint64 fromSeconds, qint64 toSeconds);
    void apiListening(const QString &url);
    void apiFailed(const QString &message);

private:
    AppConfig m_config;
    QThread *m_collectorThread;
    QThread *m_ingestThread;
    QThread *m_apiThread;
    BronzeStore *m_bronze;
    RateBudget *m_budget;
    Watchlist *m_watchlist;
    GitHubPoller *m_poller;
    RepositoryWatcher *m_watcher;
    Pipeline *m_pipeline;
    ApiServer *m_api;
};
