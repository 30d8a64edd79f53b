#include "changelistener.h"

#include "database.h"
#include "postgreseventstore.h"

#include <QLoggingCategory>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcListener, "ghm.listener")

ChangeListener::ChangeListener(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_location(location)
    , m_health(this)
{
    m_health.setInterval(retryMs);
    connect(&m_health, &QTimer::timeout, this, &ChangeListener::check);
}

ChangeListener::~ChangeListener()
{
    if (m_database.isValid())
        Database::close(m_database);
}

void ChangeListener::start()
{
    if (connectAndListen())
        emit listening();
    m_health.start();
}

bool ChangeListener::connectAndListen()
{
    if (m_database.isValid())
        Database::close(m_database);
    QString error;
    m_database = Database::open(m_location, u"listener"_s, true, &error);
    QSqlDriver *driver = m_database.isValid() ? m_database.driver() : nullptr;
    if (!driver || !driver->subscribeToNotification(PostgresEventStore::notificationChannel())) {
        if (error.isEmpty())
            error = u"cannot listen for changes on %1"_s.arg(m_location.describe());
        emit connectionLost(error);
        return false;
    }
    connect(driver, &QSqlDriver::notification, this, &ChangeListener::onNotification);
    m_connected = true;
    return true;
}

// A notification socket stays silent when the server goes away: a cheap query tells.
void ChangeListener::check()
{
    if (m_connected && QSqlQuery(u"SELECT 1"_s, m_database).isActive())
        return;
    if (m_connected)
        qCWarning(lcListener).noquote() << "lost" << m_location.describe() << "; reconnecting";
    m_connected = false;
    if (connectAndListen()) {
        emit listening();
        emit goldChanged(-1, -1);
    }
}

void ChangeListener::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                    const QVariant &payload)
{
    if (name != PostgresEventStore::notificationChannel())
        return;
    const QStringList span = payload.toString().split(u' ');
    emit goldChanged(span.value(0, u"-1"_s).toLongLong(), span.value(1, u"-1"_s).toLongLong());
}
