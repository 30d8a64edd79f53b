#include "metricsqueries.h"

#include "database.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// Whole minutes [firstMinute, lastMinute] inside a window, and the seconds left over at
// its edges: [window.from, leftEnd] and [rightStart, window.to] (empty when inverted).
struct WindowSplit
{
    qint64 firstMinute;
    qint64 lastMinute;
    qint64 leftEnd;
    qint64 rightStart;

    explicit WindowSplit(const TimeWindow &window)
    {
        firstMinute = (window.from + 59) / 60;
        lastMinute = (window.to + 1) / 60 - 1;
        if (firstMinute > lastMinute) {
            // Shorter than a minute boundary pair: all of it comes from silver.
            leftEnd = window.to;
            rightStart = window.to + 1;
            return;
        }
        leftEnd = firstMinute * 60 - 1;
        rightStart = (lastMinute + 1) * 60;
    }
};

} // namespace

TimeWindow TimeWindow::endingAt(const QDateTime &at, qint64 minutes)
{
    const qint64 to = at.toSecsSinceEpoch();
    return {to - minutes * 60, to};
}

MetricsQueries::MetricsQueries(const QString &dataDir)
    : m_dataDir(dataDir)
{
}

MetricsQueries::~MetricsQueries()
{
    if (m_database.isValid())
        Database::close(m_database);
}

bool MetricsQueries::open(QString *error)
{
    m_database = Database::open(m_dataDir, u"reader"_s, true, error);
    return m_database.isValid();
}

QList<KeyCount> MetricsQueries::windowCounts(const char *goldTable, const char *column,
                                             const TimeWindow &window, int limit)
{
    const WindowSplit split(window);
    // Gold's whole minutes plus silver's partial minutes, merged before ranking.
    const QString sql = uR"(
        SELECT key, SUM(n) AS total FROM (
            SELECT %2 AS key, events AS n FROM gold.%1 WHERE minute BETWEEN :m0 AND :m1
            UNION ALL
            SELECT %2, COUNT(*) FROM main.events
            WHERE created_at BETWEEN :a0 AND :a1 OR created_at BETWEEN :b0 AND :b1
            GROUP BY 1)
        GROUP BY key ORDER BY total DESC, key ASC LIMIT :limit)"_s
                                .arg(QLatin1StringView(goldTable), QLatin1StringView(column));
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(sql);
    query.bindValue(u":m0"_s, split.firstMinute);
    query.bindValue(u":m1"_s, split.lastMinute);
    query.bindValue(u":a0"_s, window.from);
    query.bindValue(u":a1"_s, split.leftEnd);
    query.bindValue(u":b0"_s, split.rightStart);
    query.bindValue(u":b1"_s, window.to);
    query.bindValue(u":limit"_s, limit);
    QList<KeyCount> counts;
    if (query.exec()) {
        while (query.next())
            counts.append({query.value(0).toString(), query.value(1).toLongLong()});
    }
    return counts;
}

QList<KeyCount> MetricsQueries::eventCounts(qint64 minutes, const QDateTime &at)
{
    return windowCounts("type_minute", "type", TimeWindow::endingAt(at, minutes), -1);
}

QList<KeyCount> MetricsQueries::activeRepositories(int limit, qint64 minutes, const QDateTime &at)
{
    return windowCounts("repo_minute", "repo_name", TimeWindow::endingAt(at, minutes), limit);
}

PullRequestStats MetricsQueries::averagePullRequestInterval(const QString &repository)
{
    PullRequestStats stats;
    const QString key = repository.toLower();
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(u"SELECT repo_name FROM gold.repos WHERE repo_key = ?"_s);
    query.addBindValue(key);
    if (!query.exec() || !query.next()) {
        stats.repository = repository;
        return stats;
    }
    stats.repositoryKnown = true;
    stats.repository = query.value(0).toString();

    query.prepare(u"SELECT created_at FROM gold.pr_opened WHERE repo_key = ? ORDER BY created_at"_s);
    query.addBindValue(key);
    query.exec();
    while (query.next())
        stats.openedAt.append(query.value(0).toLongLong());
    stats.count = stats.openedAt.size();
    if (stats.count == 0)
        return stats;
    stats.firstOpenedAt = stats.openedAt.constFirst();
    stats.lastOpenedAt = stats.openedAt.constLast();
    if (stats.count < 2)
        return stats;
    stats.averageSeconds = double(*stats.lastOpenedAt - *stats.firstOpenedAt) / double(stats.count - 1);
    QList<qint64> gaps;
    for (qsizetype i = 1; i < stats.openedAt.size(); ++i)
        gaps.append(stats.openedAt[i] - stats.openedAt[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const qsizetype middle = gaps.size() / 2;
    stats.medianSeconds = gaps.size() % 2 ? double(gaps[middle])
                                          : double(gaps[middle - 1] + gaps[middle]) / 2.0;
    return stats;
}

QList<MinuteCount> MetricsQueries::eventsPerMinute(qint64 minutes, const QDateTime &at)
{
    const WindowSplit split(TimeWindow::endingAt(at, minutes));
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(uR"(SELECT minute, type, events FROM gold.type_minute
                      WHERE minute BETWEEN ? AND ? ORDER BY minute, type)"_s);
    query.addBindValue(split.firstMinute);
    query.addBindValue(split.lastMinute);
    QList<MinuteCount> counts;
    if (query.exec()) {
        while (query.next())
            counts.append({query.value(0).toLongLong(), query.value(1).toString(),
                           query.value(2).toLongLong()});
    }
    return counts;
}

QList<EventRow> MetricsQueries::latestEvents(int limit)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(uR"(SELECT id, created_at, type, action, repo_name, actor_login FROM events
                      ORDER BY created_at DESC, id DESC LIMIT ?)"_s);
    query.addBindValue(limit);
    QList<EventRow> rows;
    if (query.exec()) {
        while (query.next())
            rows.append({query.value(0).toLongLong(), query.value(1).toLongLong(),
                         query.value(2).toString(), query.value(3).toString(),
                         query.value(4).toString(), query.value(5).toString()});
    }
    return rows;
}

QStringList MetricsQueries::repositoryNames(const QString &prefix, int limit)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    // The key is lower case, so a range scan on it is a case-insensitive prefix match.
    query.prepare(uR"(SELECT repo_name FROM gold.repos WHERE repo_key >= ? AND repo_key < ?
                      ORDER BY repo_key LIMIT ?)"_s);
    const QString low = prefix.toLower();
    query.addBindValue(low);
    query.addBindValue(QString(low + QChar(0xFFFF)));
    query.addBindValue(limit);
    QStringList names;
    if (query.exec()) {
        while (query.next())
            names.append(query.value(0).toString());
    }
    return names;
}

qint64 MetricsQueries::eventsStored()
{
    QSqlQuery query(m_database);
    query.exec(u"SELECT value FROM gold.meta WHERE key = 'events_total'"_s);
    return query.next() ? query.value(0).toLongLong() : 0;
}

std::optional<qint64> MetricsQueries::latestEventAt()
{
    QSqlQuery query(m_database);
    query.exec(u"SELECT MAX(created_at) FROM events"_s);
    if (query.next() && !query.value(0).isNull())
        return query.value(0).toLongLong();
    return std::nullopt;
}
