#include "store/sqliteeventstore.h"

#include "store/connection.h"
#include "store/countrollups.h"
#include "store/database.h"
#include "store/repoindexwriter.h"
#include "store/walcheckpointer.h"

#include <QFile>

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlQuery>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStore, "ghm.store")

namespace {

const char *const schema[] = {
    R"(CREATE TABLE IF NOT EXISTS main.sources(
        id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, offset INTEGER NOT NULL DEFAULT 0,
        lines INTEGER NOT NULL DEFAULT 0, complete INTEGER NOT NULL DEFAULT 0,
        events_new INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0, updated_at INTEGER))",
    R"(CREATE TABLE IF NOT EXISTS main.events(
        id INTEGER PRIMARY KEY, type TEXT NOT NULL, action TEXT, actor_id INTEGER,
        actor_login TEXT, repo_id INTEGER, repo_name TEXT NOT NULL, org_login TEXT,
        created_at INTEGER NOT NULL, public INTEGER, pr_number INTEGER,
        source_id INTEGER NOT NULL REFERENCES sources(id), arrived_at INTEGER))",
    "CREATE INDEX IF NOT EXISTS main.events_created_at ON events(created_at)",
    // A watched scope's events are found through RepoIndexWriter's file, written beside silver.
    "DROP INDEX IF EXISTS main.events_repo",
    "DROP INDEX IF EXISTS main.events_repo_hour",
    R"(CREATE TABLE IF NOT EXISTS main.quarantine(
        id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id),
        line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT, UNIQUE(source_id, line)))",
    "CREATE TABLE IF NOT EXISTS main.meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID",
    R"(CREATE TABLE IF NOT EXISTS main.pull_requests(
        repo_key TEXT NOT NULL, number INTEGER NOT NULL, repo_name TEXT NOT NULL, author TEXT,
        created_at INTEGER NOT NULL, closed_at INTEGER, merged_at INTEGER,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        PRIMARY KEY(repo_key, number)) WITHOUT ROWID)",
    R"(CREATE TABLE IF NOT EXISTS gold.type_minute(
        minute INTEGER NOT NULL, type TEXT NOT NULL, events INTEGER NOT NULL,
        PRIMARY KEY(minute, type)) WITHOUT ROWID)",
    R"(CREATE TABLE IF NOT EXISTS gold.repos(
        repo_id INTEGER PRIMARY KEY, repo_key TEXT NOT NULL UNIQUE, repo_name TEXT NOT NULL,
        events INTEGER NOT NULL, last_event_at INTEGER NOT NULL))",
    R"(CREATE TABLE IF NOT EXISTS gold.types(
        type_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE))",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_opened(
        repo_id INTEGER NOT NULL, created_at INTEGER NOT NULL, event_id INTEGER NOT NULL,
        PRIMARY KEY(repo_id, created_at, event_id)) WITHOUT ROWID)",
    "CREATE TABLE IF NOT EXISTS gold.meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID",
    // Replaced by gold.archive_hours, which says whether an archived hour is complete.
    "DROP TABLE IF EXISTS gold.coverage",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_history(
        repo_key TEXT NOT NULL, number INTEGER NOT NULL, created_at INTEGER NOT NULL,
        closed_at INTEGER, merged_at INTEGER, repo_name TEXT NOT NULL,
        PRIMARY KEY(repo_key, number)) WITHOUT ROWID)",
    R"(CREATE TABLE IF NOT EXISTS main.star_days(
        repo_key TEXT NOT NULL, day INTEGER NOT NULL, stars INTEGER NOT NULL,
        repo_name TEXT NOT NULL, source_id INTEGER NOT NULL REFERENCES sources(id),
        PRIMARY KEY(repo_key, day)) WITHOUT ROWID)",
    // Logins a payload typed "Bot" that lack the "[bot]" suffix (see EventView::actorIsBot).
    "CREATE TABLE IF NOT EXISTS main.bot_logins(login TEXT PRIMARY KEY) WITHOUT ROWID",
    R"(CREATE TABLE IF NOT EXISTS main.repository_counts(
        repo_key TEXT PRIMARY KEY, repo_name TEXT NOT NULL, fetched_at INTEGER NOT NULL,
        stars INTEGER NOT NULL, forks INTEGER NOT NULL, open_issues INTEGER NOT NULL,
        subscribers INTEGER, source_id INTEGER NOT NULL REFERENCES sources(id)) WITHOUT ROWID)",
    R"(CREATE TABLE IF NOT EXISTS gold.star_days(
        repo_key TEXT NOT NULL, day INTEGER NOT NULL, stars INTEGER NOT NULL,
        repo_name TEXT NOT NULL, PRIMARY KEY(repo_key, day)) WITHOUT ROWID)",
};

