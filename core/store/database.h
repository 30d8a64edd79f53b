#pragma once

#include "store/storelocation.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

struct sqlite3;
struct pg_conn;

// Connections to the silver and gold stores. A QSqlDatabase connection belongs to the
// thread that opened it, so every reader and writer opens its own, under a unique name.
namespace Database {

QString silverPath(const QString &dataDir);
QString goldPath(const QString &dataDir);

// An error message when `url` cannot name a PostgreSQL database; empty when it can.
// Never repeats the password.
QString checkUrl(const QUrl &url);
// What SQLite's quick_check finds wrong with silver or gold, with the way out; empty when
// both are sound (and always on PostgreSQL, which checks its own pages). Opens a connection
// of its own, on the calling thread.
QString integrityProblem(const StoreLocation &location);

// SQLite: silver with gold attached as schema `gold`. PostgreSQL: the URL's database
// with `silver` first on the search path, so both dialects name tables alike: `events`,
// `gold.repos`. Returns an invalid database with `error` set on failure. `readOnly`
// connections refuse writes.
QSqlDatabase open(const StoreLocation &location, const QString &purpose, bool readOnly,
                  QString *error);
void close(QSqlDatabase &database);

bool isPostgres(const QSqlDatabase &database);
// False once libpq has seen the server drop a PostgreSQL connection (a restart, the
// network); such a connection must be opened again. SQLite connections stay connected.
bool isConnected(const QSqlDatabase &database);
// Whether `error` says the connection is gone: libpq may report the server's "terminating
// connection" while still calling the connection OK, until the next query fails.
bool isConnectionError(const QSqlError &error);
sqlite3 *handle(const QSqlDatabase &database);
// Process-wide SQLite settings; call before the first connection opens.
void configureSqlite();
// The libpq connection under a QPSQL connection, for what Qt does not offer (COPY).
pg_conn *postgresHandle(const QSqlDatabase &database);

} // namespace Database
