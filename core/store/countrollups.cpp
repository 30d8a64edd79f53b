#include "store/countrollups.h"

namespace {

constexpr const char *levelNames[] = {"minute", "hour", "day"};
constexpr qint64 levelMinutes[] = {1, 60, 1440};

using CountBlock::floorDiv;

qint64 ceilDiv(qint64 value, qint64 divisor)
{
    return -floorDiv(-value, divisor);
}

QByteArray tableName(const QByteArray &dimension, int level)
{
    return "gold." + dimension + "_counts_" + levelNames[level];
}

} // namespace

struct CountRollups::Statements
{
    Statements(sqlite3 *db, const QByteArray &dimension)
        : db(db)
    {
        for (int level = Minute; level < LevelCount; ++level) {
            const QByteArray table = tableName(dimension, level);
            one[level] = {db, "SELECT counts FROM " + table + " WHERE period = ?1"};
            range[level] = {db,
                            "SELECT period, counts FROM " + table
                                + " WHERE period BETWEEN ?1 AND ?2 ORDER BY period"};
        }
    }

    // Prepared on first write only: readers open gold read-only.
    void prepareWriting(const QByteArray &dimension)
    {
        if (markPending)
            return;
        for (int level = Minute; level < LevelCount; ++level) {
            const QByteArray table = tableName(dimension, level);
            store[level] = {db, "INSERT OR REPLACE INTO " + table + " VALUES(?1, ?2)"};
            drop[level] = {db, "DELETE FROM " + table + " WHERE period = ?1"};
        }
        const QByteArray where = " WHERE dimension = '" + dimension + "'";
        markPending = {
            db, "INSERT OR IGNORE INTO gold.rollups_pending VALUES('" + dimension + "', ?1, ?2)"};
        pending = {db,
                   "SELECT level, period FROM gold.rollups_pending" + where
                       + " ORDER BY level, period"};
        clearPending
            = {db, "DELETE FROM gold.rollups_pending" + where + " AND level = ?1 AND period = ?2"};
    }

    sqlite3 *db;
    std::array<SqliteStatement, LevelCount> one, range, store, drop;
    SqliteStatement markPending, pending, clearPending;
};

CountRollups::CountRollups(const char *dimension)
    : m_dimension(dimension)
{
}

CountRollups::~CountRollups() = default;

QList<QByteArray> CountRollups::schema()
{
    QList<QByteArray> statements;
    for (const char *dimension : {"repo", "type"}) {
        for (int level = Minute; level < LevelCount; ++level)
            statements << "CREATE TABLE IF NOT EXISTS " + tableName(dimension, level)
                    + "(period INTEGER PRIMARY KEY, counts BLOB NOT NULL)";
    }
    statements << "CREATE TABLE IF NOT EXISTS gold.rollups_pending(dimension TEXT NOT NULL, "
                  "level INTEGER NOT NULL, period INTEGER NOT NULL, "
                  "PRIMARY KEY(dimension, level, period)) WITHOUT ROWID";
    return statements;
}

QList<QByteArray> CountRollups::clearAll()
{
    QList<QByteArray> statements;
    for (const char *dimension : {"repo", "type"}) {
        for (int level = Minute; level < LevelCount; ++level)
            statements << "DELETE FROM " + tableName(dimension, level);
    }
    statements << "DELETE FROM gold.rollups_pending";
    return statements;
}

void CountRollups::detach()
{
    m_statements.reset();
}

CountRollups::Statements &CountRollups::statements(sqlite3 *db)
{
    if (!m_statements || m_statements->db != db)
        m_statements = std::make_unique<Statements>(db, m_dimension);
    return *m_statements;
}

void CountRollups::beginBatch(sqlite3 *db)
{
    statements(db).prepareWriting(m_dimension);
    m_touched.clear();
}

void CountRollups::addToMinute(qint64 minute, const std::vector<CountBlock::Entry> &delta)
{
    Statements &s = *m_statements;
    const QByteArray merged
        = CountBlock::merge(storedOrRolledUp(Minute, minute), CountBlock::encode(delta));
    s.store[Minute].bind(1, minute).bind(2, merged).run();
    for (int level : {Hour, Day}) {
        const qint64 period = floorDiv(minute, levelMinutes[level]);
        if (m_touched.contains({level, period}))
            continue;
        m_touched.insert({level, period});
        s.drop[level].bind(1, period).run();
        s.markPending.bind(1, level).bind(2, period).run();
    }
}