// Gold recomputed from silver, for a gold file that missed a commit (see repairGold()).
const char *const goldFromSilver[] = {
    "DELETE FROM gold.type_minute",
    "DELETE FROM gold.repos",
    "DELETE FROM gold.types",
    "DELETE FROM gold.pr_opened",
    "DELETE FROM gold.pr_history",
    "DELETE FROM gold.star_days",
    "INSERT INTO gold.star_days SELECT repo_key, day, stars, repo_name FROM star_days",
    R"(INSERT INTO gold.pr_history SELECT repo_key, number, created_at, closed_at, merged_at,
       repo_name FROM pull_requests)",
    R"(INSERT INTO gold.type_minute SELECT created_at / 60, type, COUNT(*) FROM events
       GROUP BY 1, 2)",
    // Bare repo_name with MAX(): the spelling of the repository's latest event.
    R"(INSERT INTO gold.repos(repo_key, repo_name, events, last_event_at)
       SELECT lower(repo_name), repo_name, COUNT(*), MAX(created_at) FROM events GROUP BY 1)",
    "INSERT INTO gold.types(name) SELECT DISTINCT type FROM events",
    R"(INSERT INTO gold.pr_opened SELECT r.repo_id, e.created_at, e.id
       FROM events e JOIN gold.repos r ON r.repo_key = lower(e.repo_name)
       WHERE e.type = 'PullRequestEvent' AND e.action = 'opened')",
    R"(INSERT OR REPLACE INTO gold.meta VALUES('events_total', (SELECT COUNT(*) FROM events)))",
    R"(INSERT OR REPLACE INTO gold.meta
       VALUES('batch', (SELECT value FROM main.meta WHERE key = 'batch')))",
};

// Gold's layout: a gold file written under another one is recomputed from silver.
// 2: counts by repository and type in minute, hour and day blocks (CountRollups).
constexpr qint64 goldLayout = 2;

enum Statement {
    InsertEvent,
    InsertQuarantine,
    UpsertTypeMinute,
    UpsertRepo,
    UpdateKnownRepo,
    UpsertType,
    InsertPrOpened,
    UpdateSource,
    AddEventsTotal,
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
    RecordIndexed,
    StatementCount
};

const char *const statementText[StatementCount] = {
    "INSERT OR IGNORE INTO events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "INSERT OR IGNORE INTO quarantine(source_id, line, reason, raw) VALUES(?1, ?2, ?3, ?4)",
    R"(INSERT INTO gold.type_minute VALUES(?1, ?2, ?3)
       ON CONFLICT DO UPDATE SET events = events + excluded.events)",
    R"(INSERT INTO gold.repos(repo_key, repo_name, events, last_event_at)
       VALUES(lower(?1), ?1, ?2, ?3)
       ON CONFLICT(repo_key) DO UPDATE SET events = events + excluded.events,
       repo_name = CASE WHEN excluded.last_event_at >= last_event_at
                        THEN excluded.repo_name ELSE repo_name END,
       last_event_at = MAX(last_event_at, excluded.last_event_at)
       RETURNING repo_id)",
    R"(UPDATE gold.repos SET events = events + ?3,
       repo_name = CASE WHEN ?4 >= last_event_at THEN ?2 ELSE repo_name END,
       last_event_at = MAX(last_event_at, ?4)
       WHERE repo_id = ?1 AND repo_key = lower(?2))",
    R"(INSERT INTO gold.types(name) VALUES(?1)
       ON CONFLICT(name) DO UPDATE SET name = name RETURNING type_id)",
    "INSERT OR IGNORE INTO gold.pr_opened VALUES(?1, ?2, ?3)",
    R"(UPDATE sources SET offset = ?2, lines = ?3, complete = ?4, events_new = events_new + ?5,
       duplicates = duplicates + ?6, quarantined = quarantined + ?7, updated_at = ?8
       WHERE id = ?1)",
    R"(INSERT INTO gold.meta VALUES('events_total', ?1)
       ON CONFLICT DO UPDATE SET value = value + excluded.value)",
    "INSERT OR REPLACE INTO pull_requests VALUES(lower(?1), ?2, ?1, ?3, ?4, ?5, ?6, ?7)",
    "INSERT OR REPLACE INTO gold.pr_history VALUES(lower(?1), ?2, ?4, ?5, ?6, ?1)",
    // A PullRequestEvent changes the history of a repository that has one: ?1 the name,
    // ?2 the number, ?3 the author, ?4 the event's time, ?5 the source, ?6 merged at.
    R"(INSERT INTO pull_requests SELECT lower(?1), ?2, ?1, ?3, ?4, NULL, NULL, ?5
       WHERE EXISTS(SELECT 1 FROM pull_requests WHERE repo_key = lower(?1)) ON CONFLICT DO NOTHING)",
    R"(INSERT INTO gold.pr_history SELECT lower(?1), ?2, ?4, NULL, NULL, ?1
       WHERE EXISTS(SELECT 1 FROM gold.pr_history WHERE repo_key = lower(?1))
       ON CONFLICT DO NOTHING)",
    R"(UPDATE pull_requests SET closed_at = COALESCE(closed_at, ?4),
       merged_at = COALESCE(merged_at, ?6) WHERE repo_key = lower(?1) AND number = ?2)",
    R"(UPDATE gold.pr_history SET closed_at = COALESCE(closed_at, ?4),
       merged_at = COALESCE(merged_at, ?6) WHERE repo_key = lower(?1) AND number = ?2)",
    R"(UPDATE pull_requests SET closed_at = NULL, merged_at = NULL
       WHERE repo_key = lower(?1) AND number = ?2 AND closed_at <= ?4)",
    R"(UPDATE gold.pr_history SET closed_at = NULL, merged_at = NULL
       WHERE repo_key = lower(?1) AND number = ?2 AND closed_at <= ?4)",
    "INSERT OR REPLACE INTO star_days VALUES(lower(?1), ?2, ?3, ?1, ?4)",
    "INSERT OR REPLACE INTO gold.star_days VALUES(lower(?1), ?2, ?3, ?1)",
    R"(INSERT INTO repository_counts VALUES(lower(?1), ?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT(repo_key) DO UPDATE SET repo_name = excluded.repo_name,
       fetched_at = excluded.fetched_at, stars = excluded.stars, forks = excluded.forks,
       open_issues = excluded.open_issues, subscribers = excluded.subscribers,
       source_id = excluded.source_id WHERE excluded.fetched_at >= fetched_at)",
    "INSERT OR IGNORE INTO bot_logins VALUES(lower(?1))",
    R"(INSERT INTO main.meta VALUES('indexed', ?1)
       ON CONFLICT DO UPDATE SET value = MAX(value, excluded.value))",
};

