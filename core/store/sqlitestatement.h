#pragma once

#include "store/connection.h"

#include <QByteArray>
#include <QByteArrayView>

#include <sqlite3.h>

// A statement prepared on a raw SQLite handle, for the hot paths that bypass QSqlQuery.
// Failures throw StoreUnavailable, with SQLite's message.
class SqliteStatement
{
public:
    SqliteStatement() = default;
    SqliteStatement(sqlite3 *db, const char *sql)
        : m_db(db)
    {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
            != SQLITE_OK)
            fail();
    }
    SqliteStatement(sqlite3 *db, const QByteArray &sql)
        : SqliteStatement(db, sql.constData())
    {
    }
    ~SqliteStatement() { sqlite3_finalize(m_statement); }
    SqliteStatement(SqliteStatement &&other) noexcept
        : m_db(std::exchange(other.m_db, nullptr))
        , m_statement(std::exchange(other.m_statement, nullptr))
    {
    }
    SqliteStatement &operator=(SqliteStatement &&other) noexcept
    {
        std::swap(m_db, other.m_db);
        std::swap(m_statement, other.m_statement);
        return *this;
    }
    operator sqlite3_stmt *() const { return m_statement; }

    SqliteStatement &bind(int index, qint64 value)
    {
        sqlite3_bind_int64(m_statement, index, value);
        return *this;
    }
    // The blob is not copied: it must outlive the statement's next step.
    SqliteStatement &bind(int index, QByteArrayView blob)
    {
        sqlite3_bind_blob64(m_statement, index, blob.data(), sqlite3_uint64(blob.size()),
                            SQLITE_STATIC);
        return *this;
    }
    // The next row: true while there is one.
    bool next()
    {
        const int result = sqlite3_step(m_statement);
        if (result != SQLITE_ROW && result != SQLITE_DONE)
            fail();
        return result == SQLITE_ROW;
    }
    // Runs a statement that returns no rows, then resets it for its next use.
    void run()
    {
        next();
        reset();
    }
    void reset() { sqlite3_reset(m_statement); }

    qint64 integer(int column) const { return sqlite3_column_int64(m_statement, column); }
    QByteArrayView blob(int column) const
    {
        const void *data = sqlite3_column_blob(m_statement, column);
        return {static_cast<const char *>(data), sqlite3_column_bytes(m_statement, column)};
    }
    QString text(int column) const
    {
        return QString::fromUtf8(
            reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column)),
            sqlite3_column_bytes(m_statement, column));
    }

private:
    [[noreturn]] void fail()
    {
        const QString message = QString::fromUtf8(sqlite3_errmsg(m_db));
        sqlite3_reset(m_statement);
        throw StoreUnavailable {message, false};
    }

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
};
