#include "store/postgresrepoblocks.h"

#include "store/countblock.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 day = 86400;
// gold.meta's key for blocks whose minutes keep their seconds.
constexpr auto secondsKey = "repo_blocks_seconds"_L1;

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

// Adds the minute and hour blocks of an hour of silver, joined to gold's repository ids, and
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

enum class Merge { Done, Conflict, Failed };

// The blocks of one period summed into one, in the caller's transaction, read one at a time:
// memory holds the sum and one block. A conflict is another writer that merged some of
// them first: the caller rolls back and keeps theirs.
Merge mergePeriod(QSqlDatabase &database, int span, qint64 period, QString *error)
{
    QSqlQuery query(database);
    query.prepare(u"SELECT id FROM gold.repo_blocks WHERE span = ? AND period = ?"_s);
    query.addBindValue(span);
    query.addBindValue(period);
    if (!execute(query, error))
        return Merge::Failed;
    QStringList ids;
    while (query.next())
        ids << query.value(0).toString();
    query.prepare(u"SELECT block FROM gold.repo_blocks WHERE id = ?"_s);
    QByteArray sum;
    for (const QString &id : std::as_const(ids)) {
        query.addBindValue(id.toLongLong());
        if (!execute(query, error))
            return Merge::Failed;
        if (query.next())
            sum = CountBlock::merge(sum, query.value(0).toByteArray());
        query.finish();
    }
    query.prepare(u"DELETE FROM gold.repo_blocks WHERE id = ANY(CAST(? AS bigint[]))"_s);
    query.addBindValue(u"{%1}"_s.arg(ids.join(u',')));
    if (!execute(query, error))
        return Merge::Failed;
    if (query.numRowsAffected() != ids.size())
        return Merge::Conflict;
    query.prepare(u"INSERT INTO gold.repo_blocks(span, period, block) VALUES(?, ?, ?)"_s);
    query.addBindValue(span);
    query.addBindValue(period);
    query.addBindValue(sum);
    return execute(query, error) ? Merge::Done : Merge::Failed;
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

bool PostgresRepoBlocks::compact(QSqlDatabase &database, const std::vector<Period> &periods,
                                 QString *error)
{
    if (periods.empty())
        return true;
    QStringList spans, starts;
    for (const auto &[span, period] : periods) {
        spans << QString::number(span);
        starts << QString::number(period);
    }
    QSqlQuery crowded(database);
    crowded.prepare(uR"(SELECT b.span, b.period FROM gold.repo_blocks b
        JOIN unnest(CAST(? AS integer[]), CAST(? AS bigint[])) AS t(span, period)
        USING (span, period) GROUP BY 1, 2 HAVING COUNT(*) > ?)"_s);
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
        const Merge merge = mergePeriod(database, span, period, error);
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

QStringList PostgresRepoBlocks::schema()
{
    return {uR"(CREATE TABLE IF NOT EXISTS gold.repo_blocks(
                id bigserial PRIMARY KEY, span integer NOT NULL, period bigint NOT NULL,
                block bytea NOT NULL))"_s,
            u"CREATE INDEX IF NOT EXISTS repo_blocks_period ON gold.repo_blocks(span, period)"_s};
}

bool PostgresRepoBlocks::backfill(const QSqlDatabase &database, QString *error)
{
    QSqlQuery query(database);
    if (!query.exec(u"SELECT 1 FROM gold.meta WHERE key = '%1'"_s.arg(secondsKey)))
        return failed(query, error);
    if (query.next())
        return true;
    if (!query.exec(u"SELECT MIN(created_at), MAX(created_at) FROM events"_s) || !query.next())
        return failed(query, error);
    const bool empty = query.value(0).isNull();
    const qint64 first = CountBlock::floorDiv(query.value(0).toLongLong(), 3600);
    const qint64 last = CountBlock::floorDiv(query.value(1).toLongLong(), 3600);
    query.finish();
    QSqlQuery read(database);
    read.setForwardOnly(true);
    read.prepare(uR"(SELECT e.created_at, r.repo_id, COUNT(*) FROM events e
                     JOIN gold.repos r ON r.repo_key = lower(e.repo_name)
                     WHERE e.created_at BETWEEN ? AND ? GROUP BY 1, 2)"_s);
    QSqlQuery insert(database);
    insert.prepare(u"INSERT INTO gold.repo_blocks(span, period, block) VALUES(?, ?, ?)"_s);
    if (!query.exec(u"DELETE FROM gold.repo_blocks"_s))
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
    return query.exec(u"INSERT INTO gold.meta VALUES('%1', 1)"_s.arg(secondsKey))
        || failed(query, error);
}
