#pragma once

#include "dashboardsnapshot.h"
#include "storelocation.h"

#include <QObject>
#include <QThread>
#include <QTimer>

class DashboardWorker;

// Loads DashboardSnapshot on a thread of its own (with its own connection) and hands it to
// the GUI. Refreshes are pushed by "gold changed", at most two a second; nothing polls.
class DashboardController : public QObject
{
    Q_OBJECT

public:
    static constexpr int throttleMs = 500;

    explicit DashboardController(const StoreLocation &location, QObject *parent = nullptr);
    ~DashboardController() override;

    DashboardRequest request() const { return m_request; }
    void setRequest(const DashboardRequest &request); // refreshes at once
    void onGoldChanged(); // throttled refresh
    int loadsRequested() const { return m_loads; }

signals:
    void dataReady(const DashboardSnapshot &data);
    void repositoryNamesReady(const QStringList &names);
    void storeUnavailable(const QString &message);

private:
    void load();

    QThread m_thread;
    DashboardWorker *m_worker;
    DashboardRequest m_request;
    QTimer m_throttle;
    bool m_pending = false;
    int m_loads = 0;
};
