#include "postgreseventstore.h"

#include "database.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <libpq-fe.h>

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPostgres, "ghm.store.postgres")

namespace {

// Keys compare bytewise (COLLATE "C"), as in SQLite, whatever the server's locale: the
// prefix search and the name order of ties then agree on both backends. Events carry no
// foreign key to their source: the check would cost every insert a lookup.
const char *const schema[] = {
    "CREATE SCHEMA IF NOT EXISTS silver",
    "CREATE SCHEMA IF NOT EXISTS gold",
    R"(CREATE TABLE IF NOT EXISTS silver.sources(
        id bigserial PRIMARY KEY, path text NOT NULL UNIQUE, "offset" bigint NOT NULL DEFAULT 0,
        lines bigint NOT NULL DEFAULT 0, complete boolean NOT NULL DEFAULT false,
        events_new bigint NOT NULL DEFAULT 0, duplicates bigint NOT NULL DEFAULT 0,
        quarantined bigint NOT NULL DEFAULT 0, updated_at bigint))",
    R"(CREATE TABLE IF NOT EXISTS silver.events(
        id bigint PRIMARY KEY, type text COLLATE "C" NOT NULL, action text, actor_id bigint,
        actor_login text, repo_id bigint, repo_name text COLLATE "C" NOT NULL, org_login text,
        created_at bigint NOT NULL, public smallint, pr_number bigint,
        source_id bigint NOT NULL))",
    "CREATE INDEX IF NOT EXISTS events_created_at ON silver.events(created_at)",
    R"(CREATE TABLE IF NOT EXISTS silver.quarantine(
        id bigserial PRIMARY KEY, source_id bigint NOT NULL, line bigint NOT NULL,
        reason text NOT NULL, raw text, UNIQUE(source_id, line)))",
    R"(CREATE TABLE IF NOT EXISTS silver.pull_requests(
        repo_key text COLLATE "C" NOT NULL, number bigint NOT NULL, repo_name text NOT NULL,
        author text, created_at bigint NOT NULL, closed_at bigint, merged_at bigint,
        source_id bigint NOT NULL, PRIMARY KEY(repo_key, number)))",
    R"(CREATE TABLE IF NOT EXISTS gold.type_minute(
        minute bigint NOT NULL, type text COLLATE "C" NOT NULL, events bigint NOT NULL,
        PRIMARY KEY(minute, type)))",
    R"(CREATE TABLE IF NOT EXISTS gold.repos(
        repo_id bigserial PRIMARY KEY, repo_key text COLLATE "C" NOT NULL UNIQUE,
        repo_name text COLLATE "C" NOT NULL, events bigint NOT NULL,
        last_event_at bigint NOT NULL))",
    R"(CREATE TABLE IF NOT EXISTS gold.repo_minute(
        minute bigint NOT NULL, repo_id bigint NOT NULL, events bigint NOT NULL,
        PRIMARY KEY(minute, repo_id)))",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_opened(
        repo_id bigint NOT NULL, created_at bigint NOT NULL, event_id bigint NOT NULL,
        PRIMARY KEY(repo_id, created_at, event_id)))",
    "CREATE TABLE IF NOT EXISTS gold.meta(key text PRIMARY KEY, value bigint NOT NULL)",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_history(
        repo_key text COLLATE "C" NOT NULL, number bigint NOT NULL, created_at bigint NOT NULL,
        closed_at bigint, merged_at bigint, repo_name text COLLATE "C" NOT NULL,
        PRIMARY KEY(repo_key, number)))",
    R"(INSERT INTO gold.meta VALUES('events_total', 0), ('batch', 0)
       ON CONFLICT DO NOTHING)",
};

// Per-connection staging tables that COPY fills and each commit empties. COPY is the
// server's cheapest way in: it skips the SQL lexer and array parsing that bound values
// cost (together half the server's time per batch, measured), and rolls back with the
// transaction like any insert.
const char *const staging[] = {
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_events(
        id bigint, type text COLLATE "C", action text, actor_id bigint, actor_login text,
        repo_id bigint, repo_name text COLLATE "C", org_login text, created_at bigint,
        public smallint, pr_number bigint, source_id bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_type_minutes(
        minute bigint, type text COLLATE "C", events bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_repos(
        name text COLLATE "C", events bigint, last_at bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_repo_minutes(
        minute bigint, name text COLLATE "C", events bigint) ON COMMIT DELETE ROWS)",
    R"(CREATE TEMP TABLE IF NOT EXISTS staged_pr_opened(
        name text COLLATE "C", created_at bigint, id bigint) ON COMMIT DELETE ROWS)",
};