// A block as stored, or for a pending hour or day, summed from its children.
QByteArray CountRollups::storedOrRolledUp(Level level, qint64 period)
{
    SqliteStatement &one = m_statements->one[level];
    one.bind(1, period);
    QByteArray block;
    if (one.next())
        block = one.blob(0).toByteArray();
    one.reset();
    if (!block.isEmpty() || level == Minute)
        return block;
    const auto child = Level(level - 1);
    const qint64 children = levelMinutes[level] / levelMinutes[child];
    QList<QByteArray> blocks;
    for (qint64 i = 0; i < children; ++i)
        blocks << storedOrRolledUp(child, period * children + i);
    return CountBlock::rollUp(blocks);
}

void CountRollups::rollUpPending(int budget)
{
    Statements &s = *m_statements;
    QList<std::pair<int, qint64>> pending;
    while (s.pending.next())
        pending.append({int(s.pending.integer(0)), s.pending.integer(1)});
    s.pending.reset();
    for (const auto &[level, period] : pending) {
        if (budget == 0)
            break;
        if (m_touched.contains({level, period}))
            continue;
        --budget;
        // Dropped when it was marked, so this sums its children.
        const QByteArray block = storedOrRolledUp(Level(level), period);
        if (!block.isEmpty())
            s.store[level].bind(1, period).bind(2, block).run();
        s.clearPending.bind(1, level).bind(2, period).run();
    }
}

void CountRollups::sumWindow(sqlite3 *db, qint64 from, qint64 to, KeyCounts &counts)
{
    if (from > to)
        return;
    statements(db);
    // Hours and days only where they lie wholly inside the window.
    const qint64 firstWhole = ceilDiv(from, 60);
    const qint64 lastWhole = floorDiv(to + 1, 60) - 1;
    QList<Span> spans;
    if (firstWhole <= lastWhole)
        spans.append({firstWhole, lastWhole});
    spans = sumStored(Day, spans, counts);
    spans = sumStored(Hour, spans, counts);
    sumMinutes(spans, from, to, counts);
}

// Sums the stored blocks of `level` inside `spans`; returns what they left uncovered.
QList<CountRollups::Span> CountRollups::sumStored(Level level, const QList<Span> &spans,
                                                  KeyCounts &counts)
{
    const qint64 size = levelMinutes[level];
    SqliteStatement &range = m_statements->range[level];
    QList<Span> uncovered;
    for (auto [first, last] : spans) {
        range.bind(1, ceilDiv(first, size)).bind(2, floorDiv(last + 1, size) - 1);
        while (range.next()) {
            const qint64 start = range.integer(0) * size;
            counts.addBlock(range.blob(1));
            if (start > first)
                uncovered.append({first, start - 1});
            first = start + size;
        }
        range.reset();
        if (first <= last)
            uncovered.append({first, last});
    }
    return uncovered;
}

// The minute blocks of `spans`, and of the window's partial minutes at either edge.
void CountRollups::sumMinutes(const QList<Span> &spans, qint64 from, qint64 to, KeyCounts &counts)
{
    const qint64 firstMinute = floorDiv(from, 60);
    const qint64 lastMinute = floorDiv(to, 60);
    QList<Span> minutes;
    const auto append = [&minutes](qint64 first, qint64 last) {
        if (!minutes.isEmpty() && minutes.last().second + 1 >= first)
            minutes.last().second = std::max(minutes.last().second, last);
        else
            minutes.append({first, last});
    };
    if (from % 60 != 0)
        append(firstMinute, firstMinute);
    for (const Span &span : spans)
        append(span.first, span.second);
    if ((to + 1) % 60 != 0)
        append(lastMinute, lastMinute);

    SqliteStatement &range = m_statements->range[Minute];
    for (const auto &[first, last] : minutes) {
        range.bind(1, first).bind(2, last);
        while (range.next()) {
            counts.addMinuteBlock(range.blob(1), range.integer(0), from, to);
        }
        range.reset();
    }
}
