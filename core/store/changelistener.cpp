#include "store/changelistener.h"

#include "store/postgreseventstore.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcListener, "ghm.listener")

ChangeListener::ChangeListener(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_connection(location, u"listener"_s, true)
    , m_health(this)
{
    m_connection.setAfterOpen(
        [this](QSqlDatabase &database, QString *error) { return listen(database, error); });
    m_health.setInterval(retryMs);
    connect(&m_health, &QTimer::timeout, this, &ChangeListener::check);
}

ChangeListener::~ChangeListener() = default;

void ChangeListener::start()
{
    QString error;
    if (!m_connection.open(&error))
        emit connectionLost(error);
    m_health.start();
}

// Every connection the listener opens, first or again, subscribes before it is used.
bool ChangeListener::listen(QSqlDatabase &database, QString *error)
{
    QSqlDriver *driver = database.driver();
    if (!driver->subscribeToNotification(PostgresEventStore::notificationChannel())) {
        *error = u"cannot listen for changes on %1"_s.arg(m_connection.location().describe());
        return false;
    }
    connect(driver, &QSqlDriver::notification, this, &ChangeListener::onNotification);
    emit listening();
    // Commits may have been missed while no connection listened: ask for a full refresh.
    if (std::exchange(m_listened, true))
        emit goldChanged(-1, -1);
    return true;
}

// A notification socket stays silent when the server goes away: a cheap query tells, and
// the connection's policy opens a new one.
void ChangeListener::check()
{
    try {
        m_connection.read([this] {
            QSqlQuery probe(m_connection.database());
            if (!probe.exec(u"SELECT 1"_s))
                m_connection.fail(probe.lastError());
        });
    } catch (const StoreUnavailable &unavailable) {
        emit connectionLost(unavailable.message);
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
