#include "store/postgresrepoblocks.h"

#include "store/countblock.h"
#include "store/database.h"

#include <QSqlQuery>
#include <QtEndian>

#include <libpq-fe.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

using PostgresRepoBlocks::Dimension;

constexpr qint64 day = 86400;

// gold.meta's key for a dimension's blocks that are complete, their minutes with seconds.
QLatin1StringView completeKey(Dimension dimension)
{
    return dimension == Dimension::Repositories ? "repo_blocks_seconds"_L1 : "type_blocks"_L1;
}

// Silver's events by second and gold id, for an hour's [?, ?].
QString silverCountsOf(Dimension dimension)
{
    return dimension == Dimension::Repositories
        ? uR"(SELECT e.created_at, r.repo_id, COUNT(*) FROM events e
              JOIN gold.repos r ON r.repo_key = lower(e.repo_name)
              WHERE e.created_at BETWEEN ? AND ? GROUP BY 1, 2)"_s
        : uR"(SELECT e.created_at, t.type_id, COUNT(*) FROM events e
              JOIN gold.types t ON t.name = e.type
              WHERE e.created_at BETWEEN ? AND ? GROUP BY 1, 2)"_s;
}

bool failed(const QSqlQuery &query, QString *error)
{
    *error = query.lastError().text();
    return false;
}

bool execute(QSqlQuery &query, QString *error)
{
    return query.exec() || failed(query, error);
}

bool insertBlock(QSqlQuery &insert, int span, qint64 period, const QByteArray &block,
                 QString *error)
{
    insert.addBindValue(span);
    insert.addBindValue(period);
    insert.addBindValue(block);
    return execute(insert, error);
}

// Adds the minute and hour blocks of an hour of silver, joined to gold's ids, and
// sums its counts into `dayBlock`, which the caller writes when the day ends: memory
// stays within an hour's (second, repository) pairs and a day's block.
bool backfillHour(QSqlQuery &read, QSqlQuery &insert, qint64 hourStart, QByteArray *dayBlock,
                  QString *error)
{
    read.addBindValue(hourStart);
    read.addBindValue(hourStart + 3599);
    if (!execute(read, error))
        return false;
    PostgresRepoBlocks::SecondCounts counts;
    while (read.next())
        counts[{read.value(0).toLongLong(), read.value(1).toUInt()}] += read.value(2).toUInt();
    read.finish();
    for (const PostgresRepoBlocks::Block &block : PostgresRepoBlocks::blocksOf(counts)) {
        if (block.span == day)
            *dayBlock = CountBlock::merge(*dayBlock, block.block);
        else if (!insertBlock(insert, block.span, block.period, block.block, error))
            return false;
    }
    return true;
}

// An int8 column of a binary result: big-endian.
qint64 int8At(const PGresult *result, int row, int column)
{
    return qFromBigEndian<qint64>(PQgetvalue(result, row, column));
}

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// A failed statement's error: no SQLSTATE means libpq lost the server, not a statement the
// server refused.
QSqlError blocksError(PGconn *connection, const PGresult *result)
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char *message = state ? PQresultErrorMessage(result) : PQerrorMessage(connection);
    return QSqlError(u"reading gold's blocks"_s, QString::fromUtf8(message).trimmed(),
                     state ? QSqlError::StatementError : QSqlError::ConnectionError,
                     QString::fromLatin1(state));
}

// `sql` with one text parameter, its rows (id, version, period, block) read in binary. As
// text, bytea crosses as hex, which the server writes at about 40 MB of blocks a second
// (a day's hour blocks, 26 MB, took 0.6 s) and the client decodes; in binary it is the bytes
// themselves. Qt's driver asks for text only, so this goes through libpq on the connection
// Qt opened, after the caller has finished its Qt statements. Rows come one at a time: a
// whole result would hold every block twice, in libpq's memory and ours, and an hour's
// minute blocks (about 2 MB) took 8 ms that way against 5 ms row by row.
std::optional<std::vector<PostgresRepoBlocks::StoredBlock>>
selectBlocks(const QSqlDatabase &database, const QByteArray &sql, const QByteArray &parameter,
             QSqlError *error)
{
    PGconn *connection = Database::postgresHandle(database);
    if (!connection) {
        *error = QSqlError(u"reading gold's blocks"_s, u"no PostgreSQL connection"_s,
                           QSqlError::ConnectionError);
        return std::nullopt;
    }
    // What Qt's driver left unread of its finished statements, as PQexec() would discard it.
    while (const Result stale {PQgetResult(connection), &PQclear}) { }
    const char *values[] = {parameter.constData()};
    if (!PQsendQueryParams(connection, sql.constData(), 1, nullptr, values, nullptr, nullptr, 1)
        || !PQsetSingleRowMode(connection)) {
        *error = blocksError(connection, nullptr);
        return std::nullopt;
    }
    std::vector<PostgresRepoBlocks::StoredBlock> blocks;
    std::optional<QSqlError> failed;
    // Read to the end even after a failure: the connection is then ready for the next statement.
    while (const Result row {PQgetResult(connection), &PQclear}) {
        const PGresult *result = row.get();
        if (PQresultStatus(result) == PGRES_SINGLE_TUPLE) {
            blocks.push_back({int8At(result, 0, 0), int8At(result, 0, 1), int8At(result, 0, 2),
                              QByteArray(PQgetvalue(result, 0, 3), PQgetlength(result, 0, 3))});
        } else if (PQresultStatus(result) != PGRES_TUPLES_OK && !failed) {
            failed = blocksError(connection, result);
        }
    }
    if (failed) {
        *error = *failed;
        return std::nullopt;
    }
    return blocks;
}