void bindText(sqlite3_stmt *statement, int index, std::string_view text)
{
    if (text.empty())
        sqlite3_bind_null(statement, index);
    else
        sqlite3_bind_text(statement, index, text.data(), int(text.size()), SQLITE_STATIC);
}

void bindText(sqlite3_stmt *statement, int index, const QByteArray &text)
{
    sqlite3_bind_text(statement, index, text.constData(), int(text.size()), SQLITE_STATIC);
}

bool run(sqlite3_stmt *statement)
{
    const int code = sqlite3_step(statement);
    sqlite3_reset(statement);
    return code == SQLITE_DONE || code == SQLITE_ROW;
}

} // namespace

struct SqliteEventStore::Private
{
    explicit Private(const QString &dataDir)
        : connection(StoreLocation(dataDir), QStringLiteral("writer"), false)
    {
    }

    Connection connection;
    QSqlDatabase &database = connection.current();
    sqlite3 *db = nullptr;
    sqlite3_stmt *statements[StatementCount] = {};
    qint64 sourceId = 0;
    BatchResult batch;
    GoldDelta gold;
    // Gold ids this writer has seen, by a hash of the repository key. Bounded; checked
    // against the row's key on use, so a stale or colliding entry is never trusted.
    QHash<size_t, qint64> knownRepoIds;
    CountRollups repoRollups {"repo"};
    CountRollups typeRollups {"type"};
    std::unique_ptr<WalCheckpointer> checkpointer;
    std::unique_ptr<RepoIndexWriter> repoIndex;
    bool indexing = false; // the batch has entries the index has not committed
    bool indexCommitting = false; // handed over to commit, its answer not read yet
    bool failed = false;

    bool exec(const char *sql)
    {
        char *message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
            return true;
        qCWarning(lcStore) << "SQL failed:" << message;
        sqlite3_free(message);
        return false;
    }

    void clearBatch()
    {
        batch = {};
        failed = false;
        gold.clear();
    }
};

SqliteEventStore::SqliteEventStore(const QString &dataDir)
    : m_dataDir(dataDir)
    , d(std::make_unique<Private>(dataDir))
{
}

SqliteEventStore::~SqliteEventStore()
{
    close();
}

