#pragma once

#include <QString>
#include <QUrl>

// Where silver and gold live: SQLite files under the data directory (the default), or the
// `silver` and `gold` schemas of a PostgreSQL database. Bronze is always under dataDir.
struct StoreLocation
{
    // A data directory alone is a complete SQLite location, hence not explicit.
    StoreLocation(const QString &dataDir = {}, const QUrl &databaseUrl = {})
        : dataDir(dataDir)
        , databaseUrl(databaseUrl)
    {
    }

    QString dataDir;
    QUrl databaseUrl; // postgresql://user:password@host:port/database, empty for SQLite

    bool isPostgres() const { return !databaseUrl.isEmpty(); }
    // For messages and logs: the database URL never shows its password.
    QString describe() const
    {
        return isPostgres() ? databaseUrl.toDisplayString(QUrl::RemovePassword) : dataDir;
    }
};
