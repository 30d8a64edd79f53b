#pragma once

#include "store/clickhouseclient.h"
#include "store/storelocation.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

// A fresh store for one test: a temporary data directory and, when the suite runs on
// PostgreSQL (GHM_TEST_BACKEND=postgresql, cluster at GHM_TEST_DATABASE_URL) or ClickHouse
// (GHM_TEST_BACKEND=clickhouse, cluster at GHM_TEST_CLICKHOUSE_URL), a database of its own
// there, dropped at the end. CTest runs the store, query and API suites once per backend;
// scripts/with-postgres.sh and scripts/with-clickhouse.sh provide the clusters.
class TestStorage
{
public:
    TestStorage()
    {
        if (!onSharedDatabase() || clusterUrl().isEmpty())
            return;
        static QAtomicInteger<int> counter;
        m_database = QStringLiteral("ghm_test_%1_%2")
                         .arg(QCoreApplication::applicationPid())
                         .arg(++counter);
        if (!admin(QStringLiteral("CREATE DATABASE %1").arg(m_database)))
            m_database.clear();
    }
    ~TestStorage()
    {
        if (!m_database.isEmpty())
            admin(onClickHouse()
                      ? QStringLiteral("DROP DATABASE IF EXISTS %1").arg(m_database)
                      : QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_database));
    }
    TestStorage(const TestStorage &) = delete;
    TestStorage &operator=(const TestStorage &) = delete;

    static bool onPostgres() { return qgetenv("GHM_TEST_BACKEND") == "postgresql"; }
    static bool onClickHouse() { return qgetenv("GHM_TEST_BACKEND") == "clickhouse"; }
    static bool onSharedDatabase() { return onPostgres() || onClickHouse(); }
    static QUrl clusterUrl()
    {
        return QUrl(qEnvironmentVariable(onClickHouse() ? "GHM_TEST_CLICKHOUSE_URL"
                                                        : "GHM_TEST_DATABASE_URL"));
    }

    // False when the suite should run on a shared database but has none to run on.
    bool isValid() const
    {
        return m_dir.isValid() && (!onSharedDatabase() || !m_database.isEmpty());
    }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    StoreLocation location() const
    {
        if (m_database.isEmpty())
            return {m_dir.path()};
        QUrl url = clusterUrl();
        url.setPath(u'/' + m_database);
        return {m_dir.path(), url};
    }
    // For a child process: the command-line options naming this store.
    QStringList options() const
    {
        QStringList options {QStringLiteral("--data-dir"), path()};
        if (!m_database.isEmpty())
            options << QStringLiteral("--database-url") << location().databaseUrl.toString();
        return options;
    }

private:
    static bool admin(const QString &statement)
    {
        if (onClickHouse()) {
            QUrl url = clusterUrl();
            url.setPath(QStringLiteral("/default"));
            ClickHouseClient client(url);
            const bool ok = client.executeOnEveryShard(statement);
            if (!ok)
                qWarning() << "test cluster:" << statement << client.lastError();
            return ok;
        }
        const QString name = QStringLiteral("ghm-test-admin");
        bool ok = false;
        {
            QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            const QUrl url = clusterUrl();
            database.setHostName(url.host());
            database.setPort(url.port(5432));
            database.setUserName(url.userName());
            database.setPassword(url.password());
            database.setDatabaseName(url.path().mid(1));
            QSqlQuery query(database);
            ok = database.open() && query.exec(statement);
            if (!ok)
                qWarning() << "test cluster:" << statement << database.lastError().text()
                           << query.lastError().text();
        }
        QSqlDatabase::removeDatabase(name);
        return ok;
    }

    QTemporaryDir m_dir;
    QString m_database;
};

// First thing in a test that needs a store: skips a PostgreSQL or ClickHouse run that has
// no cluster, and fails one whose cluster cannot give it a database.
#define REQUIRE_STORAGE(storage)                                                                   \
    do {                                                                                           \
        if (TestStorage::onPostgres() && TestStorage::clusterUrl().isEmpty())                      \
            QSKIP("GHM_TEST_BACKEND=postgresql needs a cluster in GHM_TEST_DATABASE_URL: run "     \
                  "the suite through scripts/with-postgres.sh (make test does)");                  \
        if (TestStorage::onClickHouse() && TestStorage::clusterUrl().isEmpty())                    \
            QSKIP("GHM_TEST_BACKEND=clickhouse needs a cluster in GHM_TEST_CLICKHOUSE_URL: run "   \
                  "the suite through scripts/with-clickhouse.sh (make test does)");                \
        QVERIFY2((storage).isValid(), "cannot create a database on the test cluster");             \
    } while (false)

#define SKIP_ON_POSTGRES(why)                                                                      \
    do {                                                                                           \
        if (TestStorage::onSharedDatabase())                                                       \
            QSKIP("SQLite only: " why);                                                            \
    } while (false)

// A test of what the ClickHouse back end does not keep (see the README), or of another
// back end's tables.
#define SKIP_ON_CLICKHOUSE(why)                                                                    \
    do {                                                                                           \
        if (TestStorage::onClickHouse())                                                           \
            QSKIP("not on ClickHouse: " why);                                                      \
    } while (false)
