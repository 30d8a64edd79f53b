#include "store/postgresbatchwriter.h"

#include "store/countblock.h"
#include "store/postgresrepoblocks.h"

#include "store/connection.h"
#include "store/database.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <libpq-fe.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWriter, "ghm.store.postgres")

namespace {

// Per-connection staging tables that COPY fills and each commit empties. COPY is the
// server's cheapest way in: it skips the SQL lexer and array parsing that bound values
// cost (together half the server's time per batch, measured), and rolls back with the
// transaction like any insert.
const char *const staging[] = {
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_events(
        id bigint, type text COLLATE "C", action text, actor_id bigint, actor_login text,
        repo_id bigint, repo_name text COLLATE "C", org_login text, created_at bigint,
        public smallint, pr_number bigint, source_id bigint, arrived_at bigint)
        ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_type_minutes(
        minute bigint, type text COLLATE "C", events bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_repos(
        name text COLLATE "C", events bigint, last_at bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_repo_blocks(
        span integer, period bigint, block bytea) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_types(name text COLLATE "C")
        ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_type_blocks(
        span integer, period bigint, block bytea) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_pr_opened(
        repo_id bigint, created_at bigint, id bigint) ON COMMIT DELETE ROWS)",
};

// Every statement that writes gold orders its rows by key, so that concurrent writers
// take row locks in one order and cannot deadlock each other.
enum Statement {
    FindStoredEvents,
    FindStoredEventsInRange,
    InsertEvents,
    UpsertTypeMinutes,
    UpsertRepos,
    InsertRepoBlocks,
    InsertTypes,
    SelectTypes,
    InsertTypeBlocks,
    InsertPrOpened,
    InsertQuarantine,
    UpsertPullRequest,
    UpsertPullRequestHistory,
    OpenPullRequest,
    OpenPullRequestHistory,
    ClosePullRequest,
    ClosePullRequestHistory,
    ReopenPullRequest,
    ReopenPullRequestHistory,
    UpsertStarDay,
    UpsertStarDayGold,
    UpsertRepositoryCounts,
    InsertBotLogin,
    AddEventsTotal,
    UpdateSource,
    CountBatch,
    Notify,
    StatementCount
};

const char *const statementText[StatementCount] = {
    // One index probe per id: cheaper than ON CONFLICT's speculative insertion, which
    // cost more than a third of the insert (measured). An event a concurrent writer
    // inserts meanwhile makes the insert fail with a unique violation, and the batch
    // runs again.
    "SELECT array_agg(id) FROM events WHERE id = ANY(CAST(? AS bigint[]))",
    "SELECT array_agg(id) FROM events WHERE id BETWEEN ? AND ?",
    // The staging table holds the rows in id order, the order of their index locks.
    "INSERT INTO events SELECT * FROM staged_events",
    R"(INSERT INTO gold.type_minute AS g SELECT * FROM staged_type_minutes ORDER BY 1, 2
       ON CONFLICT (minute, type) DO UPDATE SET events = g.events + excluded.events)",
    // Spellings that differ in case are one repository: the latest spelling names it.
    R"(INSERT INTO gold.repos AS g(repo_key, repo_name, events, last_event_at)
       SELECT lower(name), (array_agg(name ORDER BY last_at DESC))[1], SUM(events), MAX(last_at)
       FROM staged_repos GROUP BY 1 ORDER BY 1
       ON CONFLICT (repo_key) DO UPDATE SET events = g.events + excluded.events,
       repo_name = CASE WHEN excluded.last_event_at >= g.last_event_at
                        THEN excluded.repo_name ELSE g.repo_name END,
       last_event_at = GREATEST(g.last_event_at, excluded.last_event_at)
       RETURNING repo_key, repo_id)",
    "INSERT INTO gold.repo_blocks(span, period, block) SELECT * FROM staged_repo_blocks",
    // A name another writer is inserting makes this wait for its commit; the next
    // statement's snapshot then sees its id.
    "INSERT INTO gold.types(name) SELECT name FROM staged_types ORDER BY 1 ON CONFLICT DO NOTHING",
    "SELECT s.name, t.type_id FROM staged_types s JOIN gold.types t USING (name)",
    "INSERT INTO gold.type_blocks(span, period, block) SELECT * FROM staged_type_blocks",
    "INSERT INTO gold.pr_opened SELECT * FROM staged_pr_opened ORDER BY 1, 2, 3 ON CONFLICT DO "
    "NOTHING",
    R"(INSERT INTO quarantine(source_id, line, reason, raw) VALUES(?, ?, ?, ?)
       ON CONFLICT DO NOTHING)",
    R"(INSERT INTO pull_requests VALUES(lower(CAST(? AS text) COLLATE "C"), ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo_key, number) DO UPDATE SET repo_name = excluded.repo_name,
       author = excluded.author, created_at = excluded.created_at,
       closed_at = excluded.closed_at, merged_at = excluded.merged_at,
       source_id = excluded.source_id)",
    R"(INSERT INTO gold.pr_history VALUES(lower(CAST(? AS text) COLLATE "C"), ?, ?, ?, ?, ?)
       ON CONFLICT (repo_key, number) DO UPDATE SET created_at = excluded.created_at,
       closed_at = excluded.closed_at, merged_at = excluded.merged_at,
       repo_name = excluded.repo_name)",
    // A PullRequestEvent changes the history of a repository that has one. Parameters: the
    // repository, the number, the author, the event's time, the source; or, to close, the
    // time closed and merged (or NULL), the repository and the number.
    R"(INSERT INTO pull_requests SELECT lower(CAST(? AS text) COLLATE "C"), CAST(? AS bigint),
       CAST(? AS text), CAST(? AS text), CAST(? AS bigint), NULL, NULL, CAST(? AS bigint)
       WHERE EXISTS(SELECT 1 FROM pull_requests WHERE repo_key = lower(
       CAST(? AS text) COLLATE "C")) ON CONFLICT DO NOTHING)",
    R"(INSERT INTO gold.pr_history SELECT lower(CAST(? AS text) COLLATE "C"), CAST(? AS bigint),
       CAST(? AS bigint), NULL, NULL, CAST(? AS text)
       WHERE EXISTS(SELECT 1 FROM gold.pr_history WHERE repo_key = lower(
       CAST(? AS text) COLLATE "C")) ON CONFLICT DO NOTHING)",
    R"(UPDATE pull_requests SET closed_at = COALESCE(closed_at, CAST(? AS bigint)),
       merged_at = COALESCE(merged_at, CAST(? AS bigint))
       WHERE repo_key = lower(CAST(? AS text) COLLATE "C") AND number = ?)",
    R"(UPDATE gold.pr_history SET closed_at = COALESCE(closed_at, CAST(? AS bigint)),
       merged_at = COALESCE(merged_at, CAST(? AS bigint))
       WHERE repo_key = lower(CAST(? AS text) COLLATE "C") AND number = ?)",
    R"(UPDATE pull_requests SET closed_at = NULL, merged_at = NULL
       WHERE repo_key = lower(CAST(? AS text) COLLATE "C") AND number = ? AND closed_at <= ?)",
    R"(UPDATE gold.pr_history SET closed_at = NULL, merged_at = NULL
       WHERE repo_key = lower(CAST(? AS text) COLLATE "C") AND number = ? AND closed_at <= ?)",
    R"(INSERT INTO star_days VALUES(lower(CAST(? AS text) COLLATE "C"), ?, ?, ?, ?)
       ON CONFLICT (repo_key, day) DO UPDATE SET stars = excluded.stars,
       repo_name = excluded.repo_name, source_id = excluded.source_id)",
    R"(INSERT INTO gold.star_days VALUES(lower(CAST(? AS text) COLLATE "C"), ?, ?, ?)
       ON CONFLICT (repo_key, day) DO UPDATE SET stars = excluded.stars,
       repo_name = excluded.repo_name)",
    R"(INSERT INTO repository_counts AS stored
       VALUES(lower(CAST(? AS text) COLLATE "C"), ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo_key) DO UPDATE SET repo_name = excluded.repo_name,
       fetched_at = excluded.fetched_at, stars = excluded.stars, forks = excluded.forks,
       open_issues = excluded.open_issues, subscribers = excluded.subscribers,
       source_id = excluded.source_id WHERE excluded.fetched_at >= stored.fetched_at)",
    "INSERT INTO bot_logins VALUES(?) ON CONFLICT DO NOTHING",
    "UPDATE gold.meta SET value = value + ? WHERE key = 'events_total'",
    // Two writers may ingest one source at once: progress only moves forward.
    R"(UPDATE sources SET "offset" = GREATEST("offset", ?), lines = GREATEST(lines, ?),
       complete = complete OR ?, events_new = events_new + ?, duplicates = duplicates + ?,
       quarantined = quarantined + ?, updated_at = ? WHERE id = ?)",
    "UPDATE gold.meta SET value = value + 1 WHERE key = 'batch'",
    "SELECT pg_notify(?, ?)",
};

