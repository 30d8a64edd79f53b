#include "dashboardcontroller.h"

#include "query/metricsqueries.h"

#include <QLoggingCategory>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcDashboard, "ghm.dashboard")

class DashboardWorker : public QObject
{
    Q_OBJECT

public:
    DashboardWorker(const StoreLocation &location, int pullRequestHorizonDays)
        : m_queries(location, pullRequestHorizonDays)
    {
    }

    void load(const DashboardRequest &request)
    {
        try {
            if (!std::exchange(m_namesLoaded, true))
                emit repositoryNamesReady(m_queries.repositoryNames(QString(), 5000));
            emit dataReady(DashboardSnapshot::load(m_queries, request));
        } catch (const StoreUnavailable &unavailable) {
            m_namesLoaded = false;
            qCWarning(lcDashboard).noquote() << "cannot read the stores:" << unavailable.message;
            emit storeUnavailable(unavailable.message);
        }
    }

signals:
    void dataReady(const DashboardSnapshot &data);
    void repositoryNamesReady(const QStringList &names);
    void storeUnavailable(const QString &message);

private:
    MetricsQueries m_queries;
    bool m_namesLoaded = false;
};

DashboardController::DashboardController(const StoreLocation &location, int pullRequestHorizonDays,
                                         QThread *thread, QObject *parent)
    : QObject(parent)
    , m_location(location)
    , m_worker(new DashboardWorker(location, pullRequestHorizonDays))
{
    m_worker->moveToThread(thread);
    connect(thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DashboardWorker::dataReady, this, &DashboardController::dataReady);
    connect(m_worker, &DashboardWorker::repositoryNamesReady, this,
            &DashboardController::repositoryNamesReady);
    connect(m_worker, &DashboardWorker::storeUnavailable, this,
            &DashboardController::storeUnavailable);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(throttleMs);
    connect(&m_throttle, &QTimer::timeout, this, [this] {
        if (std::exchange(m_pending, false))
            load();
    });
    connect(&m_clock, &QTimer::timeout, this, &DashboardController::onGoldChanged);
}

// The worker's connection belongs to its thread: it is deleted there, after any load
// already queued, or when that thread ends.
DashboardController::~DashboardController()
{
    if (m_worker)
        m_worker->deleteLater();
}

void DashboardController::setRequest(const DashboardRequest &request)
{
    m_request = request;
    if (request.followNow && !request.at.isValid()) {
        // A sixtieth of the window: the axis moves a pixel or so at a time.
        m_clock.start(int(std::clamp<qint64>(request.minutes, 5, 60) * 1000));
    } else {
        m_clock.stop();
    }
    load();
}

void DashboardController::onGoldChanged()
{
    if (m_throttle.isActive()) {
        m_pending = true;
        return;
    }
    load();
}

void DashboardController::load()
{
    ++m_loads;
    m_throttle.start();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker.data(), request = m_request] { worker->load(request); });
}

#include "dashboardcontroller.moc"
