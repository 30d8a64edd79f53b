#pragma once

#include "store/storelocation.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

// A fresh store for one test: a temporary data directory and, when the suite runs on
// PostgreSQL (GHM_TEST_BACKEND=postgresql, cluster at GHM_TEST_DATABASE_URL), a database
// of its own there, dropped at the end. CTest runs the store, query and API suites once
// per backend; scripts/with-postgres.sh provides the cluster.
class TestStorage
{
public:
    TestStorage()
    {
        if (!onPostgres() || clusterUrl().isEmpty())
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
            admin(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_database));
    }
    TestStorage(const TestStorage &) = delete;
    TestStorage &operator=(const TestStorage &) = delete;

    static bool onPostgres() { return qgetenv("GHM_TEST_BACKEND") == "postgresql"; }
    static QUrl clusterUrl() { return QUrl(qEnvironmentVariable("GHM_TEST_DATABASE_URL")); }

    // False when the suite should run on PostgreSQL but has no cluster to run on.
    bool isValid() const { return m_dir.isValid() && (!onPostgres() || !m_database.isEmpty()); }
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

// First thing in a test that needs a store: skips a PostgreSQL run that has no cluster,
// and fails one whose cluster cannot give it a database.
#define REQUIRE_STORAGE(storage)                                                                   \
    do {                                                                                           \
        if (TestStorage::onPostgres() && TestStorage::clusterUrl().isEmpty())                      \
            QSKIP("GHM_TEST_BACKEND=postgresql needs a cluster in GHM_TEST_DATABASE_URL: run "     \
                  "the suite through scripts/with-postgres.sh (make test does)");                  \
        QVERIFY2((storage).isValid(), "cannot create a database on the test cluster");             \
    } while (false)

#define SKIP_ON_POSTGRES(why)                                                                      \
    do {                                                                                           \
        if (TestStorage::onPostgres())                                                             \
            QSKIP("SQLite only: " why);                                                            \
    } while (false)
