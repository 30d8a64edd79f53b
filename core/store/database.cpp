#include "store/database.h"

#include "store/clickhouseclient.h"
#include "store/repoindexwriter.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrlQuery>

#include <libpq-fe.h>
#include <sqlite3.h>

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

QString Database::checkUrl(const QUrl &url)
{
    if (url.scheme() == "clickhouse"_L1)
        return ClickHouseClient::checkUrl(url);
    if (url.scheme() != "postgresql"_L1 && url.scheme() != "postgres"_L1)
        return u"the database URL must start with postgresql:// or clickhouse://"_s;
    if (!url.isValid() || url.path().size() < 2)
        return u"the database URL must name a database: "
               "postgresql://user:password@host:port/database"_s;
    return {};
}

namespace {

QString uniqueName(const QString &purpose)
{
    return u"ghm-%1-%2"_s.arg(purpose).arg(++connectionCounter);
}

QSqlDatabase openSqlite(const QString &dataDir, const QString &purpose, bool readOnly,
                        QString *error)
{
    const QString silver = Database::silverPath(dataDir);
    const QString gold = Database::goldPath(dataDir);
    for (const QString &path : {silver, gold}) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
            *error = u"cannot create folder %1"_s.arg(QFileInfo(path).absolutePath());
            return {};
        }
    }
    const QString name = uniqueName(purpose);
    QSqlDatabase database = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    database.setDatabaseName(silver);
    database.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!database.open()) {
        *error = u"cannot open %1: %2"_s.arg(silver, database.lastError().text());
        Database::close(database);
        return {};
    }
    QSqlQuery query(database);
    QStringList setup {
        u"PRAGMA journal_mode=WAL"_s,
        u"PRAGMA synchronous=NORMAL"_s,
        u"PRAGMA temp_store=MEMORY"_s,
        u"PRAGMA cache_size=-32000"_s,
        u"ATTACH DATABASE %1 AS gold"_s.arg(quoted(gold)),
        u"PRAGMA gold.journal_mode=WAL"_s,
        u"PRAGMA gold.synchronous=NORMAL"_s,
        u"PRAGMA gold.cache_size=-16000"_s,
    };
    // Readers seek watched scopes in the repository index, which writers make. Writers leave
    // it alone: their BEGIN IMMEDIATE would lock it against the thread that writes it.
    if (readOnly)
        setup << u"ATTACH DATABASE %1 AS repo_index"_s.arg(quoted(RepoIndexWriter::path(dataDir)));
    for (const QString &statement : setup) {
        if (!query.exec(statement)) {
            *error = u"cannot set up %1: %2"_s.arg(silver, query.lastError().text());
            Database::close(database);
            return {};
        }
    }
    if (readOnly)
        query.exec(u"PRAGMA query_only=1"_s);
    return database;
}

QSqlDatabase openPostgres(const QUrl &url, const QString &purpose, bool readOnly, QString *error)
{
    const QString where = url.toDisplayString(QUrl::RemovePassword);
    if (const QString problem = Database::checkUrl(url); !problem.isEmpty()) {
        *error = problem;
        return {};
    }
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        *error = u"cannot reach %1: Qt's PostgreSQL driver is not installed "
                 "(Debian package libqt6sql6-psql)"_s.arg(where);
        return {};
    }
    const QString name = uniqueName(purpose);
    QSqlDatabase database = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    database.setHostName(url.host());
    database.setPort(url.port(5432));
    database.setUserName(url.userName());
    database.setPassword(url.password());
    database.setDatabaseName(url.path().mid(1));
    // The URL's query items (sslmode=require, ...) are libpq connection options.
    QStringList options {u"connect_timeout=10"_s, u"application_name=ghmonitor-"_s + purpose};
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        options << key + u'=' + value;
    database.setConnectOptions(options.join(u';'));
    if (!database.open()) {
        *error = u"cannot connect to %1: %2"_s.arg(where, database.lastError().text().trimmed());
        Database::close(database);
        return {};
    }
    QSqlQuery query(database);
    // NOTICEs ("schema already exists, skipping") would reach stderr through libpq.
    QStringList setup {u"SET search_path TO silver"_s, u"SET client_min_messages TO warning"_s};
    if (readOnly)
        setup << u"SET default_transaction_read_only = on"_s;
    for (const QString &statement : setup) {
        if (!query.exec(statement)) {
            *error = u"cannot set up %1: %2"_s.arg(where, query.lastError().text());
            Database::close(database);
            return {};
        }
    }
    return database;
}

} // namespace

QSqlDatabase Database::open(const StoreLocation &location, const QString &purpose, bool readOnly,
                            QString *error)
{
    return location.isPostgres() ? openPostgres(location.databaseUrl, purpose, readOnly, error)
                                 : openSqlite(location.dataDir, purpose, readOnly, error);
}

void Database::close(QSqlDatabase &database)
{
    const QString name = database.connectionName();
    database.close();
    database = {};
    QSqlDatabase::removeDatabase(name);
}

bool Database::isPostgres(const QSqlDatabase &database)
{
    return database.driverName() == "QPSQL"_L1;
}

bool Database::isConnected(const QSqlDatabase &database)
{
    if (!isPostgres(database))
        return database.isOpen();
    PGconn *connection = postgresHandle(database);
    return connection && PQstatus(connection) == CONNECTION_OK;
}

pg_conn *Database::postgresHandle(const QSqlDatabase &database)
{
    const QVariant handle = database.driver()->handle();
    // QPSQL hands out its PGconn, registered under the struct's own name.
    return handle.isValid() && qstrcmp(handle.typeName(), "pg_conn*") == 0
        ? *static_cast<PGconn *const *>(handle.constData())
        : nullptr;
}

bool Database::isConnectionError(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    return error.type() == QSqlError::ConnectionError || state.startsWith("08"_L1)
        || state == "57P01"_L1 || state == "57P02"_L1 || state == "57P03"_L1;
}

sqlite3 *Database::handle(const QSqlDatabase &database)
{
    const QVariant value = database.driver()->handle();
    return value.isValid() && qstrcmp(value.typeName(), "sqlite3*") == 0
        ? *static_cast<sqlite3 *const *>(value.constData())
        : nullptr;
}

// SQLite keeps memory statistics under a global mutex taken on every allocation, for
// figures nothing here reads.
void Database::configureSqlite()
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

QString Database::integrityProblem(const StoreLocation &location)
{
    if (location.isPostgres())
        return {};
    QString error;
    QSqlDatabase database = open(location, u"integrity"_s, true, &error);
    if (!database.isValid())
        return error.isEmpty() ? QString() : error + u"; run ghmonitor --rebuild"_s;
    QString problem;
    for (const char *schema : {"main", "gold"}) {
        QSqlQuery query(database);
        const bool ran = query.exec(u"PRAGMA %1.quick_check(1)"_s.arg(QLatin1StringView(schema)));
        const QString answer
            = ran && query.next() ? query.value(0).toString() : query.lastError().text();
        if (answer != "ok"_L1 && problem.isEmpty())
            problem = u"%1 is damaged (%2): run ghmonitor --rebuild to make it again from "
                      "bronze"_s.arg(QString::fromLatin1(schema) == "main"_L1
                                         ? silverPath(location.dataDir)
                                         : goldPath(location.dataDir),
                                     answer.simplified().left(200));
    }
    close(database);
    return problem;
}