bool SqliteEventStore::open()
{
    close();
    if (!d->connection.open(&m_error))
        return false;
    d->db = Database::handle(d->database);
    if (!d->db || !createSchema()) {
        m_error = u"cannot create the schema in %1: %2"_s.arg(
            Database::silverPath(m_dataDir), QString::fromUtf8(sqlite3_errmsg(d->db)));
        close();
        return false;
    }
    for (int i = 0; i < StatementCount; ++i) {
        if (sqlite3_prepare_v3(d->db, statementText[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &d->statements[i], nullptr)
            != SQLITE_OK) {
            m_error = QString::fromUtf8(sqlite3_errmsg(d->db));
            close();
            return false;
        }
    }
    if (!repairGold()) {
        m_error
            = u"cannot bring gold up to date: %1"_s.arg(QString::fromUtf8(sqlite3_errmsg(d->db)));
        close();
        return false;
    }
    if (!catchUpRepoIndex()) {
        close();
        return false;
    }
    d->repoIndex = std::make_unique<RepoIndexWriter>(m_dataDir);
    sqlite3_wal_autocheckpoint(d->db, WalCheckpointer::writerLimitPages);
    d->checkpointer = std::make_unique<WalCheckpointer>(m_dataDir);
    return true;
}

// The repository index, built from silver when it is missing or behind, while silver stands
// still under this writer's lock.
bool SqliteEventStore::catchUpRepoIndex()
{
    if (!d->exec("BEGIN IMMEDIATE")) {
        m_error = QString::fromUtf8(sqlite3_errmsg(d->db));
        return false;
    }
    QSqlQuery query(d->database);
    query.exec(uR"(SELECT (SELECT value FROM main.meta WHERE key = 'indexed'),
                          EXISTS(SELECT 1 FROM main.events))"_s);
    query.next();
    const QVariant indexed = query.value(0);
    const bool hasEvents = query.value(1).toBool();
    query.finish();
    const std::optional<qint64> sequence
        = indexed.isNull() ? std::nullopt : std::optional(indexed.toLongLong());
    const bool ok = RepoIndexWriter::catchUp(m_dataDir, sequence, hasEvents, &m_error);
    d->exec(ok ? "COMMIT" : "ROLLBACK");
    return ok;
}

void SqliteEventStore::close()
{
    d->checkpointer.reset();
    d->repoIndex.reset();
    d->knownRepoIds.clear();
    d->repoRollups.detach();
    d->typeRollups.detach();
    for (sqlite3_stmt *&statement : d->statements) {
        sqlite3_finalize(statement);
        statement = nullptr;
    }
    d->db = nullptr;
    d->connection.close();
}

bool SqliteEventStore::clear()
{
    close();
    for (const QString &base : {Database::silverPath(m_dataDir), Database::goldPath(m_dataDir),
                                RepoIndexWriter::path(m_dataDir)}) {
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(base + QLatin1StringView(suffix));
    }
    return open();
}

bool SqliteEventStore::createSchema()
{
    for (const char *statement : schema) {
        if (!d->exec(statement))
            return false;
    }
    for (const QByteArray &statement : CountRollups::schema()) {
        if (!d->exec(statement.constData()))
            return false;
    }
    QStringList measurements = HealthDelta::schema(false) << archiveHoursSchema(false);
    for (const QString &statement : std::as_const(measurements)) {
        if (!d->exec(statement.toUtf8().constData()))
            return false;
    }
    if (!addArrivalColumn())
        return false;
    // When this gold began: data versions of a store made anew never repeat an old one.
    const QByteArray created = "INSERT OR IGNORE INTO gold.meta VALUES('created', "
        + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) + ")";
    return d->exec(created.constData());
}

// Silver written before arrival times were kept gains the column, NULL for its events.
bool SqliteEventStore::addArrivalColumn()
{
    QSqlQuery query(d->database);
    query.exec(u"SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'arrived_at'"_s);
    const bool present = query.next() && query.value(0).toInt() > 0;
    query.finish();
    return present || d->exec("ALTER TABLE main.events ADD COLUMN arrived_at INTEGER");
}

// Silver and gold are two files: SQLite commits an attached database's WAL separately,
// so a crash can land between the two. Both count committed batches; when they disagree,
// or gold was written under another layout, gold is recomputed from silver, the truth for it.
bool SqliteEventStore::repairGold()
{
    QSqlQuery query(d->database);
    query.exec(uR"(SELECT (SELECT value FROM main.meta WHERE key = 'batch'),
                          (SELECT value FROM gold.meta WHERE key = 'batch'),
                          (SELECT value FROM gold.meta WHERE key = 'layout'))"_s);
    query.next();
    const bool empty = query.value(0).isNull() && query.value(2).isNull();
    const bool behind = query.value(0).toLongLong() != query.value(1).toLongLong();
    const bool otherLayout = query.value(2).toLongLong() != goldLayout;
    query.finish();
    const QByteArray layout = "INSERT OR REPLACE INTO gold.meta VALUES('layout', "
        + QByteArray::number(goldLayout) + ")";
    if (empty)
        return d->exec(layout.constData());
    if (!behind && !otherLayout)
        return true;
    qCWarning(lcStore) << (behind ? "gold is behind silver" : "gold has an older layout")
                       << "- recomputing gold from silver";
    if (!d->exec("BEGIN IMMEDIATE"))
        return false;
    bool ok = d->exec("DROP TABLE IF EXISTS gold.repo_minute");
    for (const char *statement : goldFromSilver)
        ok = ok && d->exec(statement);
    for (const QByteArray &statement : CountRollups::clearAll())
        ok = ok && d->exec(statement.constData());
    ok = ok && rollUpFromSilver() && d->exec(layout.constData());
    if (!ok) {
        d->exec("ROLLBACK");
        return false;
    }
    return d->exec("COMMIT");
}