// Rows in COPY's text format: tab-separated fields, \N for NULL, backslash escapes.
class CopyText
{
public:
    CopyText &operator<<(qint64 value)
    {
        separate();
        m_text += QByteArray::number(value);
        return *this;
    }
    // Empty text is stored as NULL, as by the SQLite store. PostgreSQL text cannot hold
    // NUL, so those bytes are dropped.
    CopyText &operator<<(std::string_view text)
    {
        separate();
        if (text.empty()) {
            m_text += "\\N";
            return *this;
        }
        for (const char c : text) {
            switch (c) {
            case '\0': break;
            case '\\': m_text += "\\\\"; break;
            case '\t': m_text += "\\t"; break;
            case '\n': m_text += "\\n"; break;
            case '\r': m_text += "\\r"; break;
            default: m_text += c;
            }
        }
        return *this;
    }
    // bytea, in its hex form.
    CopyText &operator<<(const QByteArray &bytes)
    {
        separate();
        m_text += "\\\\x" + bytes.toHex();
        return *this;
    }
    CopyText &null()
    {
        separate();
        m_text += "\\N";
        return *this;
    }
    void endRow()
    {
        m_text += '\n';
        m_rowStart = true;
    }
    const QByteArray &data() const { return m_text; }

private:
    void separate()
    {
        if (!std::exchange(m_rowStart, false))
            m_text += '\t';
    }
    QByteArray m_text;
    bool m_rowStart = true;
};

