#include "store/repoindexwriter.h"

#include "store/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <sqlite3.h>

#include <chrono>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcRepoIndex, "ghm.store.repoindex")

namespace {

const char *const createMeta
    = "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID";
const char *const createIndex = R"(CREATE TABLE IF NOT EXISTS events_by_repo(
    hour INTEGER NOT NULL, repo_key TEXT NOT NULL, at INTEGER NOT NULL,
    event_id INTEGER NOT NULL, PRIMARY KEY(hour, repo_key, at, event_id)) WITHOUT ROWID)";

const char *const insertEntry = "INSERT OR IGNORE INTO events_by_repo VALUES(?1, ?2, ?3, ?4)";
const char *const nextSequence = "INSERT INTO meta VALUES('sequence', 1) "
                                 "ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value";

// SQLite's lower(): ASCII letters only, which the readers' conditions use too.
void appendLowerAscii(QByteArray &keys, std::string_view name)
{
    for (const char c : name)
        keys.append(c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c);
}

bool exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::optional<qint64> singleInteger(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *statement = nullptr;
    std::optional<qint64> value;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW
        && sqlite3_column_type(statement, 0) != SQLITE_NULL) {
        value = sqlite3_column_int64(statement, 0);
        sqlite3_step(statement); // an upsert's RETURNING runs to its end
    }
    sqlite3_finalize(statement);
    return value;
}

// A connection to the index's file alone, set up; null with `error` when it cannot be.
sqlite3 *openIndex(const QString &path, QString *error)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = u"cannot create folder %1"_s.arg(QFileInfo(path).absolutePath());
        return nullptr;
    }
    sqlite3 *db = nullptr;
    const int opened = sqlite3_open_v2(
        QFile::encodeName(path).constData(), &db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    bool ok = opened == SQLITE_OK && sqlite3_busy_timeout(db, 5000) == SQLITE_OK;
    // Another process may be making the file: switching to WAL waits for no busy handler.
    bool wal = false;
    for (int attempt = 0; ok && !wal && attempt < 50; ++attempt) {
        wal = exec(db, "PRAGMA journal_mode=WAL");
        if (!wal)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // The tables under a write lock taken at once, through the busy handler.
    // A batch touches every page of its hour in the index, about 10 MB at GitHub's shape: kept
    // in the cache, not read and spilled again (SQLite's default cache is 2 MB).
    ok = ok && wal && exec(db, "PRAGMA synchronous=NORMAL") && exec(db, "PRAGMA cache_size=-32000")
        && exec(db, "BEGIN IMMEDIATE") && exec(db, createMeta) && exec(db, createIndex)
        && exec(db, "COMMIT");
    if (!ok) {
        *error = u"cannot open %1: %2"_s.arg(path, QString::fromUtf8(sqlite3_errmsg(db)));
        sqlite3_close(db);
        return nullptr;
    }
    return db;
}

} // namespace

RepoIndexWriter::RepoIndexWriter(const QString &dataDir)
    : m_dataDir(dataDir)
    , m_thread([this] { run(); })
{
}

RepoIndexWriter::~RepoIndexWriter()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

QString RepoIndexWriter::path(const QString &dataDir)
{
    return QDir(dataDir).absoluteFilePath(u"silver/events_by_repo.db"_s);
}

bool RepoIndexWriter::catchUp(const QString &dataDir, std::optional<qint64> indexed,
                              bool silverHasEvents, QString *error)
{
    sqlite3 *db = openIndex(path(dataDir), error);
    if (!db)
        return false;
    const std::optional<qint64> sequence
        = singleInteger(db, "SELECT value FROM meta WHERE key = 'sequence'");
    const bool behind = indexed ? sequence.value_or(0) < *indexed : silverHasEvents && !sequence;
    if (!behind) {
        sqlite3_close(db);
        return true;
    }
    qCWarning(lcRepoIndex) << "the repository index is behind silver - building it again";
    const QByteArray attach = "ATTACH DATABASE '"
        + QFile::encodeName(Database::silverPath(dataDir)).replace('\'', "''") + "' AS silver";
    const QByteArray fill
        = "INSERT INTO events_by_repo SELECT created_at / 3600, lower(repo_name), created_at, id "
          "FROM silver.events ORDER BY 1, 2, 3, 4"; // appended in key order, not scattered
    const QByteArray record = "INSERT INTO meta VALUES('sequence', "
        + QByteArray::number(std::max<qint64>(indexed.value_or(0), 1))
        + ") ON CONFLICT DO UPDATE SET value = MAX(value, excluded.value)";
    const bool ok = exec(db, attach.constData()) && exec(db, "BEGIN")
        && exec(db, "DELETE FROM events_by_repo") && exec(db, fill.constData())
        && exec(db, record.constData()) && exec(db, "COMMIT");
    if (!ok) {
        *error
            = u"cannot build the repository index: %1"_s.arg(QString::fromUtf8(sqlite3_errmsg(db)));
        exec(db, "ROLLBACK");
    }
    sqlite3_close(db);
    return ok;
}