// Gold's count blocks from silver's events, a minute at a time in time order.
bool SqliteEventStore::rollUpFromSilver()
{
    try {
        SqliteStatement events(d->db, R"(SELECT e.created_at, r.repo_id, t.type_id FROM events e
                                          JOIN gold.repos r ON r.repo_key = lower(e.repo_name)
                                          JOIN gold.types t ON t.name = e.type
                                          ORDER BY e.created_at)");
        d->repoRollups.beginBatch(d->db);
        d->typeRollups.beginBatch(d->db);
        std::vector<CountBlock::Entry> repos, types;
        qint64 minute = 0;
        const auto flush = [&] {
            d->repoRollups.addToMinute(minute, CountBlock::combined(std::move(repos)));
            d->typeRollups.addToMinute(minute, CountBlock::combined(std::move(types)));
            repos.clear();
            types.clear();
        };
        while (events.next()) {
            const qint64 createdAt = events.integer(0);
            const qint64 eventMinute = CountBlock::minuteOf(createdAt);
            if (eventMinute != minute && !repos.empty())
                flush();
            minute = eventMinute;
            const int second = int(createdAt - minute * 60);
            repos.push_back(CountBlock::Entry::of(quint32(events.integer(1)), 1, second));
            types.push_back(CountBlock::Entry::of(quint32(events.integer(2)), 1, second));
        }
        if (!repos.empty())
            flush();
        for (CountRollups *rollups : {&d->repoRollups, &d->typeRollups}) {
            rollups->beginBatch(d->db); // nothing is left touched: every block rolls up
            rollups->rollUpPending(-1);
        }
        return true;
    } catch (const StoreUnavailable &failure) {
        qCWarning(lcStore) << "cannot roll gold up from silver:" << failure.message;
        return false;
    }
}

std::optional<SourceProgress> SqliteEventStore::sourceProgress(const QString &sourceKey)
{
    return readProgress(d->database, u"INSERT OR IGNORE INTO sources(path) VALUES(?)"_s,
                        u"SELECT id, offset, lines, complete FROM sources WHERE path = ?"_s,
                        sourceKey);
}

bool SqliteEventStore::beginBatch(qint64 sourceId)
{
    d->clearBatch();
    m_health.clear();
    d->sourceId = sourceId;
    d->indexing = true;
    if (!d->exec("BEGIN IMMEDIATE")) {
        m_error = QString::fromUtf8(sqlite3_errmsg(d->db));
        return false;
    }
    return true;
}

void SqliteEventStore::event(const EventView &event)
{
    sqlite3_stmt *insert = d->statements[InsertEvent];
    sqlite3_bind_int64(insert, 1, event.id);
    bindText(insert, 2, event.type);
    bindText(insert, 3, event.action);
    event.actorId ? sqlite3_bind_int64(insert, 4, event.actorId) : sqlite3_bind_null(insert, 4);
    bindText(insert, 5, event.actorLogin);
    event.repoId ? sqlite3_bind_int64(insert, 6, event.repoId) : sqlite3_bind_null(insert, 6);
    bindText(insert, 7, event.repoName);
    bindText(insert, 8, event.orgLogin);
    sqlite3_bind_int64(insert, 9, event.createdAt);
    event.isPublic >= 0 ? sqlite3_bind_int(insert, 10, event.isPublic)
                        : sqlite3_bind_null(insert, 10);
    event.prNumber >= 0 ? sqlite3_bind_int64(insert, 11, event.prNumber)
                        : sqlite3_bind_null(insert, 11);
    sqlite3_bind_int64(insert, 12, d->sourceId);
    const qint64 arrivedAt = m_health.origin().arrivedAt;
    arrivedAt >= 0 ? sqlite3_bind_int64(insert, 13, arrivedAt) : sqlite3_bind_null(insert, 13);
    if (!run(insert)) {
        d->failed = true;
        return;
    }
    const bool inserted = sqlite3_changes(d->db) > 0;
    if (event.actorIsBot && !event.actorLogin.ends_with("[bot]")) {
        bindText(d->statements[InsertBotLogin], 1, event.actorLogin);
        if (!run(d->statements[InsertBotLogin]))
            d->failed = true;
    }
    m_health.add(event, inserted);
    if (!inserted) {
        ++d->batch.duplicates;
        return;
    }
    d->repoIndex->add(event.createdAt, event.repoName, event.id);

    d->gold.add(event, &d->batch);
}

void SqliteEventStore::invalid(std::string_view reason, std::string_view raw)
{
    sqlite3_stmt *insert = d->statements[InsertQuarantine];
    sqlite3_bind_int64(insert, 1, d->sourceId);
    sqlite3_bind_int64(insert, 2, m_line);
    bindText(insert, 3, reason);
    bindText(insert, 4, raw.substr(0, 65536));
    if (!run(insert))
        d->failed = true;
    else if (sqlite3_changes(d->db) > 0)
        ++d->batch.quarantined;
}