// Every statement that writes gold orders its rows by key, so that concurrent writers
// take row locks in one order and cannot deadlock each other.
enum Statement {
    InsertEvents,
    UpsertTypeMinutes,
    UpsertRepos,
    UpsertRepoMinutes,
    InsertPrOpened,
    InsertQuarantine,
    UpsertPullRequest,
    UpsertPullRequestHistory,
    AddEventsTotal,
    UpdateSource,
    CountBatch,
    Notify,
    StatementCount
};

const char *const statementText[StatementCount] = {
    R"(WITH inserted AS (
        INSERT INTO events SELECT * FROM staged_events ORDER BY id
        ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT array_agg(id) FROM inserted)",
    R"(INSERT INTO gold.type_minute AS g SELECT * FROM staged_type_minutes ORDER BY 1, 2
       ON CONFLICT (minute, type) DO UPDATE SET events = g.events + excluded.events)",
    // Spellings that differ in case are one repository: the latest spelling names it.
    R"(INSERT INTO gold.repos AS g(repo_key, repo_name, events, last_event_at)
       SELECT lower(name), (array_agg(name ORDER BY last_at DESC))[1], SUM(events), MAX(last_at)
       FROM staged_repos GROUP BY 1 ORDER BY 1
       ON CONFLICT (repo_key) DO UPDATE SET events = g.events + excluded.events,
       repo_name = CASE WHEN excluded.last_event_at >= g.last_event_at
                        THEN excluded.repo_name ELSE g.repo_name END,
       last_event_at = GREATEST(g.last_event_at, excluded.last_event_at))",
    R"(INSERT INTO gold.repo_minute AS g
       SELECT s.minute, r.repo_id, SUM(s.events) FROM staged_repo_minutes s
       JOIN gold.repos r ON r.repo_key = lower(s.name)
       GROUP BY 1, 2 ORDER BY 1, 2
       ON CONFLICT (minute, repo_id) DO UPDATE SET events = g.events + excluded.events)",
    R"(INSERT INTO gold.pr_opened
       SELECT r.repo_id, s.created_at, s.id FROM staged_pr_opened s
       JOIN gold.repos r ON r.repo_key = lower(s.name)
       ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING)",
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

std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), size_t(bytes.size())};
}

// An event copied out of the parser's buffers, which are reused for the next one.
struct PendingEvent
{
    explicit PendingEvent(const EventView &event)
        : id(event.id)
        , actorId(event.actorId)
        , repoId(event.repoId)
        , createdAt(event.createdAt)
        , prNumber(event.prNumber)
        , isPublic(event.isPublic)
        , type(event.type.data(), qsizetype(event.type.size()))
        , action(event.action.data(), qsizetype(event.action.size()))
        , actorLogin(event.actorLogin.data(), qsizetype(event.actorLogin.size()))
        , repoName(event.repoName.data(), qsizetype(event.repoName.size()))
        , orgLogin(event.orgLogin.data(), qsizetype(event.orgLogin.size()))
    {
    }

    EventView toView() const
    {
        return {id,      view(type),     view(action),   actorId,   view(actorLogin),
                repoId,  view(repoName), view(orgLogin), createdAt, isPublic,
                prNumber};
    }

    qint64 id, actorId, repoId, createdAt, prNumber;
    int isPublic;
    QByteArray type, action, actorLogin, repoName, orgLogin;
};

PGconn *postgresHandle(const QSqlDatabase &database)
{
    const QVariant handle = database.driver()->handle();
    // QPSQL hands out its PGconn, registered under the struct's own name.
    return handle.isValid() && qstrcmp(handle.typeName(), "pg_conn*") == 0
        ? *static_cast<PGconn *const *>(handle.constData())
        : nullptr;
}

struct PendingQuarantine
{
    qint64 line;
    QString reason;
    QString raw;
};

struct PendingPullRequest
{
    QString repository;
    qint64 number;
    QString author;
    qint64 createdAt, closedAt, mergedAt;
};

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

// Deadlocks and serialization failures: the transaction can simply run again.
bool isTransient(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    return state == "40P01"_L1 || state == "40001"_L1;
}

