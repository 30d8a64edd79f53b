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
    if (location.isClickHouse()) {
        m_clickHouse = std::make_unique<ClickHouseClient>(location.databaseUrl);
        m_health.setInterval(pollMs);
        connect(&m_health, &QTimer::timeout, this, &ChangeListener::readChangeMarker);
        return;
    }
    m_connection.setAfterOpen(
        [this](QSqlDatabase &database, QString *error) { return listen(database, error); });
    m_health.setInterval(retryMs);
    connect(&m_health, &QTimer::timeout, this, &ChangeListener::check);
}

ChangeListener::~ChangeListener() = default;

void ChangeListener::start()
{
    if (m_clickHouse) {
        readChangeMarker();
        m_health.start();
        return;
    }
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
    reachable();
    return true;
}

void ChangeListener::reachable()
{
    emit listening();
    // Commits may have been missed while no connection listened: ask for a full refresh.
    if (std::exchange(m_listened, true))
        emit goldChanged(-1, -1);
}

// The batches committed since the newest one seen, and the span of their new events.
void ChangeListener::readChangeMarker()
{
    const auto rows
        = m_clickHouse->select(uR"(SELECT count(), max(committed_at), countIf(first_at >= 0),
                   minIf(first_at, first_at >= 0), maxIf(last_at, last_at >= 0)
            FROM batches WHERE committed_at > %1)"_s.arg(m_lastCommitMs));
    if (!rows) {
        if (std::exchange(m_reachable, false) || !m_listened)
            emit connectionLost(m_clickHouse->lastError());
        return;
    }
    if (!std::exchange(m_reachable, true))
        reachable();
    const ClickHouseClient::Row row = rows->value(0);
    const bool first = m_lastCommitMs < 0;
    if (row.value(0).toLongLong() == 0) {
        m_lastCommitMs = std::max<qint64>(m_lastCommitMs, 0);
        return;
    }
    m_lastCommitMs = row.value(1).toLongLong();
    if (first)
        return; // what was there before is what the viewer read first
    if (row.value(2).toLongLong() > 0)
        emit goldChanged(row.value(3).toLongLong(), row.value(4).toLongLong());
    else
        emit goldChanged(-1, -1); // a batch of no new events may still record an hour
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
