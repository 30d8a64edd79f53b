#pragma once

#include <QString>
#include <QUrl>

// Where silver and gold live: SQLite files under the data directory (the default), the
// `silver` and `gold` schemas of a PostgreSQL database, or a ClickHouse database (silver, with
// gold computed from it). Bronze is always under dataDir.
struct StoreLocation
{
    // A data directory alone is a complete SQLite location, hence not explicit.
    StoreLocation(const QString &dataDir = {}, const QUrl &databaseUrl = {})
        : dataDir(dataDir)
        , databaseUrl(databaseUrl)
    {
    }

    QString dataDir;
    // postgresql://user:password@host:port/database or
    // clickhouse://user:password@host:port/database[?cluster=NAME]; empty for SQLite
    QUrl databaseUrl;

    bool isPostgres() const { return !databaseUrl.isEmpty() && !isClickHouse(); }
    bool isClickHouse() const { return databaseUrl.scheme() == QLatin1StringView("clickhouse"); }
    // Shared by several processes: a team's database.
    bool isShared() const { return !databaseUrl.isEmpty(); }
    // For messages and logs: the database URL never shows its password.
    QString describe() const
    {
        return isShared() ? databaseUrl.toDisplayString(QUrl::RemovePassword) : dataDir;
    }
};
