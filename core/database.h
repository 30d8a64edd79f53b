#pragma once

#include <QSqlDatabase>
#include <QString>

struct sqlite3;

// SQLite connections to the silver and gold stores. A QSqlDatabase connection belongs to
// the thread that opened it, so every reader and writer opens its own, under a unique name.
namespace Database {

QString silverPath(const QString &dataDir);
QString goldPath(const QString &dataDir);

// Opens silver with gold attached as schema `gold`. Returns an invalid database with
// `error` set on failure. `readOnly` connections refuse writes (`PRAGMA query_only`).
QSqlDatabase open(const QString &dataDir, const QString &purpose, bool readOnly, QString *error);
void close(QSqlDatabase &database);

sqlite3 *handle(const QSqlDatabase &database);

} // namespace Database