// A batch's counts by repository or type as count blocks of a minute, an hour and a day
// (gold.repo_blocks, gold.type_blocks): a window's reader sums a few blocks, as SQLite's do,
// instead of aggregating a row per key and minute.
CopyText blockRows(const std::vector<PostgresRepoBlocks::Block> &blocks)
{
    CopyText rows;
    for (const PostgresRepoBlocks::Block &block : blocks) {
        rows << qint64(block.span) << block.period << block.block;
        rows.endRow();
    }
    return rows;
}

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), size_t(bytes.size())};
}

QVariant nullable(qint64 value)
{
    return value >= 0 ? QVariant(value) : QVariant(QMetaType::fromType<qint64>());
}

// The ids in an array_agg() result, "{3,1,2}", sorted.
std::vector<qint64> parseIds(const QString &array)
{
    std::vector<qint64> ids;
    const QStringView inner = QStringView(array).mid(1, array.size() - 2);
    for (const QStringView id : inner.tokenize(u','))
        ids.push_back(id.toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

// Deadlocks, serialization failures and events a concurrent writer inserted first: the
// transaction can simply run again.
bool isTransient(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    return state == "40P01"_L1 || state == "40001"_L1 || state == "23505"_L1;
}

// "{1,2,3}", for a bigint[] parameter.
QString idArray(const std::vector<OwnedEvent> &events)
{
    QByteArray text = "{";
    for (const OwnedEvent &event : events)
        text += QByteArray::number(event.id()) + ',';
    text.back() = '}';
    return QString::fromLatin1(text);
}

constexpr int maxAttempts = 5;

} // namespace

// The thread and everything it owns: the connection is used by this thread only.
class PostgresBatchWriter::Thread
{
public:
    explicit Thread(const QUrl &url)
        : m_connection(StoreLocation({}, url), QStringLiteral("writer"), false)
    {
        m_connection.setAfterOpen(
            [this](QSqlDatabase &database, QString *error) { return prepare(database, error); });
        m_connection.setBeforeClose([this] { m_statements.clear(); });
    }
    ~Thread()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }

    bool start(QString *error)
    {
        m_thread = std::thread([this] { run(); });
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_state != State::Starting; });
        *error = m_error;
        return m_state == State::Idle;
    }

    void write(PendingBatch batch)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_job = std::move(batch);
            m_state = State::Queued;
        }
        m_changed.notify_all();
    }

    bool wait(BatchResult *result, QString *error)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_state == State::Done; });
        m_state = State::Idle;
        *result = m_result;
        *error = m_error;
        return m_succeeded;
    }

