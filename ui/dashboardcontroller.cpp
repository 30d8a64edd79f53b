#include "dashboardcontroller.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDashboard, "ghm.dashboard")

class DashboardWorker : public QObject
{
    Q_OBJECT

public:
    explicit DashboardWorker(const StoreLocation &location)
        : m_queries(location)
    {
    }

    void load(const DashboardRequest &request)
    {
        if (m_open)
            m_queries.reconnectIfLost(); // a shared server may have restarted
        if (!m_open) {
            QString error;
            m_open = m_queries.open(&error);
            if (!m_open) {
                qCWarning(lcDashboard).noquote() << "cannot read the stores:" << error;
                return;
            }
            emit repositoryNamesReady(m_queries.repositoryNames(QString(), 5000));
        }
        emit dataReady(DashboardData::load(m_queries, request));
    }

signals:
    void dataReady(const DashboardData &data);
    void repositoryNamesReady(const QStringList &names);

private:
    MetricsQueries m_queries;
    bool m_open = false;
};

DashboardController::DashboardController(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_worker(new DashboardWorker(location))
{
    m_thread.setObjectName(QStringLiteral("dashboard"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DashboardWorker::dataReady, this, &DashboardController::dataReady);
    connect(m_worker, &DashboardWorker::repositoryNamesReady, this,
            &DashboardController::repositoryNamesReady);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(throttleMs);
    connect(&m_throttle, &QTimer::timeout, this, [this] {
        if (std::exchange(m_pending, false))
            load();
    });
    m_thread.start();
}

DashboardController::~DashboardController()
{
    m_thread.quit();
    m_thread.wait();
}

void DashboardController::setRequest(const DashboardRequest &request)
{
    m_request = request;
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
    QMetaObject::invokeMethod(m_worker,
                              [worker = m_worker, request = m_request] { worker->load(request); });
}

#include "dashboardcontroller.moc"
