#pragma once

#include "config.h"
#include "githubpoller.h"

#include <QObject>

class BronzeStore;
class QThread;

// Wires the long-running parts, each on its own thread: the poller (collector thread).
// Used by both the GUI and --headless.
class Services : public QObject
{
    Q_OBJECT

public:
    explicit Services(const AppConfig &config, QObject *parent = nullptr);
    ~Services() override;

    void start();
    void stop();

signals:
    void pollerSnapshotChanged(const PollerSnapshot &snapshot);

private:
    AppConfig m_config;
    QThread *m_collectorThread;
    BronzeStore *m_bronze;
    GitHubPoller *m_poller;
};