private:
    enum class State { Starting, Failed, Idle, Queued, Done };

    void run()
    {
        QString error;
        const bool opened = m_connection.open(&error);
        {
            const std::lock_guard lock(m_mutex);
            m_error = error;
            m_state = opened ? State::Idle : State::Failed;
        }
        m_changed.notify_all();
        while (opened) {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stop || m_state == State::Queued; });
            if (m_stop)
                break;
            std::optional<PendingBatch> batch = std::exchange(m_job, std::nullopt);
            lock.unlock();
            const bool succeeded = commit(*batch);
            batch.reset(); // before the merge, while the next batch is being filled
            lock.lock();
            m_succeeded = succeeded;
            m_result = m_batch;
            m_error = succeeded ? QString() : m_lastError.text();
            m_state = State::Done;
            lock.unlock();
            m_changed.notify_all();
            if (succeeded)
                compactBlocks();
        }
        m_connection.close();
    }

    // Each connection's session: staging tables and prepared statements.
    bool prepare(QSqlDatabase &database, QString *error)
    {
        // A commit need not wait for the server's disk: bronze is the truth, and a batch
        // lost with the server's last moments is ingested again, its progress lost with it.
        bool ok = execText(database, u"SET synchronous_commit = off"_s);
        for (const char *table : staging)
            ok = ok && execText(database, QString::fromUtf8(table));
        for (const char *text : statementText) {
            QSqlQuery query(database);
            ok = ok && query.prepare(QString::fromUtf8(text));
            if (!ok && m_lastError.type() == QSqlError::NoError)
                m_lastError = query.lastError();
            m_statements.append(query);
        }
        if (!ok)
            *error = m_lastError.text();
        return ok;
    }

    // A connection the server dropped (a restart, the network) is opened again, with its
    // staging tables and statements, by Connection's one policy.
    bool connected()
    {
        try {
            m_connection.database();
            return true;
        } catch (const StoreUnavailable &unavailable) {
            m_lastError = QSqlError(unavailable.message, {}, QSqlError::ConnectionError);
            return false;
        }
    }

    bool exec(Statement statement, const QVariantList &values)
    {
        QSqlQuery &query = m_statements[statement];
        for (qsizetype i = 0; i < values.size(); ++i)
            query.bindValue(int(i), values[i]);
        if (query.exec())
            return true;
        m_lastError = query.lastError();
        return false;
    }

    // Streams `rows` into a staging table through libpq, on the connection Qt opened.
    bool copy(const char *table, const CopyText &rows)
    {
        if (rows.data().isEmpty())
            return true;
        PGconn *connection = Database::postgresHandle(m_connection.current());
        const QByteArray sql = "COPY " + QByteArray(table) + " FROM STDIN";
        PGresult *result = PQexec(connection, sql.constData());
        bool ok = PQresultStatus(result) == PGRES_COPY_IN;
        PQclear(result);
        if (ok) {
            ok = PQputCopyData(connection, rows.data().constData(), int(rows.data().size())) == 1;
            PQputCopyEnd(connection, ok ? nullptr : "client failed to send the rows");
        }
        while ((result = PQgetResult(connection))) {
            if (PQresultStatus(result) != PGRES_COMMAND_OK) {
                ok = false;
                m_lastError
                    = QSqlError(u"COPY %1"_s.arg(QLatin1StringView(table)),
                                QString::fromUtf8(PQresultErrorMessage(result)).trimmed(),
                                QSqlError::StatementError,
                                QString::fromLatin1(PQresultErrorField(result, PG_DIAG_SQLSTATE)));
            }
            PQclear(result);
        }
        if (!ok && m_lastError.type() == QSqlError::NoError)
            m_lastError = QSqlError(u"COPY %1"_s.arg(QLatin1StringView(table)),
                                    QString::fromUtf8(PQerrorMessage(connection)).trimmed(),
                                    QSqlError::ConnectionError);
        return ok;
    }

    bool execText(QSqlDatabase &database, const QString &sql)
    {
        QSqlQuery query(database);
        if (query.exec(sql))
            return true;
        m_lastError = query.lastError();
        return false;
    }

    bool commit(PendingBatch &batch);
    bool writeBatch();
    bool insertEvents();
    bool writeGold();
    bool writeHealth();
    // Merges the blocks of the periods the last batch added to, while the next is parsed.
    void compactBlocks()
    {
        for (const auto &[dimension, periods] : m_blockPeriods) {
            QString error;
            if (!PostgresRepoBlocks::compact(m_connection.current(), dimension, periods, &error))
                qCWarning(lcWriter).noquote() << "cannot merge count blocks:" << error;
        }
        m_blockPeriods.clear();
    }
    bool writeTypeBlocks();
    bool applyPullRequestChanges();
    bool writeQuarantineAndPullRequests();
    bool finishBatch();

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    State m_state = State::Starting;
    bool m_stop = false;
    std::optional<PendingBatch> m_job;
    bool m_succeeded = false;
    BatchResult m_result;
    QString m_error;

    // The writer thread's own.
    Connection m_connection;
    QList<QSqlQuery> m_statements;
    QSqlError m_lastError;
    const PendingBatch *m_current = nullptr;
    BatchResult m_batch;
    // Of the last batch's blocks.
    std::map<PostgresRepoBlocks::Dimension, std::vector<PostgresRepoBlocks::Period>> m_blockPeriods;
    GoldDelta m_gold;
    HealthDelta m_health;
};

