#pragma once

#include "config.h"
#include "githubpoller.h"

#include <QObject>

class BronzeStore;
class Pipeline;
class QThread;

// Wires the long-running parts, each on its own thread: the poller (collector thread)
// and the bronze -> silver -> gold pipeline (ingest thread). Used by both the GUI and
// --headless.
class Services : public QObject
{
    Q_OBJECT

public:
    explicit Services(const AppConfig &config, QObject *parent = nullptr);
    ~Services() override;

    void start();
    void stop();

    Pipeline *pipeline() const { return m_pipeline; }

signals:
    void pollerSnapshotChanged(const PollerSnapshot &snapshot);
    void goldChanged(qint64 fromSeconds, qint64 toSeconds);

private:
    AppConfig m_config;
    QThread *m_collectorThread;
    QThread *m_ingestThread;
    BronzeStore *m_bronze;
    GitHubPoller *m_poller;
    Pipeline *m_pipeline;
};