constexpr int maxAttempts = 5;

} // namespace

struct PostgresEventStore::Private
{
    QSqlDatabase database;
    QList<QSqlQuery> statements;
    QSqlError lastError;
    qint64 sourceId = 0;
    std::vector<PendingEvent> events;
    QList<PendingQuarantine> quarantine;
    QList<PendingPullRequest> pullRequests;
    qint64 duplicatesInBatch = 0;
    BatchResult batch;
    GoldDelta gold;

    bool exec(Statement statement, const QVariantList &values)
    {
        QSqlQuery &query = statements[statement];
        for (qsizetype i = 0; i < values.size(); ++i)
            query.bindValue(int(i), values[i]);
        if (query.exec())
            return true;
        lastError = query.lastError();
        return false;
    }

    // Streams `rows` into a staging table through libpq, on the connection Qt opened.
    bool copy(const char *table, const CopyText &rows)
    {
        if (rows.data().isEmpty())
            return true;
        PGconn *connection = postgresHandle(database);
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
                lastError
                    = QSqlError(u"COPY %1"_s.arg(QLatin1StringView(table)),
                                QString::fromUtf8(PQresultErrorMessage(result)).trimmed(),
                                QSqlError::StatementError,
                                QString::fromLatin1(PQresultErrorField(result, PG_DIAG_SQLSTATE)));
            }
            PQclear(result);
        }
        if (!ok && lastError.type() == QSqlError::NoError)
            lastError = QSqlError(u"COPY %1"_s.arg(QLatin1StringView(table)),
                                  QString::fromUtf8(PQerrorMessage(connection)).trimmed(),
                                  QSqlError::ConnectionError);
        return ok;
    }

    bool execText(const QString &sql)
    {
        QSqlQuery query(database);
        if (query.exec(sql))
            return true;
        lastError = query.lastError();
        return false;
    }

    void clearBatch()
    {
        events.clear();
        quarantine.clear();
        pullRequests.clear();
        duplicatesInBatch = 0;
        batch = {};
        gold.clear();
    }
};

PostgresEventStore::PostgresEventStore(const QUrl &databaseUrl)
    : m_databaseUrl(databaseUrl)
    , d(std::make_unique<Private>())
{
}

PostgresEventStore::~PostgresEventStore()
{
    close();
}

QString PostgresEventStore::notificationChannel()
{
    return u"ghm_gold"_s;
}

bool PostgresEventStore::open(QString *error)
{
    close();
    d->database = Database::open(StoreLocation({}, m_databaseUrl), u"writer"_s, false, error);
    if (!d->database.isValid())
        return false;
    // A commit need not wait for the server's disk: bronze is the truth, and a batch lost
    // with the server's last moments is ingested again, since its progress went with it.
    d->execText(u"SET synchronous_commit = off"_s);
    if (!createSchema()) {
        *error = u"cannot create the schemas in %1: %2"_s.arg(
            m_databaseUrl.toDisplayString(QUrl::RemovePassword), d->lastError.text());
        close();
        return false;
    }
    for (const char *table : staging) {
        if (!d->execText(QString::fromUtf8(table))) {
            *error = d->lastError.text();
            close();
            return false;
        }
    }
    for (const char *text : statementText) {
        QSqlQuery query(d->database);
        if (!query.prepare(QString::fromUtf8(text))) {
            *error = query.lastError().text();
            close();
            return false;
        }
        d->statements.append(query);
    }
    return true;
}

void PostgresEventStore::close()
{
    d->statements.clear();
    if (d->database.isValid())
        Database::close(d->database);
}

// Collectors starting together would race on the catalog: a transaction-scoped advisory
// lock lets one create the schemas while the others wait.
bool PostgresEventStore::createSchema()
{
    if (!d->database.transaction()) {
        d->lastError = d->database.lastError();
        return false;
    }
    bool ok = d->execText(u"SELECT pg_advisory_xact_lock(hashtext('ghmonitor schema'))"_s);
    for (const char *statement : schema) {
        if (ok)
            ok = d->execText(QString::fromUtf8(statement));
    }
    if (ok && d->database.commit())
        return true;
    d->database.rollback();
    return false;
}