bool PostgresBatchWriter::Thread::commit(PendingBatch &batch)
{
    // Sorted by id, so that concurrent writers lock index entries in one order.
    std::stable_sort(batch.events.begin(), batch.events.end(),
                     [](const OwnedEvent &a, const OwnedEvent &b) { return a.id() < b.id(); });
    const auto unique
        = std::unique(batch.events.begin(), batch.events.end(),
                      [](const OwnedEvent &a, const OwnedEvent &b) { return a.id() == b.id(); });
    const qint64 repeatedInBatch = qint64(batch.events.end() - unique);
    batch.events.erase(unique, batch.events.end());

    m_current = &batch;
    for (int attempt = 1;; ++attempt) {
        m_batch = {};
        m_batch.duplicates = repeatedInBatch;
        m_gold.clear();
        m_blockPeriods.clear();
        m_health.clear();
        m_health.setOrigin(batch.origin);
        if (batch.progress.complete)
            m_health.addRequest();
        m_lastError = {};
        QSqlDatabase &database = m_connection.current();
        if (connected() && database.transaction() && writeBatch() && database.commit())
            return true;
        if (m_lastError.type() == QSqlError::NoError)
            m_lastError = database.lastError();
        if (database.isOpen())
            database.rollback();
        // A server that went away gets seconds to come back; a conflict, a moment.
        const bool dropped = m_connection.noteFailure(m_lastError);
        if (attempt == maxAttempts || !(dropped || isTransient(m_lastError)))
            return false;
        qCInfo(lcWriter).noquote() << "retrying the batch:" << m_lastError.text();
        QThread::msleep(dropped ? 1000 * attempt : 10 * attempt);
    }
}

