#pragma once

#include "store/storelocation.h"

#include <QSqlDatabase>
#include <QString>

#include <functional>

class QSqlError;

// Raised by a read the store cannot answer: the server is unreachable, or the file is
// unreadable. Never answered as an empty list or a zero: the API turns it into 503 with
// Retry-After, the window into "Database unavailable".
struct StoreUnavailable
{
    QString message;
    bool connectionLost = false; // the connection is gone; a new one may succeed
};

// One thread's connection to silver and gold, for either backend, and the one reconnect
// policy: a connection found lost (libpq says so, or a statement failed with a connection
// error) is opened again on its next use, once per use; while that fails, every use
// fails with StoreUnavailable, and the one after tries again.
class Connection
{
public:
    Connection(const StoreLocation &location, const QString &purpose, bool readOnly);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Opens the connection now; false with `error` when it cannot be.
    bool open(QString *error);
    void close();
    bool isOpen() const { return m_database.isValid(); }
    bool isPostgres() const { return m_location.isPostgres(); }
    const StoreLocation &location() const { return m_location; }

    // The open connection, opened again first if it was lost. Throws StoreUnavailable.
    QSqlDatabase &database();
    // The connection as it is, never reopened: for a transaction already under way.
    QSqlDatabase &current() { return m_database; }
    // Called after each opening, to set the session up (staging tables, statements,
    // LISTEN); a failure fails the opening.
    using Setup = std::function<bool(QSqlDatabase &database, QString *error)>;
    void setAfterOpen(Setup setup) { m_afterOpen = std::move(setup); }
    // Called before the connection closes, so that statements prepared on it go first.
    void setBeforeClose(std::function<void()> callback) { m_beforeClose = std::move(callback); }

    // After a failed statement: marks the connection for opening again when `error` or
    // libpq says it is lost, and returns whether it did.
    bool noteFailure(const QSqlError &error);
    // The same, then throws StoreUnavailable.
    [[noreturn]] void fail(const QSqlError &error);
    // Opens the connection again on its next use, whatever the last error said.
    void markLost() { m_lost = true; }

    // Runs `body` (which reads through database()); when the connection turns out to be
    // lost, opens it again and runs `body` once more.
    template <typename Body> auto read(Body body)
    {
        try {
            return body();
        } catch (const StoreUnavailable &unavailable) {
            if (!unavailable.connectionLost)
                throw;
            return body();
        }
    }

private:
    StoreLocation m_location;
    QString m_purpose;
    bool m_readOnly;
    QSqlDatabase m_database;
    bool m_lost = false;
    Setup m_afterOpen;
    std::function<void()> m_beforeClose;
};
