#include "store/postgresrepoblocks.h"

#include "store/countblock.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <vector>

using namespace Qt::StringLiterals;

namespace {

QByteArray blockOf(const QHash<quint32, quint32> &counts)
{
    std::vector<CountBlock::Entry> entries;
    entries.reserve(size_t(counts.size()));
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        entries.push_back(CountBlock::Entry::of(it.key(), it.value(), 0));
    return CountBlock::encode(CountBlock::combined(std::move(entries)));
}

// Sums an hour of gold.repo_minute into its minute and hour blocks, and into `day`.
class HourBackfill
{
public:
    explicit HourBackfill(const QSqlDatabase &database)
        : m_read(database)
        , m_insert(database)
    {
        m_read.setForwardOnly(true);
        m_insert.prepare(u"INSERT INTO gold.repo_blocks(span, period, block) VALUES(?, ?, ?)"_s);
    }

    bool run(qint64 hour, QHash<quint32, quint32> *day, QString *error)
    {
        m_read.prepare(uR"(SELECT minute, repo_id, events FROM gold.repo_minute
                           WHERE minute BETWEEN ? AND ? ORDER BY minute)"_s);
        m_read.addBindValue(hour * 60);
        m_read.addBindValue(hour * 60 + 59);
        if (!m_read.exec())
            return fail(m_read, error);
        QList<std::tuple<qint64, quint32, quint32>> rows;
        while (m_read.next())
            rows.append(
                {m_read.value(0).toLongLong(), m_read.value(1).toUInt(), m_read.value(2).toUInt()});
        m_read.finish();
        QHash<quint32, quint32> minute, wholeHour;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const auto [at, repo, events] = rows[i];
            minute[repo] += events;
            wholeHour[repo] += events;
            (*day)[repo] += events;
            if ((i + 1 == rows.size() || std::get<0>(rows[i + 1]) != at)
                && !insert(60, at, std::exchange(minute, {}), error))
                return false;
        }
        return wholeHour.isEmpty() || insert(3600, hour, wholeHour, error);
    }

    bool insert(int span, qint64 period, const QHash<quint32, quint32> &counts, QString *error)
    {
        m_insert.addBindValue(span);
        m_insert.addBindValue(period);
        m_insert.addBindValue(blockOf(counts));
        return m_insert.exec() || fail(m_insert, error);
    }

private:
    static bool fail(const QSqlQuery &query, QString *error)
    {
        *error = query.lastError().text();
        return false;
    }

    QSqlQuery m_read;
    QSqlQuery m_insert;
};

} // namespace

QStringList PostgresRepoBlocks::schema()
{
    return {uR"(CREATE TABLE IF NOT EXISTS gold.repo_blocks(
                id bigserial PRIMARY KEY, span integer NOT NULL, period bigint NOT NULL,
                block bytea NOT NULL))"_s,
            u"CREATE INDEX IF NOT EXISTS repo_blocks_period ON gold.repo_blocks(span, period)"_s};
}

bool PostgresRepoBlocks::backfill(const QSqlDatabase &database, QString *error)
{
    QSqlQuery range(database);
    if (!range.exec(uR"(SELECT MIN(minute) / 60, MAX(minute) / 60 FROM gold.repo_minute
                        WHERE NOT EXISTS (SELECT 1 FROM gold.repo_blocks))"_s)) {
        *error = range.lastError().text();
        return false;
    }
    if (!range.next() || range.value(0).isNull())
        return true;
    const qint64 first = range.value(0).toLongLong();
    const qint64 last = range.value(1).toLongLong();
    range.finish();
    HourBackfill hours(database);
    QHash<quint32, quint32> day;
    for (qint64 hour = first; hour <= last; ++hour) {
        if (!hours.run(hour, &day, error))
            return false;
        const bool dayEnds = (hour + 1) % 24 == 0 || hour == last;
        if (dayEnds && !day.isEmpty()
            && !hours.insert(86400, hour / 24, std::exchange(day, {}), error))
            return false;
    }
    return true;
}