bool PostgresBatchWriter::Thread::writeBatch()
{
    return insertEvents() && writeGold() && writeHealth() && writeQuarantineAndPullRequests()
        && finishBatch();
}

// Inserts the batch's events that are not stored yet; only those count in gold.
bool PostgresBatchWriter::Thread::insertEvents()
{
    if (m_current->events.empty())
        return true;
    // Ids of one batch are usually dense (GitHub numbers events in order): then a range
    // scan finds the stored ones without sending every id.
    const std::vector<OwnedEvent> &events = m_current->events;
    const qint64 first = events.front().id();
    const qint64 last = events.back().id();
    const bool dense = last - first < 8 * qint64(events.size());
    const Statement find = dense ? FindStoredEventsInRange : FindStoredEvents;
    if (!(dense ? exec(find, {first, last}) : exec(find, {idArray(events)})))
        return false;
    QSqlQuery &query = m_statements[find];
    const std::vector<qint64> stored
        = query.next() ? parseIds(query.value(0).toString()) : std::vector<qint64>();
    query.finish();
    CopyText rows;
    auto next = stored.cbegin();
    for (const OwnedEvent &owned : m_current->events) {
        const EventView event = owned.view();
        while (next != stored.cend() && *next < event.id)
            ++next;
        if (next != stored.cend() && *next == event.id) {
            m_health.add(event, false);
            ++m_batch.duplicates;
            continue;
        }
        m_health.add(event, true);
        m_gold.add(event, &m_batch);
        rows << event.id << event.type << event.action;
        event.actorId ? rows << event.actorId : rows.null();
        rows << event.actorLogin;
        event.repoId ? rows << event.repoId : rows.null();
        rows << event.repoName << event.orgLogin << event.createdAt;
        event.isPublic >= 0 ? rows << qint64(event.isPublic) : rows.null();
        event.prNumber >= 0 ? rows << event.prNumber : rows.null();
        rows << m_current->sourceId;
        m_current->origin.arrivedAt >= 0 ? rows << m_current->origin.arrivedAt : rows.null();
        rows.endRow();
    }
    return m_batch.inserted == 0 || (copy("staged_events", rows) && exec(InsertEvents, {}));
}