void RepoIndexWriter::add(qint64 createdAt, std::string_view repoName, qint64 eventId)
{
    m_open.entries.push_back(
        {createdAt, eventId, quint32(m_open.keys.size()), quint32(repoName.size())});
    appendLowerAscii(m_open.keys, repoName);
    if (m_open.entries.size() >= chunkEntries)
        send(false);
}

void RepoIndexWriter::send(bool commits)
{
    m_open.commits = commits;
    {
        const std::lock_guard lock(m_mutex);
        m_queue.push_back(std::exchange(m_open, {}));
    }
    m_wake.notify_one();
}

void RepoIndexWriter::sendCommit()
{
    send(true);
}

std::optional<qint64> RepoIndexWriter::awaitCommit(QString *error)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_outcomes.empty(); });
    const Outcome outcome = m_outcomes.front();
    m_outcomes.pop_front();
    if (!outcome.sequence)
        *error = outcome.error;
    return outcome.sequence;
}

void RepoIndexWriter::discard()
{
    m_open = {};
}

void RepoIndexWriter::run()
{
    QString openError;
    const bool opened = openConnection(&openError);
    bool ok = true;
    bool inBatch = false;
    for (;;) {
        Chunk chunk;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return !m_queue.empty() || m_stop; });
            if (m_queue.empty())
                break;
            chunk = std::move(m_queue.front());
            m_queue.pop_front();
        }
        if (opened && !std::exchange(inBatch, true))
            ok = exec(m_db, "BEGIN");
        ok = ok && opened && insert(chunk);
        if (!chunk.commits)
            continue;
        Outcome outcome = opened ? finishBatch(ok) : Outcome {{}, openError};
        inBatch = false;
        ok = true;
        {
            const std::lock_guard lock(m_mutex);
            m_outcomes.push_back(std::move(outcome));
        }
        m_wake.notify_all();
        // After the writer has its answer: a checkpoint syncs the file, tens of milliseconds.
        if (opened)
            sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    if (inBatch)
        exec(m_db, "ROLLBACK");
    sqlite3_close(m_db);
}

bool RepoIndexWriter::openConnection(QString *error)
{
    m_db = openIndex(path(m_dataDir), error);
    if (!m_db) {
        qCWarning(lcRepoIndex).noquote() << *error;
        return false;
    }
    sqlite3_wal_autocheckpoint(m_db, 0); // run() checkpoints once each batch is answered
    return true;
}

bool RepoIndexWriter::insert(const Chunk &chunk)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(m_db, insertEntry, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
        != SQLITE_OK)
        return false;
    bool ok = true;
    for (const Entry &entry : chunk.entries) {
        sqlite3_bind_int64(statement, 1, entry.createdAt / 3600);
        sqlite3_bind_text(statement, 2, chunk.keys.constData() + entry.keyOffset,
                          int(entry.keyLength), SQLITE_STATIC);
        sqlite3_bind_int64(statement, 3, entry.createdAt);
        sqlite3_bind_int64(statement, 4, entry.eventId);
        ok = sqlite3_step(statement) == SQLITE_DONE;
        sqlite3_reset(statement);
        if (!ok)
            break;
    }
    sqlite3_finalize(statement);
    return ok;
}

// Commits the batch with the next sequence number, or rolls it back.
RepoIndexWriter::Outcome RepoIndexWriter::finishBatch(bool ok)
{
    Outcome outcome;
    if (ok)
        outcome.sequence = singleInteger(m_db, nextSequence);
    if (outcome.sequence && exec(m_db, "COMMIT"))
        return outcome;
    outcome = {{}, u"cannot write the repository index: %1"_s.arg(lastError())};
    exec(m_db, "ROLLBACK");
    return outcome;
}

QString RepoIndexWriter::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}