QByteArray arrayLiteral(const QList<qint64> &values)
{
    QByteArrayList items;
    for (const qint64 value : values)
        items << QByteArray::number(value);
    return '{' + items.join(',') + '}';
}

enum class Merge { Done, Conflict, Failed };

// The blocks of one period summed into one, in the caller's transaction, read one at a time:
// memory holds the sum and one block. A conflict is another writer that merged some of
// them first: the caller rolls back and keeps theirs.
Merge mergePeriod(QSqlDatabase &database, const QString &table, int span, qint64 period,
                  QString *error)
{
    QSqlQuery query(database);
    query.prepare(u"SELECT id FROM %1 WHERE span = ? AND period = ?"_s.arg(table));
    query.addBindValue(span);
    query.addBindValue(period);
    if (!execute(query, error))
        return Merge::Failed;
    QStringList ids;
    while (query.next())
        ids << query.value(0).toString();
    query.prepare(u"SELECT block FROM %1 WHERE id = ?"_s.arg(table));
    QByteArray sum;
    for (const QString &id : std::as_const(ids)) {
        query.addBindValue(id.toLongLong());
        if (!execute(query, error))
            return Merge::Failed;
        if (query.next())
            sum = CountBlock::merge(sum, query.value(0).toByteArray());
        query.finish();
    }
    query.prepare(u"DELETE FROM %1 WHERE id = ANY(CAST(? AS bigint[]))"_s.arg(table));
    query.addBindValue(u"{%1}"_s.arg(ids.join(u',')));
    if (!execute(query, error))
        return Merge::Failed;
    if (query.numRowsAffected() != ids.size())
        return Merge::Conflict;
    query.prepare(u"INSERT INTO %1(span, period, block) VALUES(?, ?, ?)"_s.arg(table));
    query.addBindValue(span);
    query.addBindValue(period);
    query.addBindValue(sum);
    return execute(query, error) ? Merge::Done : Merge::Failed;
}

// The blocks of `dimension` built from silver, unless gold.meta says they are complete.
bool backfillDimension(const QSqlDatabase &database, Dimension dimension, QString *error)
{
    QSqlQuery query(database);
    if (!query.exec(u"SELECT 1 FROM gold.meta WHERE key = '%1'"_s.arg(completeKey(dimension))))
        return failed(query, error);
    if (query.next())
        return true;
    // Every type silver holds gets its id first.
    if (dimension == Dimension::Types
        && !query.exec(uR"(INSERT INTO gold.types(name) SELECT DISTINCT type FROM events
                           ORDER BY 1 ON CONFLICT DO NOTHING)"_s))
        return failed(query, error);
    if (!query.exec(u"SELECT MIN(created_at), MAX(created_at) FROM events"_s) || !query.next())
        return failed(query, error);
    const bool empty = query.value(0).isNull();
    const qint64 first = CountBlock::floorDiv(query.value(0).toLongLong(), 3600);
    const qint64 last = CountBlock::floorDiv(query.value(1).toLongLong(), 3600);
    query.finish();
    const QString table = PostgresRepoBlocks::tableOf(dimension);
    QSqlQuery read(database);
    read.setForwardOnly(true);
    read.prepare(silverCountsOf(dimension));
    QSqlQuery insert(database);
    insert.prepare(u"INSERT INTO %1(span, period, block) VALUES(?, ?, ?)"_s.arg(table));
    if (!query.exec(u"DELETE FROM %1"_s.arg(table)))
        return failed(query, error);
    QByteArray dayBlock;
    for (qint64 hour = first; !empty && hour <= last; ++hour) {
        if (!backfillHour(read, insert, hour * 3600, &dayBlock, error))
            return false;
        const bool dayEnds = CountBlock::floorDiv(hour + 1, 24) != CountBlock::floorDiv(hour, 24);
        if ((dayEnds || hour == last) && !dayBlock.isEmpty()
            && !insertBlock(insert, int(day), CountBlock::floorDiv(hour, 24),
                            std::exchange(dayBlock, {}), error))
            return false;
    }
    return query.exec(u"INSERT INTO gold.meta VALUES('%1', 1)"_s.arg(completeKey(dimension)))
        || failed(query, error);
}

} // namespace