bool PostgresBatchWriter::Thread::writeGold()
{
    const GoldDelta &gold = m_gold;
    if (m_batch.inserted == 0)
        return true;
    CopyText typeMinutes;
    const QHash<GoldDelta::MinuteKey, qint64> typeCounts = gold.typeMinutes();
    for (auto it = typeCounts.cbegin(); it != typeCounts.cend(); ++it) {
        typeMinutes << it.key().first << view(gold.types()[it.key().second]) << it.value();
        typeMinutes.endRow();
    }
    CopyText repositories;
    for (const GoldDelta::Repository &repository : gold.repositories()) {
        repositories << view(repository.name) << repository.events << repository.lastEventAt;
        repositories.endRow();
    }
    if (!copy("staged_type_minutes", typeMinutes) || !exec(UpsertTypeMinutes, {})
        || !copy("staged_repos", repositories) || !exec(UpsertRepos, {}))
        return false;

    // The rows keyed by repository need its gold id: the upsert returned them by key.
    QHash<QByteArray, qint64> idByKey;
    QSqlQuery &returned = m_statements[UpsertRepos];
    while (returned.next())
        idByKey.insert(returned.value(0).toString().toUtf8(), returned.value(1).toLongLong());
    returned.finish();
    QList<qint64> ids; // by GoldDelta's repository index
    for (const GoldDelta::Repository &repository : gold.repositories())
        ids.append(idByKey.value(repository.name.toLower())); // lower() in C: ASCII only

    // Spellings that differ in case share an id: their seconds are summed.
    PostgresRepoBlocks::SecondCounts perSecond;
    const QHash<GoldDelta::SecondKey, qint64> &seconds = gold.repositorySeconds();
    for (auto it = seconds.cbegin(); it != seconds.cend(); ++it)
        perSecond[{it.key().first, quint32(ids[it.key().second])}] += quint32(it.value());
    CopyText opened;
    for (const GoldDelta::PullRequestOpened &pr : gold.pullRequestsOpened()) {
        opened << ids[pr.repository] << pr.createdAt << pr.eventId;
        opened.endRow();
    }
    const std::vector<PostgresRepoBlocks::Block> blocks = PostgresRepoBlocks::blocksOf(perSecond);
    m_blockPeriods[PostgresRepoBlocks::Dimension::Repositories]
        = PostgresRepoBlocks::periodsOf(blocks);
    return copy("staged_repo_blocks", blockRows(blocks)) && exec(InsertRepoBlocks, {})
        && writeTypeBlocks() && copy("staged_pr_opened", opened) && exec(InsertPrOpened, {})
        && applyPullRequestChanges() && exec(AddEventsTotal, {m_batch.inserted});
}

// The batch's counts by type, keyed by gold.types' ids, which new names get here.
bool PostgresBatchWriter::Thread::writeTypeBlocks()
{
    CopyText names;
    for (const QByteArray &name : m_gold.types()) {
        names << view(name);
        names.endRow();
    }
    if (!copy("staged_types", names) || !exec(InsertTypes, {}) || !exec(SelectTypes, {}))
        return false;
    QHash<QByteArray, quint32> idByName;
    QSqlQuery &selected = m_statements[SelectTypes];
    while (selected.next())
        idByName.insert(selected.value(0).toString().toUtf8(), selected.value(1).toUInt());
    selected.finish();
    PostgresRepoBlocks::SecondCounts perSecond;
    const QHash<GoldDelta::SecondKey, qint64> &seconds = m_gold.typeSeconds();
    for (auto it = seconds.cbegin(); it != seconds.cend(); ++it) {
        const QByteArray &name = m_gold.types()[it.key().second];
        if (!idByName.contains(name)) {
            m_lastError
                = QSqlError(u"gold.types"_s, u"no id for type %1"_s.arg(QString::fromUtf8(name)),
                            QSqlError::StatementError);
            return false;
        }
        perSecond[{it.key().first, idByName.value(name)}] += quint32(it.value());
    }
    const std::vector<PostgresRepoBlocks::Block> blocks = PostgresRepoBlocks::blocksOf(perSecond);
    m_blockPeriods[PostgresRepoBlocks::Dimension::Types] = PostgresRepoBlocks::periodsOf(blocks);
    return copy("staged_type_blocks", blockRows(blocks)) && exec(InsertTypeBlocks, {});
}

bool PostgresBatchWriter::Thread::writeHealth()
{
    QString error;
    if (m_health.write(m_connection.current(), &error))
        return true;
    m_lastError = QSqlError(u"source measurements"_s, error, QSqlError::StatementError);
    return false;
}