void SqliteEventStore::pullRequest(const QString &repository, qint64 number, const QString &author,
                                   qint64 createdAt, qint64 closedAt, qint64 mergedAt)
{
    const QByteArray name = repository.toUtf8();
    const QByteArray login = author.toUtf8();
    // The same parameters feed silver's row and gold's copy (which skips ?3 and ?7).
    for (Statement kind : {UpsertPullRequest, UpsertPullRequestHistory}) {
        sqlite3_stmt *upsert = d->statements[kind];
        bindText(upsert, 1, name);
        sqlite3_bind_int64(upsert, 2, number);
        if (kind == UpsertPullRequest) {
            bindText(upsert, 3, login);
            sqlite3_bind_int64(upsert, 7, d->sourceId);
        }
        sqlite3_bind_int64(upsert, 4, createdAt);
        closedAt >= 0 ? sqlite3_bind_int64(upsert, 5, closedAt) : sqlite3_bind_null(upsert, 5);
        mergedAt >= 0 ? sqlite3_bind_int64(upsert, 6, mergedAt) : sqlite3_bind_null(upsert, 6);
        if (!run(upsert))
            d->failed = true;
    }
}

void SqliteEventStore::starDay(const QString &repository, qint64 day, qint64 stars)
{
    const QByteArray name = repository.toUtf8();
    for (Statement kind : {UpsertStarDay, UpsertStarDayGold}) {
        sqlite3_stmt *upsert = d->statements[kind];
        bindText(upsert, 1, name);
        sqlite3_bind_int64(upsert, 2, day);
        sqlite3_bind_int64(upsert, 3, stars);
        if (kind == UpsertStarDay)
            sqlite3_bind_int64(upsert, 4, d->sourceId);
        if (!run(upsert))
            d->failed = true;
    }
}

void SqliteEventStore::repositoryCounts(const RepositoryCounts &counts)
{
    sqlite3_stmt *upsert = d->statements[UpsertRepositoryCounts];
    bindText(upsert, 1, counts.repository.toUtf8());
    sqlite3_bind_int64(upsert, 2, counts.fetchedAt);
    sqlite3_bind_int64(upsert, 3, counts.stars);
    sqlite3_bind_int64(upsert, 4, counts.forks);
    sqlite3_bind_int64(upsert, 5, counts.openIssues);
    counts.subscribers >= 0 ? sqlite3_bind_int64(upsert, 6, counts.subscribers)
                            : sqlite3_bind_null(upsert, 6);
    sqlite3_bind_int64(upsert, 7, d->sourceId);
    if (!run(upsert))
        d->failed = true;
}

bool SqliteEventStore::flushGold()
{
    const GoldDelta &gold = d->gold;
    sqlite3_stmt *typeMinute = d->statements[UpsertTypeMinute];
    const QHash<GoldDelta::MinuteKey, qint64> typeMinutes = gold.typeMinutes();
    for (auto it = typeMinutes.cbegin(); it != typeMinutes.cend(); ++it) {
        sqlite3_bind_int64(typeMinute, 1, it.key().first);
        bindText(typeMinute, 2, gold.types()[it.key().second]);
        sqlite3_bind_int64(typeMinute, 3, it.value());
        if (!run(typeMinute))
            return false;
    }
    // Repositories and types first: their gold ids key the count blocks and pull requests.
    QList<qint64> repoIds, typeIds;
    if (!upsertRepositories(&repoIds))
        return false;
    for (const QByteArray &name : gold.types()) {
        sqlite3_stmt *type = d->statements[UpsertType];
        bindText(type, 1, name);
        const std::optional<qint64> id = returnedId(type);
        if (!id)
            return false;
        typeIds.append(*id);
    }
    sqlite3_stmt *pr = d->statements[InsertPrOpened];
    for (const GoldDelta::PullRequestOpened &opened : gold.pullRequestsOpened()) {
        sqlite3_bind_int64(pr, 1, repoIds[opened.repository]);
        sqlite3_bind_int64(pr, 2, opened.createdAt);
        sqlite3_bind_int64(pr, 3, opened.eventId);
        if (!run(pr))
            return false;
    }
    if (!applyPullRequestChanges())
        return false;
    sqlite3_stmt *total = d->statements[AddEventsTotal];
    sqlite3_bind_int64(total, 1, d->batch.inserted);
    return run(total) && addToRollups(d->repoRollups, gold.repositorySeconds(), repoIds)
        && addToRollups(d->typeRollups, gold.typeSeconds(), typeIds);
}

bool SqliteEventStore::writeHealth()
{
    QString error;
    if (m_health.write(d->database, &error))
        return true;
    qCWarning(lcStore) << "cannot write the source's measurements:" << error;
    return false;
}

