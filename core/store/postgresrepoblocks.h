#pragma once

#include <QSqlDatabase>
#include <QStringList>

// PostgreSQL's repository counts as count blocks (CountBlock), in gold.repo_blocks: each
// batch adds a block for every minute, hour and UTC day it touched, in its transaction,
// and a window's reader sums the few blocks that tile it, as SQLite's reader does, instead
// of aggregating a row per repository and minute. Rows are only ever added, so concurrent
// writers never wait on each other for them.
namespace PostgresRepoBlocks {

constexpr int spans[] = {60, 3600, 86400}; // seconds: a minute, an hour, a day

QStringList schema();
// A store written before the blocks gains them from gold.repo_minute, an hour at a time;
// nothing is done when it has blocks already or no minutes.
bool backfill(const QSqlDatabase &database, QString *error);

} // namespace PostgresRepoBlocks
