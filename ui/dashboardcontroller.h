#pragma once

#include "query/dashboardsnapshot.h"
#include "store/storelocation.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class DashboardWorker;
class QThread;

// Loads DashboardSnapshot on the given thread (with its own connection there) and hands
// it to the GUI. Refreshes are pushed by "gold changed", at most two a second. A window that
// follows now also moves with the clock, a sixtieth of the window at a time (5 s to a
// minute), when no event arrives: offline, or with a paused feed, its axis still ends now.
class DashboardController : public QObject
{
    Q_OBJECT

public:
    static constexpr int throttleMs = 500;

    // `thread` runs the reads; it belongs to the caller (Services in the app).
    DashboardController(const StoreLocation &location, int pullRequestHorizonDays, QThread *thread,
                        QObject *parent = nullptr);
    ~DashboardController() override;

    DashboardRequest request() const { return m_request; }
    const StoreLocation &location() const { return m_location; }
    void setRequest(const DashboardRequest &request); // refreshes at once
    void onGoldChanged(); // throttled refresh
    int loadsRequested() const { return m_loads; }

signals:
    void dataReady(const DashboardSnapshot &data);
    void repositoryNamesReady(const QStringList &names);
    void storeUnavailable(const QString &message);

private:
    void load();

    StoreLocation m_location;
    QPointer<DashboardWorker> m_worker; // deleted in its thread, when that thread ends
    DashboardRequest m_request;
    QTimer m_throttle;
    QTimer m_clock; // while the window follows now
    bool m_pending = false;
    int m_loads = 0;
};
