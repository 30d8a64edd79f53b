#include "store/postgreseventstore.h"

#include "store/connection.h"
#include "store/postgresbatchwriter.h"
#include "store/postgresrepoblocks.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {

// Keys compare bytewise (COLLATE "C"), as in SQLite, whatever the server's locale: the
// prefix search and the name order of ties then agree on both backends. Events carry no
// foreign key to their source: the check would cost every insert a lookup. The per-minute
// keys INCLUDE their counts, so a window is an index-only range scan: rows upserted over
// many batches lie scattered in the heap (at 10M events a 60-minute window read 18,000
// heap pages in 60 ms, and 12 ms from the index alone).
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
        source_id bigint NOT NULL, arrived_at bigint))",
    // Silver written before arrival times were kept gains the column, NULL for its events.
    "ALTER TABLE silver.events ADD COLUMN IF NOT EXISTS arrived_at bigint",
    "CREATE INDEX IF NOT EXISTS events_created_at ON silver.events(created_at)",
    // A watched scope's events: each repository's are one range, by time.
    "CREATE INDEX IF NOT EXISTS events_repo ON silver.events(lower(repo_name), created_at)",
    R"(CREATE TABLE IF NOT EXISTS silver.quarantine(
        id bigserial PRIMARY KEY, source_id bigint NOT NULL, line bigint NOT NULL,
        reason text NOT NULL, raw text, UNIQUE(source_id, line)))",
    R"(CREATE TABLE IF NOT EXISTS silver.pull_requests(
        repo_key text COLLATE "C" NOT NULL, number bigint NOT NULL, repo_name text NOT NULL,
        author text, created_at bigint NOT NULL, closed_at bigint, merged_at bigint,
        source_id bigint NOT NULL, PRIMARY KEY(repo_key, number)))",
    R"(CREATE TABLE IF NOT EXISTS gold.type_minute(
        minute bigint NOT NULL, type text COLLATE "C" NOT NULL, events bigint NOT NULL,
        PRIMARY KEY(minute, type) INCLUDE (events)))",
    R"(CREATE TABLE IF NOT EXISTS gold.repos(
        repo_id bigserial PRIMARY KEY, repo_key text COLLATE "C" NOT NULL UNIQUE,
        repo_name text COLLATE "C" NOT NULL, events bigint NOT NULL,
        last_event_at bigint NOT NULL))",
    // Replaced by gold.repo_blocks, whose minutes keep their seconds.
    "DROP TABLE IF EXISTS gold.repo_minute",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_opened(
        repo_id bigint NOT NULL, created_at bigint NOT NULL, event_id bigint NOT NULL,
        PRIMARY KEY(repo_id, created_at, event_id)))",
    "CREATE TABLE IF NOT EXISTS gold.meta(key text PRIMARY KEY, value bigint NOT NULL)",
    // Replaced by gold.archive_hours, which says whether an archived hour is complete.
    "DROP TABLE IF EXISTS gold.coverage",
    R"(CREATE TABLE IF NOT EXISTS silver.star_days(
        repo_key text COLLATE "C" NOT NULL, day bigint NOT NULL, stars bigint NOT NULL,
        repo_name text NOT NULL, source_id bigint NOT NULL, PRIMARY KEY(repo_key, day)))",
    // Logins a payload typed "Bot" that lack the "[bot]" suffix (see EventView::actorIsBot).
    R"(CREATE TABLE IF NOT EXISTS silver.bot_logins(login text COLLATE "C" PRIMARY KEY))",
    R"(CREATE TABLE IF NOT EXISTS silver.repository_counts(
        repo_key text COLLATE "C" PRIMARY KEY, repo_name text NOT NULL,
        fetched_at bigint NOT NULL, stars bigint NOT NULL, forks bigint NOT NULL,
        open_issues bigint NOT NULL, subscribers bigint, source_id bigint NOT NULL))",
    R"(CREATE TABLE IF NOT EXISTS gold.star_days(
        repo_key text COLLATE "C" NOT NULL, day bigint NOT NULL, stars bigint NOT NULL,
        repo_name text NOT NULL, PRIMARY KEY(repo_key, day)))",
    R"(CREATE TABLE IF NOT EXISTS gold.pr_history(
        repo_key text COLLATE "C" NOT NULL, number bigint NOT NULL, created_at bigint NOT NULL,
        closed_at bigint, merged_at bigint, repo_name text COLLATE "C" NOT NULL,
        PRIMARY KEY(repo_key, number)))",
    R"(INSERT INTO gold.meta VALUES('events_total', 0), ('batch', 0),
       ('created', CAST(extract(epoch FROM clock_timestamp()) * 1000 AS bigint))
       ON CONFLICT DO NOTHING)",
};

} // namespace

struct PostgresEventStore::Private
{
    explicit Private(const QUrl &url)
        : connection(StoreLocation({}, url), QStringLiteral("store"), false)
    {
    }

    Connection connection; // this thread's: schemas, progress, clearing
    QSqlDatabase &database = connection.current();
    std::unique_ptr<PostgresBatchWriter> writer;
    PendingBatch batch; // being filled
    bool writing = false; // the previous batch is with the writer

    bool exec(const QString &sql, QString *error)
    {
        QSqlQuery query(database);
        if (query.exec(sql))
            return true;
        *error = query.lastError().text();
        return false;
    }
};

PostgresEventStore::PostgresEventStore(const QUrl &databaseUrl)
    : m_databaseUrl(databaseUrl)
    , d(std::make_unique<Private>(databaseUrl))
{
}

PostgresEventStore::~PostgresEventStore()
{
    close();
}

QString PostgresEventStore::notificationChannel()
{
    return PostgresBatchWriter::notificationChannel();
}

