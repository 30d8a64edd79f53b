#include "store/walcheckpointer.h"

#include "store/database.h"

#include <QLoggingCategory>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCheckpoint, "ghm.store.checkpoint")

WalCheckpointer::WalCheckpointer(const QString &dataDir)
    : m_dataDir(dataDir)
    , m_thread([this] { run(); })
{
}

WalCheckpointer::~WalCheckpointer()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void WalCheckpointer::committed()
{
    {
        const std::lock_guard lock(m_mutex);
        m_pending = true;
    }
    m_wake.notify_one();
}

void WalCheckpointer::run()
{
    QString error;
    QSqlDatabase database
        = Database::open(StoreLocation(m_dataDir), u"checkpoint"_s, false, &error);
    sqlite3 *db = Database::handle(database);
    if (!db)
        qCWarning(lcCheckpoint).noquote() << "cannot open a connection to checkpoint:" << error;
    for (bool stopping = false; !stopping;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_pending || m_stop; });
            m_pending = false;
            stopping = m_stop;
        }
        if (!db)
            continue;
        // Null: every attached database, silver and gold. Busy: another connection is
        // checkpointing.
        const int result
            = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (result != SQLITE_OK && result != SQLITE_BUSY)
            qCWarning(lcCheckpoint) << "checkpoint failed:" << sqlite3_errmsg(db);
    }
    Database::close(database);
}