bool SqliteEventStore::applyPullRequestChanges()
{
    using Change = GoldDelta::PullRequestChange;
    for (const Change &change : d->gold.pullRequestChanges()) {
        const Statement silver = change.kind == Change::Opened ? OpenPullRequest
            : change.kind == Change::Closed                    ? ClosePullRequest
                                                               : ReopenPullRequest;
        // Each history statement follows its silver one; unused parameters stay unbound.
        for (Statement kind : {silver, Statement(silver + 1)}) {
            sqlite3_stmt *statement = d->statements[kind];
            bindText(statement, 1, d->gold.repositories()[change.repository].name);
            sqlite3_bind_int64(statement, 2, change.number);
            bindText(statement, 3, std::string_view(change.author));
            sqlite3_bind_int64(statement, 4, change.at);
            sqlite3_bind_int64(statement, 5, d->sourceId);
            change.merged ? sqlite3_bind_int64(statement, 6, change.at)
                          : sqlite3_bind_null(statement, 6);
            if (!run(statement))
                return false;
        }
    }
    return true;
}

// Adds the batch's repositories to gold and gives their ids, by GoldDelta's index. At a
// million repositories the upsert's walk of the key index is what costs most: ids this
// writer knows are updated by id instead, in id order, and the rest upserted in key order.
bool SqliteEventStore::upsertRepositories(QList<qint64> *ids)
{
    constexpr qsizetype maxKnownIds = 2000000; // two days of GitHub, about 50 MB
    const QList<GoldDelta::Repository> &repositories = d->gold.repositories();
    ids->fill(0, repositories.size());
    QList<std::pair<qint64, int>> known; // cached id, index
    QList<std::pair<QByteArray, int>> unknown; // key, index
    for (int i = 0; i < repositories.size(); ++i) {
        const QByteArray key = repositories[i].name.toLower();
        const auto it = d->knownRepoIds.constFind(qHash(key));
        if (it != d->knownRepoIds.cend())
            known.append({it.value(), i});
        else
            unknown.append({key, i});
    }
    std::sort(known.begin(), known.end());
    sqlite3_stmt *update = d->statements[UpdateKnownRepo];
    for (const auto &[id, index] : std::as_const(known)) {
        const GoldDelta::Repository &totals = repositories[index];
        sqlite3_bind_int64(update, 1, id);
        bindText(update, 2, totals.name);
        sqlite3_bind_int64(update, 3, totals.events);
        sqlite3_bind_int64(update, 4, totals.lastEventAt);
        if (!run(update))
            return false;
        if (sqlite3_changes(d->db) == 1)
            (*ids)[index] = id;
        else
            unknown.append({totals.name.toLower(), index}); // gold was rebuilt meanwhile
    }
    std::sort(unknown.begin(), unknown.end());
    if (d->knownRepoIds.size() + unknown.size() > maxKnownIds)
        d->knownRepoIds.clear();
    sqlite3_stmt *upsert = d->statements[UpsertRepo];
    for (const auto &[key, index] : std::as_const(unknown)) {
        const GoldDelta::Repository &totals = repositories[index];
        bindText(upsert, 1, totals.name);
        sqlite3_bind_int64(upsert, 2, totals.events);
        sqlite3_bind_int64(upsert, 3, totals.lastEventAt);
        const std::optional<qint64> id = returnedId(upsert);
        if (!id)
            return false;
        (*ids)[index] = *id;
        d->knownRepoIds.insert(qHash(key), *id);
    }
    return true;
}

// Steps an upsert ... RETURNING id; the id, or nothing when the statement failed.
std::optional<qint64> SqliteEventStore::returnedId(sqlite3_stmt *upsert)
{
    const bool returned = sqlite3_step(upsert) == SQLITE_ROW;
    const qint64 id = returned ? sqlite3_column_int64(upsert, 0) : 0;
    const bool done = returned && sqlite3_step(upsert) == SQLITE_DONE;
    sqlite3_reset(upsert);
    return done ? std::optional<qint64>(id) : std::nullopt;
}

// The batch's counts by second into minute blocks, then a few pending hours and days rolled
// up: enough to keep up with an import in time order, little enough to keep commits short.
bool SqliteEventStore::addToRollups(CountRollups &rollups,
                                    const QHash<GoldDelta::SecondKey, qint64> &seconds,
                                    const QList<qint64> &goldIds)
{
    std::map<qint64, std::vector<CountBlock::Entry>> byMinute;
    for (auto it = seconds.cbegin(); it != seconds.cend(); ++it) {
        const qint64 createdAt = it.key().first;
        const qint64 minute = CountBlock::minuteOf(createdAt);
        byMinute[minute].push_back(CountBlock::Entry::of(
            quint32(goldIds[it.key().second]), quint32(it.value()), int(createdAt - minute * 60)));
    }
    try {
        rollups.beginBatch(d->db);
        for (auto &[minute, entries] : byMinute)
            rollups.addToMinute(minute, CountBlock::combined(std::move(entries)));
        rollups.rollUpPending(4);
        return true;
    } catch (const StoreUnavailable &failure) {
        qCWarning(lcStore) << "cannot write gold's count blocks:" << failure.message;
        return false;
    }
}

