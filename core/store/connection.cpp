#include "store/connection.h"

#include "store/database.h"

#include <QLoggingCategory>
#include <QSqlError>

Q_LOGGING_CATEGORY(lcConnection, "ghm.store")

Connection::Connection(const StoreLocation &location, const QString &purpose, bool readOnly)
    : m_location(location)
    , m_purpose(purpose)
    , m_readOnly(readOnly)
{
}

Connection::~Connection()
{
    close();
}

bool Connection::open(QString *error)
{
    close();
    m_database = Database::open(m_location, m_purpose, m_readOnly, error);
    m_lost = false;
    if (!m_database.isValid())
        return false;
    if (m_afterOpen && !m_afterOpen(m_database, error)) {
        close();
        return false;
    }
    return true;
}

void Connection::close()
{
    if (!m_database.isValid())
        return;
    if (m_beforeClose)
        m_beforeClose();
    Database::close(m_database);
}

QSqlDatabase &Connection::database()
{
    if (m_database.isValid() && !m_lost && Database::isConnected(m_database))
        return m_database;
    if (m_database.isValid())
        qCWarning(lcConnection).noquote()
            << "lost the connection to" << m_location.describe() << "; reconnecting";
    QString error;
    if (!open(&error))
        throw StoreUnavailable {error, true};
    return m_database;
}

bool Connection::noteFailure(const QSqlError &error)
{
    const bool lost = Database::isConnectionError(error)
        || (m_database.isValid() && !Database::isConnected(m_database));
    m_lost = m_lost || lost;
    return lost;
}

void Connection::fail(const QSqlError &error)
{
    const bool lost = noteFailure(error);
    const QString text = error.text().trimmed();
    throw StoreUnavailable {text.isEmpty() ? QStringLiteral("the store did not answer") : text,
                            lost};
}
