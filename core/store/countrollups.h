#pragma once

#include "store/countblock.h"
#include "store/sqlitestatement.h"

#include <QSet>

#include <array>
#include <map>
#include <memory>

// Gold's counts of one dimension (repositories or event types) in SQLite, in blocks of a
// minute, an hour and a day. The writer adds each batch to minute blocks. Adding to a
// minute drops the stored hour and day above it and marks them pending; they are rolled up
// again from their children once batches have moved past them. So a stored block always
// equals the sum of its minutes, and a reader sums the coarsest stored blocks that fit a
// window and minute blocks, filtered to the second at its edges, for the rest.
//
// Statements are prepared on first use on one connection; detach() before it closes.
class CountRollups
{
public:
    enum Level { Minute, Hour, Day, LevelCount };

    explicit CountRollups(const char *dimension);
    ~CountRollups();

    // The tables of both dimensions, for the gold schema.
    static QList<QByteArray> schema();
    // Empties the tables of both dimensions, for gold recomputed from silver.
    static QList<QByteArray> clearAll();
    void detach();

    // Writing, inside the caller's transaction. Each throws StoreUnavailable on failure.
    void beginBatch(sqlite3 *db);
    // `delta` sorted by key and second.
    void addToMinute(qint64 minute, const std::vector<CountBlock::Entry> &delta);
    // Rolls up to `budget` pending blocks that this batch did not touch, hours before days;
    // a negative budget rolls up all of them.
    void rollUpPending(int budget);

    // Reading: adds the counts of seconds [from, to] to `counts`.
    void sumWindow(sqlite3 *db, qint64 from, qint64 to, KeyCounts &counts);

private:
    struct Statements;
    using Span = std::pair<qint64, qint64>; // first and last minute
    Statements &statements(sqlite3 *db);
    QByteArray storedOrRolledUp(Level level, qint64 period);
    QList<Span> sumStored(Level level, const QList<Span> &spans, KeyCounts &counts);
    void sumMinutes(const QList<Span> &spans, qint64 from, qint64 to, KeyCounts &counts);

    QByteArray m_dimension;
    std::unique_ptr<Statements> m_statements;
    QSet<std::pair<int, qint64>> m_touched; // (level, period) written in this batch
};