bool PostgresEventStore::clear(QString *error)
{
    if (!d->database.isOpen() && !open(error))
        return false;
    const bool ok = d->database.transaction()
        && d->execText(uR"(TRUNCATE events, sources, quarantine, pull_requests, gold.type_minute,
                           gold.repos, gold.repo_minute, gold.pr_opened, gold.pr_history
                           RESTART IDENTITY)"_s)
        && d->execText(u"UPDATE gold.meta SET value = 0 WHERE key = 'events_total'"_s)
        && d->exec(CountBatch, {}) && d->database.commit();
    if (!ok) {
        d->database.rollback();
        *error = d->lastError.text();
    }
    return ok;
}

SourceProgress PostgresEventStore::sourceProgress(const QString &sourceKey)
{
    QSqlQuery query(d->database);
    query.prepare(u"INSERT INTO sources(path) VALUES(?) ON CONFLICT (path) DO NOTHING"_s);
    query.addBindValue(sourceKey);
    query.exec();
    query.prepare(u"SELECT id, \"offset\", lines, complete FROM sources WHERE path = ?"_s);
    query.addBindValue(sourceKey);
    SourceProgress progress;
    if (query.exec() && query.next()) {
        progress.sourceId = query.value(0).toLongLong();
        progress.offset = query.value(1).toLongLong();
        progress.lines = query.value(2).toLongLong();
        progress.complete = query.value(3).toBool();
    } else {
        m_error = query.lastError().text();
    }
    return progress;
}

bool PostgresEventStore::beginBatch(qint64 sourceId)
{
    d->clearBatch();
    d->sourceId = sourceId;
    return true;
}

void PostgresEventStore::event(const EventView &event)
{
    d->events.emplace_back(event);
}

void PostgresEventStore::invalid(std::string_view reason, std::string_view raw)
{
    // Bad input may be bad UTF-8 too: decoding replaces what PostgreSQL would refuse.
    QString text = QString::fromUtf8(raw.substr(0, 65536));
    text.remove(QChar(0));
    d->quarantine.append({m_line, QString::fromUtf8(reason), text});
}

void PostgresEventStore::pullRequest(const QString &repository, qint64 number,
                                     const QString &author, qint64 createdAt, qint64 closedAt,
                                     qint64 mergedAt)
{
    d->pullRequests.append({repository, number, author, createdAt, closedAt, mergedAt});
}

bool PostgresEventStore::commitBatch(const SourceProgress &progress, BatchResult *result)
{
    // Sorted by id, so that concurrent writers lock index entries in one order.
    std::stable_sort(d->events.begin(), d->events.end(),
                     [](const PendingEvent &a, const PendingEvent &b) { return a.id < b.id; });
    const auto unique
        = std::unique(d->events.begin(), d->events.end(),
                      [](const PendingEvent &a, const PendingEvent &b) { return a.id == b.id; });
    d->duplicatesInBatch = qint64(d->events.end() - unique);
    d->events.erase(unique, d->events.end());

    for (int attempt = 1;; ++attempt) {
        d->batch = {};
        d->batch.duplicates = d->duplicatesInBatch;
        d->gold.clear();
        if (d->database.transaction() && writeBatch(progress) && d->database.commit()) {
            *result = d->batch;
            d->clearBatch();
            return true;
        }
        if (d->lastError.type() == QSqlError::NoError)
            d->lastError = d->database.lastError();
        d->database.rollback();
        if (attempt == maxAttempts || !isTransient(d->lastError)) {
            m_error = d->lastError.text();
            d->clearBatch();
            return false;
        }
        qCInfo(lcPostgres) << "batch conflicted with another writer; retrying:"
                           << d->lastError.text();
        d->lastError = {};
        QThread::msleep(10 * attempt);
    }
}

void PostgresEventStore::rollbackBatch()
{
    d->clearBatch();
}

bool PostgresEventStore::writeBatch(const SourceProgress &progress)
{
    return insertEvents() && writeGold() && writeQuarantineAndPullRequests()
        && finishBatch(progress);
}