bool PostgresEventStore::open()
{
    close();
    if (!d->connection.open(&m_error))
        return false;
    if (QString error; !createSchema(&error)) {
        m_error = u"cannot create the schemas in %1: %2"_s.arg(
            m_databaseUrl.toDisplayString(QUrl::RemovePassword), error);
        close();
        return false;
    }
    d->writer = std::make_unique<PostgresBatchWriter>(m_databaseUrl);
    if (!d->writer->start(&m_error)) {
        close();
        return false;
    }
    return true;
}

void PostgresEventStore::close()
{
    QList<BatchResult> discarded;
    waitForCommits(&discarded);
    d->writer.reset();
    d->connection.close();
}

// Collectors starting together would race on the catalog: a transaction-scoped advisory
// lock lets one create the schemas while the others wait.
bool PostgresEventStore::createSchema(QString *error)
{
    if (!d->database.transaction()) {
        *error = d->database.lastError().text();
        return false;
    }
    bool ok = d->exec(u"SELECT pg_advisory_xact_lock(hashtext('ghmonitor schema'))"_s, error);
    for (const char *statement : schema)
        ok = ok && d->exec(QString::fromUtf8(statement), error);
    const QStringList measurements = HealthDelta::schema(true)
        << archiveHoursSchema(true) << PostgresRepoBlocks::schema();
    for (const QString &statement : measurements)
        ok = ok && d->exec(statement, error);
    ok = ok && PostgresRepoBlocks::backfill(d->database, error);
    if (ok && d->database.commit())
        return true;
    d->database.rollback();
    return false;
}

bool PostgresEventStore::clear()
{
    if (!d->database.isOpen() && !open())
        return false;
    QList<BatchResult> discarded;
    waitForCommits(&discarded);
    // The batch counter goes on counting: readers' caches key on it.
    const bool ok = d->database.transaction()
        && d->exec(uR"(TRUNCATE events, sources, quarantine, pull_requests, star_days,
                       repository_counts, bot_logins,
                       gold.type_minute, gold.repos, gold.repo_blocks, gold.types, gold.type_blocks,
                       gold.pr_opened,
                       gold.pr_history, gold.star_days,
                       gold.archive_hours, gold.source_hours, gold.source_types,
                       gold.source_lag, gold.feeds, gold.feed_gaps RESTART IDENTITY)"_s,
                   &m_error)
        && d->exec(u"UPDATE gold.meta SET value = 0 WHERE key = 'events_total'"_s, &m_error)
        && d->exec(u"UPDATE gold.meta SET value = value + 1 WHERE key = 'batch'"_s, &m_error)
        && d->database.commit();
    if (!ok)
        d->database.rollback();
    return ok;
}

std::optional<SourceProgress> PostgresEventStore::sourceProgress(const QString &sourceKey)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            const std::optional<SourceProgress> progress = readProgress(
                d->connection.database(),
                u"INSERT INTO sources(path) VALUES(?) ON CONFLICT (path) DO NOTHING"_s,
                u"SELECT id, \"offset\", lines, complete FROM sources WHERE path = ?"_s, sourceKey);
            if (progress)
                return progress;
        } catch (const StoreUnavailable &unavailable) {
            m_error = unavailable.message;
        }
        // Likely the shared server dropped the connection (a restart, the network): these
        // two statements fail for little else.
        d->connection.markLost();
    }
    return std::nullopt;
}

bool PostgresEventStore::beginBatch(qint64 sourceId)
{
    d->batch = {};
    d->batch.sourceId = sourceId;
    d->batch.origin = m_health.origin();
    return true;
}

void PostgresEventStore::event(const EventView &event)
{
    d->batch.events.emplace_back(event);
    if (event.actorIsBot && !event.actorLogin.ends_with("[bot]"))
        d->batch.botLogins.insert(QString::fromUtf8(event.actorLogin).toLower());
}

void PostgresEventStore::invalid(std::string_view reason, std::string_view raw)
{
    // Bad input may be bad UTF-8 too: decoding replaces what PostgreSQL would refuse.
    QString text = QString::fromUtf8(raw.substr(0, 65536));
    text.remove(QChar(0));
    d->batch.quarantine.append({m_line, QString::fromUtf8(reason), text});
}

void PostgresEventStore::pullRequest(const QString &repository, qint64 number,
                                     const QString &author, qint64 createdAt, qint64 closedAt,
                                     qint64 mergedAt)
{
    d->batch.pullRequests.append({repository, number, author, createdAt, closedAt, mergedAt});
}

void PostgresEventStore::starDay(const QString &repository, qint64 day, qint64 stars)
{
    d->batch.starDays.append({repository, day, stars});
}

void PostgresEventStore::repositoryCounts(const RepositoryCounts &counts)
{
    d->batch.repositoryCounts.append(counts);
}

bool PostgresEventStore::commitBatch(const SourceProgress &progress, QList<BatchResult> *committed)
{
    if (!waitForCommits(committed)) {
        d->batch = {};
        return false;
    }
    d->batch.progress = progress;
    d->batch.origin = m_health.origin();
    d->writer->write(std::exchange(d->batch, {}));
    d->writing = true;
    return true;
}

bool PostgresEventStore::waitForCommits(QList<BatchResult> *committed)
{
    if (!std::exchange(d->writing, false))
        return true;
    BatchResult result;
    if (!d->writer->wait(&result, &m_error))
        return false;
    committed->append(result);
    return true;
}

void PostgresEventStore::rollbackBatch()
{
    d->batch = {};
}

// Readers cache answers by gold's batch count: the coverage counts as one.
bool PostgresEventStore::recordCoverage(qint64 hourStart)
{
    return writeCoverage(d->connection.database(), hourStart)
        && d->exec(u"UPDATE gold.meta SET value = value + 1 WHERE key = 'batch'"_s, &m_error);
}
