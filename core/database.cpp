#include "database.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {

QAtomicInteger<quint64> connectionCounter;

QString quoted(const QString &path)
{
    return u'\'' + QString(path).replace(u'\'', "''"_L1) + u'\'';
}

} // namespace

QString Database::silverPath(const QString &dataDir)
{
    return QDir(dataDir).absoluteFilePath(u"silver/github_events.db"_s);
}

QString Database::goldPath(const QString &dataDir)
{
    return QDir(dataDir).absoluteFilePath(u"gold/github_metrics.db"_s);
}

QSqlDatabase Database::open(const QString &dataDir, const QString &purpose, bool readOnly,
                            QString *error)
{
    const QString silver = silverPath(dataDir);
    const QString gold = goldPath(dataDir);
    for (const QString &path : {silver, gold}) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
            *error = u"cannot create folder %1"_s.arg(QFileInfo(path).absolutePath());
            return {};
        }
    }
    const QString name = u"ghm-%1-%2"_s.arg(purpose).arg(++connectionCounter);
    QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    database.setDatabaseName(silver);
    database.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!database.open()) {
        *error = u"cannot open %1: %2"_s.arg(silver, database.lastError().text());
        database = {};
        QSqlDatabase::removeDatabase(name);
        return {};
    }
    QSqlQuery query(database);
    const QStringList setup {
        u"PRAGMA journal_mode=WAL"_s,
        u"PRAGMA synchronous=NORMAL"_s,
        u"PRAGMA temp_store=MEMORY"_s,
        u"PRAGMA cache_size=-32000"_s,
        u"ATTACH DATABASE %1 AS gold"_s.arg(quoted(gold)),
        u"PRAGMA gold.journal_mode=WAL"_s,
        u"PRAGMA gold.synchronous=NORMAL"_s,
        u"PRAGMA gold.cache_size=-16000"_s,
    };
    for (const QString &statement : setup) {
        if (!query.exec(statement)) {
            *error = u"cannot set up %1: %2"_s.arg(silver, query.lastError().text());
            close(database);
            return {};
        }
    }
    if (readOnly)
        query.exec(u"PRAGMA query_only=1"_s);
    return database;
}

void Database::close(QSqlDatabase &database)
{
    const QString name = database.connectionName();
    database.close();
    database = {};
    QSqlDatabase::removeDatabase(name);
}

sqlite3 *Database::handle(const QSqlDatabase &database)
{
    const QVariant value = database.driver()->handle();
    return value.isValid() && qstrcmp(value.typeName(), "sqlite3*") == 0
        ? *static_cast<sqlite3 *const *>(value.constData())
        : nullptr;
}