std::vector<PostgresRepoBlocks::Block> PostgresRepoBlocks::blocksOf(const SecondCounts &counts)
{
    std::vector<Block> blocks;
    for (const qint64 span : spans) {
        std::map<qint64, std::vector<CountBlock::Entry>> periods;
        for (const auto &[key, events] : counts) {
            const qint64 period = CountBlock::floorDiv(key.first, span);
            const int second = span == 60 ? int(key.first - period * 60) : 0;
            periods[period].push_back(CountBlock::Entry::of(key.second, events, second));
        }
        for (auto &[period, entries] : periods)
            blocks.push_back(
                {int(span), period, CountBlock::encode(CountBlock::combined(std::move(entries)))});
    }
    return blocks;
}

std::vector<PostgresRepoBlocks::Period>
PostgresRepoBlocks::periodsOf(const std::vector<Block> &blocks)
{
    std::vector<Period> periods;
    periods.reserve(blocks.size());
    for (const Block &block : blocks)
        periods.push_back({block.span, block.period});
    return periods;
}

QString PostgresRepoBlocks::tableOf(Dimension dimension)
{
    return dimension == Dimension::Repositories ? u"gold.repo_blocks"_s : u"gold.type_blocks"_s;
}

bool PostgresRepoBlocks::compact(QSqlDatabase &database, Dimension dimension,
                                 const std::vector<Period> &periods, QString *error)
{
    if (periods.empty())
        return true;
    QStringList spans, starts;
    for (const auto &[span, period] : periods) {
        spans << QString::number(span);
        starts << QString::number(period);
    }
    QSqlQuery crowded(database);
    crowded.prepare(uR"(SELECT b.span, b.period FROM %1 b
        JOIN unnest(CAST(? AS integer[]), CAST(? AS bigint[])) AS t(span, period)
        USING (span, period) GROUP BY 1, 2 HAVING COUNT(*) > ?)"_s.arg(tableOf(dimension)));
    crowded.addBindValue(u"{%1}"_s.arg(spans.join(u',')));
    crowded.addBindValue(u"{%1}"_s.arg(starts.join(u',')));
    crowded.addBindValue(maxBlocksPerPeriod);
    if (!crowded.exec())
        return failed(crowded, error);
    std::vector<Period> merged;
    while (crowded.next())
        merged.push_back({crowded.value(0).toInt(), crowded.value(1).toLongLong()});
    crowded.finish();
    for (const auto &[span, period] : merged) {
        if (!database.transaction()) {
            *error = database.lastError().text();
            return false;
        }
        const Merge merge = mergePeriod(database, tableOf(dimension), span, period, error);
        if (merge != Merge::Done) {
            database.rollback();
            if (merge == Merge::Failed)
                return false;
        } else if (!database.commit()) {
            *error = database.lastError().text();
            return false;
        }
    }
    return true;
}

std::optional<std::vector<PostgresRepoBlocks::StoredBlock>>
PostgresRepoBlocks::fetch(const QSqlDatabase &database, Dimension dimension,
                          const QList<qint64> &ids, QSqlError *error)
{
    const QString sql = u"SELECT id, xmin::text::bigint, period, block FROM %1 "
                        "WHERE id = ANY(CAST($1 AS bigint[]))"_s.arg(tableOf(dimension));
    return selectBlocks(database, sql.toLatin1(), arrayLiteral(ids), error);
}

std::optional<std::vector<PostgresRepoBlocks::StoredBlock>>
PostgresRepoBlocks::fetchMinutes(const QSqlDatabase &database, Dimension dimension,
                                 const QList<qint64> &minutes, QSqlError *error)
{
    const QString sql
        = u"SELECT id, xmin::text::bigint, period, block FROM %1 "
          "WHERE span = 60 AND period = ANY(CAST($1 AS bigint[]))"_s.arg(tableOf(dimension));
    return selectBlocks(database, sql.toLatin1(), arrayLiteral(minutes), error);
}

QStringList PostgresRepoBlocks::schema()
{
    return {uR"(CREATE TABLE IF NOT EXISTS gold.repo_blocks(
                id bigserial PRIMARY KEY, span integer NOT NULL, period bigint NOT NULL,
                block bytea NOT NULL))"_s,
            u"CREATE INDEX IF NOT EXISTS repo_blocks_period ON gold.repo_blocks(span, period)"_s,
            uR"(CREATE TABLE IF NOT EXISTS gold.types(
                type_id serial PRIMARY KEY, name text COLLATE "C" NOT NULL UNIQUE))"_s,
            uR"(CREATE TABLE IF NOT EXISTS gold.type_blocks(
                id bigserial PRIMARY KEY, span integer NOT NULL, period bigint NOT NULL,
                block bytea NOT NULL))"_s,
            u"CREATE INDEX IF NOT EXISTS type_blocks_period ON gold.type_blocks(span, period)"_s};
}

bool PostgresRepoBlocks::backfill(const QSqlDatabase &database, QString *error)
{
    return backfillDimension(database, Dimension::Repositories, error)
        && backfillDimension(database, Dimension::Types, error);
}
