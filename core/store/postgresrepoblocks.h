#pragma once

#include <QByteArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

// PostgreSQL's counts by repository and by event type as count blocks (CountBlock), in
// gold.repo_blocks and gold.type_blocks: each batch adds a block for every minute, hour and
// UTC day it touched, in its transaction, and a window's reader sums the few blocks that
// tile it, as SQLite's reader does, instead of aggregating rows by minute. Minute blocks
// keep each count's second, so a window's edges are read from them too, never from silver.
// Rows are only ever added, so concurrent writers never wait on each other for them.
namespace PostgresRepoBlocks {

constexpr int spans[] = {60, 3600, 86400}; // seconds: a minute, an hour, a day

// What a table's blocks count, keyed by gold ids: gold.repos' for repositories, gold.types'
// for event types.
enum class Dimension { Repositories, Types };

// "gold.repo_blocks" or "gold.type_blocks".
QString tableOf(Dimension dimension);

struct Block
{
    int span = 0;
    qint64 period = 0; // since the epoch, in spans
    QByteArray block;
};

// Events by (created_at, gold repository id).
using SecondCounts = std::map<std::pair<qint64, quint32>, quint32>;

// The minute, hour and day blocks of `counts`.
std::vector<Block> blocksOf(const SecondCounts &counts);

// A span and a period of it: where blocks are merged.
using Period = std::pair<int, qint64>;

// The periods of `blocks`.
std::vector<Period> periodsOf(const std::vector<Block> &blocks);

// Each of `periods` holding more than this many blocks has them merged into one.
constexpr int maxBlocksPerPeriod = 8;

// Merges the blocks of each of `periods` that holds too many, one transaction a period.
// A compaction of the same period by another writer meanwhile leaves this one's undone:
// it must delete every block it read, or it rolls back. Readers see a period's blocks
// before or after, with the same sum.
bool compact(QSqlDatabase &database, Dimension dimension, const std::vector<Period> &periods,
             QString *error);

// A block as a reader receives it: its row, the row's version (`xmin`) and its period.
struct StoredBlock
{
    qint64 id = 0;
    qint64 version = 0;
    qint64 period = 0;
    QByteArray block;
};

// The blocks of the rows `ids`; nothing, with `error`, when the statement fails.
std::optional<std::vector<StoredBlock>> fetch(const QSqlDatabase &database, Dimension dimension,
                                              const QList<qint64> &ids, QSqlError *error);
// The minute blocks of the minutes `minutes`, as fetch() does.
std::optional<std::vector<StoredBlock>> fetchMinutes(const QSqlDatabase &database,
                                                     Dimension dimension,
                                                     const QList<qint64> &minutes,
                                                     QSqlError *error);

QStringList schema();
// Builds the blocks of each dimension from silver, a UTC day at a time, where they are
// missing or lack the seconds of their minutes: in a store written before them, or before
// they kept seconds. Nothing is done for a dimension whose blocks are complete.
bool backfill(const QSqlDatabase &database, QString *error);

} // namespace PostgresRepoBlocks