bool SqliteEventStore::commitBatch(const SourceProgress &progress, QList<BatchResult> *committed)
{
    sqlite3_stmt *source = d->statements[UpdateSource];
    sqlite3_bind_int64(source, 1, progress.sourceId);
    sqlite3_bind_int64(source, 2, progress.offset);
    sqlite3_bind_int64(source, 3, progress.lines);
    sqlite3_bind_int(source, 4, progress.complete ? 1 : 0);
    sqlite3_bind_int64(source, 5, d->batch.inserted);
    sqlite3_bind_int64(source, 6, d->batch.duplicates);
    sqlite3_bind_int64(source, 7, d->batch.quarantined);
    sqlite3_bind_int64(source, 8, QDateTime::currentSecsSinceEpoch());
    if (progress.complete)
        m_health.addRequest();
    // The index commits its entries while gold is written: they must commit before silver.
    const bool ok = !d->failed && sendRepoIndex() && flushGold() && writeHealth()
        && recordRepoIndex() && run(source)
        && d->exec(
            "INSERT INTO main.meta VALUES('batch', 1) ON CONFLICT DO UPDATE SET value = value + 1;"
            "INSERT INTO gold.meta VALUES('batch', (SELECT value FROM main.meta WHERE key = "
            "'batch'))"
            " ON CONFLICT DO UPDATE SET value = excluded.value;")
        && d->exec("COMMIT");
    if (!ok) {
        m_error = QString::fromUtf8(sqlite3_errmsg(d->db));
        const BatchResult batch = d->batch;
        rollbackBatch();
        // Silver and gold are two files: with WAL, a COMMIT can land in silver and fail in
        // gold (a full disk). Then the batch is in silver, and says so; gold is repaired
        // from silver on the next start.
        if (progressStored(progress)) {
            committed->append(batch);
            m_error = u"the events are in silver, but gold could not be written (%1); it is "
                      "brought up to date from silver on the next start"_s.arg(m_error);
        }
        return false;
    }
    committed->append(d->batch);
    d->checkpointer->committed();
    return true;
}

bool SqliteEventStore::progressStored(const SourceProgress &progress)
{
    sqlite3_stmt *query = nullptr;
    sqlite3_prepare_v2(d->db, "SELECT \"offset\", lines FROM sources WHERE id = ?1", -1, &query,
                       nullptr);
    sqlite3_bind_int64(query, 1, progress.sourceId);
    const bool stored = sqlite3_step(query) == SQLITE_ROW
        && sqlite3_column_int64(query, 0) == progress.offset
        && sqlite3_column_int64(query, 1) == progress.lines;
    sqlite3_finalize(query);
    return stored;
}

bool SqliteEventStore::sendRepoIndex()
{
    d->indexing = false;
    d->indexCommitting = true;
    d->repoIndex->sendCommit();
    return true;
}

// The batch's index entries commit before its silver does (see RepoIndexWriter), and
// silver records the index's sequence number with them.
bool SqliteEventStore::recordRepoIndex()
{
    d->indexCommitting = false;
    QString error;
    const std::optional<qint64> sequence = d->repoIndex->awaitCommit(&error);
    if (!sequence) {
        qCWarning(lcStore).noquote() << error;
        return false;
    }
    sqlite3_stmt *record = d->statements[RecordIndexed];
    sqlite3_bind_int64(record, 1, *sequence);
    return run(record);
}

void SqliteEventStore::rollbackBatch()
{
    // Entries already handed over commit anyway: without their events they point at nothing.
    // Their answer is read, or the next batch would take it for its own.
    QString ignored;
    if (d->repoIndex && std::exchange(d->indexing, false)) {
        d->repoIndex->discard();
        d->repoIndex->sendCommit();
        d->indexCommitting = true;
    }
    if (std::exchange(d->indexCommitting, false))
        d->repoIndex->awaitCommit(&ignored);
    if (!sqlite3_get_autocommit(d->db))
        d->exec("ROLLBACK");
    d->clearBatch();
    m_health.clear();
}

// Counted as a batch, in silver and gold alike: readers see a new data version.
bool SqliteEventStore::recordCoverage(qint64 hourStart)
{
    if (d->exec("BEGIN IMMEDIATE") && writeCoverage(d->database, hourStart)
        && d->exec("UPDATE main.meta SET value = value + 1 WHERE key = 'batch';"
                   "UPDATE gold.meta SET value = value + 1 WHERE key = 'batch'; COMMIT"))
        return true;
    d->exec("ROLLBACK");
    return false;
}