// Inserts the batch's events; the ids the server reports inserted are this writer's to
// count in gold, the rest are duplicates.
bool PostgresEventStore::insertEvents()
{
    if (d->events.empty())
        return true;
    CopyText rows;
    for (const PendingEvent &event : d->events) {
        rows << event.id << view(event.type) << view(event.action);
        event.actorId ? rows << event.actorId : rows.null();
        rows << view(event.actorLogin);
        event.repoId ? rows << event.repoId : rows.null();
        rows << view(event.repoName) << view(event.orgLogin) << event.createdAt;
        event.isPublic >= 0 ? rows << qint64(event.isPublic) : rows.null();
        event.prNumber >= 0 ? rows << event.prNumber : rows.null();
        rows << d->sourceId;
        rows.endRow();
    }
    if (!d->copy("staged_events", rows) || !d->exec(InsertEvents, {}))
        return false;
    QSqlQuery &query = d->statements[InsertEvents];
    const std::vector<qint64> inserted
        = query.next() ? parseIds(query.value(0).toString()) : std::vector<qint64>();
    query.finish();
    auto next = inserted.cbegin();
    for (const PendingEvent &event : d->events) {
        while (next != inserted.cend() && *next < event.id)
            ++next;
        if (next != inserted.cend() && *next == event.id)
            d->gold.add(event.toView(), &d->batch);
        else
            ++d->batch.duplicates;
    }
    return true;
}

bool PostgresEventStore::writeGold()
{
    const GoldDelta &gold = d->gold;
    if (d->batch.inserted == 0)
        return true;
    CopyText typeMinutes;
    for (auto it = gold.typeMinutes().cbegin(); it != gold.typeMinutes().cend(); ++it) {
        typeMinutes << it.key().first << view(gold.types()[it.key().second]) << it.value();
        typeMinutes.endRow();
    }
    CopyText repositories;
    for (const GoldDelta::Repository &repository : gold.repositories()) {
        repositories << view(repository.name) << repository.events << repository.lastEventAt;
        repositories.endRow();
    }
    CopyText repositoryMinutes;
    const auto &perMinute = gold.repositoryMinutes();
    for (auto it = perMinute.cbegin(); it != perMinute.cend(); ++it) {
        repositoryMinutes << it.key().first << view(gold.repositories()[it.key().second].name)
                          << it.value();
        repositoryMinutes.endRow();
    }
    CopyText opened;
    for (const GoldDelta::PullRequestOpened &pr : gold.pullRequestsOpened()) {
        opened << view(gold.repositories()[pr.repository].name) << pr.createdAt << pr.eventId;
        opened.endRow();
    }
    return d->copy("staged_type_minutes", typeMinutes) && d->copy("staged_repos", repositories)
        && d->copy("staged_repo_minutes", repositoryMinutes) && d->copy("staged_pr_opened", opened)
        && d->exec(UpsertTypeMinutes, {}) && d->exec(UpsertRepos, {})
        && d->exec(UpsertRepoMinutes, {}) && d->exec(InsertPrOpened, {})
        && d->exec(AddEventsTotal, {d->batch.inserted});
}

// Both are a few rows per batch at most: one statement each.
bool PostgresEventStore::writeQuarantineAndPullRequests()
{
    for (const PendingQuarantine &bad : std::as_const(d->quarantine)) {
        if (!d->exec(InsertQuarantine, {d->sourceId, bad.line, bad.reason, bad.raw}))
            return false;
        d->batch.quarantined += d->statements[InsertQuarantine].numRowsAffected();
    }
    for (const PendingPullRequest &pr : std::as_const(d->pullRequests)) {
        const QVariant author
            = pr.author.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(pr.author);
        if (!d->exec(UpsertPullRequest,
                     {pr.repository, pr.number, pr.repository, author, pr.createdAt,
                      nullable(pr.closedAt), nullable(pr.mergedAt), d->sourceId})
            || !d->exec(UpsertPullRequestHistory,
                        {pr.repository, pr.number, pr.createdAt, nullable(pr.closedAt),
                         nullable(pr.mergedAt), pr.repository}))
            return false;
    }
    return true;
}

// The source's progress, the version readers watch, and the notification viewers wait
// for: PostgreSQL delivers it at commit, and only if the transaction commits.
bool PostgresEventStore::finishBatch(const SourceProgress &progress)
{
    const BatchResult &batch = d->batch;
    const QString span = u"%1 %2"_s.arg(batch.firstCreatedAt).arg(batch.lastCreatedAt);
    return d->exec(UpdateSource,
                   {progress.offset, progress.lines, progress.complete, batch.inserted,
                    batch.duplicates, batch.quarantined, QDateTime::currentSecsSinceEpoch(),
                    progress.sourceId})
        && d->exec(CountBatch, {}) && d->exec(Notify, {notificationChannel(), span});
}