bool PostgresBatchWriter::Thread::applyPullRequestChanges()
{
    using Change = GoldDelta::PullRequestChange;
    for (const Change &change : m_gold.pullRequestChanges()) {
        const QString name = QString::fromUtf8(m_gold.repositories()[change.repository].name);
        const QVariant author = change.author.isEmpty()
            ? QVariant(QMetaType::fromType<QString>())
            : QVariant(QString::fromUtf8(change.author));
        const QVariant mergedAt = nullable(change.merged ? change.at : -1);
        const bool ok = change.kind == Change::Opened
            ? exec(OpenPullRequest,
                   {name, change.number, name, author, change.at, m_current->sourceId, name})
                && exec(OpenPullRequestHistory, {name, change.number, change.at, name, name})
            : change.kind == Change::Closed
            ? exec(ClosePullRequest, {change.at, mergedAt, name, change.number})
                && exec(ClosePullRequestHistory, {change.at, mergedAt, name, change.number})
            : exec(ReopenPullRequest, {name, change.number, change.at})
                && exec(ReopenPullRequestHistory, {name, change.number, change.at});
        if (!ok)
            return false;
    }
    return true;
}

// Each is a few rows per batch at most: one statement a row.
bool PostgresBatchWriter::Thread::writeQuarantineAndPullRequests()
{
    for (const PendingQuarantine &bad : std::as_const(m_current->quarantine)) {
        if (!exec(InsertQuarantine, {m_current->sourceId, bad.line, bad.reason, bad.raw}))
            return false;
        m_batch.quarantined += m_statements[InsertQuarantine].numRowsAffected();
    }
    for (const PendingPullRequest &pr : std::as_const(m_current->pullRequests)) {
        const QVariant author
            = pr.author.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(pr.author);
        if (!exec(UpsertPullRequest,
                  {pr.repository, pr.number, pr.repository, author, pr.createdAt,
                   nullable(pr.closedAt), nullable(pr.mergedAt), m_current->sourceId})
            || !exec(UpsertPullRequestHistory,
                     {pr.repository, pr.number, pr.createdAt, nullable(pr.closedAt),
                      nullable(pr.mergedAt), pr.repository}))
            return false;
    }
    for (const PendingStarDay &day : std::as_const(m_current->starDays)) {
        if (!exec(UpsertStarDay,
                  {day.repository, day.day, day.stars, day.repository, m_current->sourceId})
            || !exec(UpsertStarDayGold, {day.repository, day.day, day.stars, day.repository}))
            return false;
    }
    for (const QString &login : std::as_const(m_current->botLogins)) {
        if (!exec(InsertBotLogin, {login}))
            return false;
    }
    for (const RepositoryCounts &counts : std::as_const(m_current->repositoryCounts)) {
        if (!exec(UpsertRepositoryCounts,
                  {counts.repository, counts.repository, counts.fetchedAt, counts.stars,
                   counts.forks, counts.openIssues, nullable(counts.subscribers),
                   m_current->sourceId}))
            return false;
    }
    return true;
}

// The source's progress, the version readers watch, and the notification viewers wait
// for: PostgreSQL delivers it at commit, and only if the transaction commits.
bool PostgresBatchWriter::Thread::finishBatch()
{
    const BatchResult &batch = m_batch;
    const SourceProgress &progress = m_current->progress;
    const QString span = u"%1 %2"_s.arg(batch.firstCreatedAt).arg(batch.lastCreatedAt);
    return exec(UpdateSource,
                {progress.offset, progress.lines, progress.complete, batch.inserted,
                 batch.duplicates, batch.quarantined, QDateTime::currentSecsSinceEpoch(),
                 progress.sourceId})
        && exec(CountBatch, {}) && exec(Notify, {PostgresBatchWriter::notificationChannel(), span});
}

PostgresBatchWriter::PostgresBatchWriter(const QUrl &databaseUrl)
    : m_thread(std::make_unique<Thread>(databaseUrl))
{
}

PostgresBatchWriter::~PostgresBatchWriter() = default;

bool PostgresBatchWriter::start(QString *error)
{
    return m_thread->start(error);
}

void PostgresBatchWriter::write(PendingBatch batch)
{
    m_thread->write(std::move(batch));
}

bool PostgresBatchWriter::wait(BatchResult *result, QString *error)
{
    return m_thread->wait(result, error);
}

QString PostgresBatchWriter::notificationChannel()
{
    return u"ghm_gold"_s;
}
