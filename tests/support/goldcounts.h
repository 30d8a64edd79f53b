#pragma once

#include "store/countblock.h"

#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

#include <map>
#include <tuple>

// Gold's counts by minute and repository, read from the count blocks each backend keeps.
// Rows are "minute|repo_key|events", in the order of `ORDER BY minute, repo_key`.
namespace GoldCounts {

inline bool isPostgres(const QSqlDatabase &database)
{
    return database.driverName() == QLatin1StringView("QPSQL");
}

// Decoded minute blocks of one dimension: (minute, gold id) -> events.
inline std::map<std::pair<qint64, qint64>, qint64> minuteBlocks(const QSqlDatabase &database,
                                                                const QString &dimension)
{
    std::map<std::pair<qint64, qint64>, qint64> counts;
    QSqlQuery query(database);
    query.exec(
        isPostgres(database) // only repositories
            ? QStringLiteral("SELECT period, block FROM gold.repo_blocks WHERE span = 60")
            : QStringLiteral("SELECT period, counts FROM gold.%1_counts_minute").arg(dimension));
    while (query.next()) {
        const QByteArray block = query.value(1).toByteArray();
        for (qsizetype i = 0; i < CountBlock::size(block); ++i) {
            const CountBlock::Entry entry = CountBlock::at(block, i);
            counts[{query.value(0).toLongLong(), entry.key}] += entry.count();
        }
    }
    return counts;
}

inline QStringList repositoryMinutes(const QSqlDatabase &database)
{
    QSqlQuery query(database);
    QStringList rows;
    QMap<qint64, QByteArray> keys;
    query.exec(QStringLiteral("SELECT repo_id, repo_key FROM gold.repos"));
    while (query.next())
        keys.insert(query.value(0).toLongLong(), query.value(1).toString().toUtf8());
    std::map<std::pair<qint64, QByteArray>, qint64> byKey; // BINARY collation: UTF-8 bytes
    for (const auto &[key, events] : minuteBlocks(database, QStringLiteral("repo")))
        byKey[{key.first, keys.value(key.second)}] += events;
    for (const auto &[key, events] : byKey)
        rows << QStringLiteral("%1|%2|%3")
                    .arg(key.first)
                    .arg(QString::fromUtf8(key.second))
                    .arg(events);
    return rows;
}

inline qint64 repositoryTotal(const QSqlDatabase &database)
{
    qint64 total = 0;
    for (const auto &entry : minuteBlocks(database, QStringLiteral("repo")))
        total += entry.second;
    return total;
}

struct RollupCheck
{
    int hours = 0; // stored hour and day blocks checked
    int days = 0;
    QStringList mismatches; // "hour 123", "day 4": blocks that differ from their minutes
};

// SQLite: every stored hour and day block against the sum of the minute blocks under it.
inline RollupCheck checkRollups(const QSqlDatabase &database, const QString &dimension)
{
    std::map<std::pair<qint64, qint64>, qint64> byHour, byDay; // (period, key) -> events
    for (const auto &[key, events] : minuteBlocks(database, dimension)) {
        byHour[{CountBlock::floorDiv(key.first, 60), key.second}] += events;
        byDay[{CountBlock::floorDiv(key.first, 1440), key.second}] += events;
    }
    RollupCheck check;
    for (const auto &[level, expected, stored] :
         {std::tuple {QStringLiteral("hour"), &byHour, &check.hours},
          std::tuple {QStringLiteral("day"), &byDay, &check.days}}) {
        QSqlQuery query(database);
        query.exec(
            QStringLiteral("SELECT period, counts FROM gold.%1_counts_%2").arg(dimension, level));
        while (query.next()) {
            ++*stored;
            const qint64 period = query.value(0).toLongLong();
            std::map<qint64, qint64> block, minutes;
            const QByteArray counts = query.value(1).toByteArray();
            for (qsizetype i = 0; i < CountBlock::size(counts); ++i)
                block[CountBlock::at(counts, i).key] += CountBlock::at(counts, i).count();
            for (auto it = expected->lower_bound({period, 0});
                 it != expected->end() && it->first.first == period; ++it)
                minutes[it->first.second] = it->second;
            if (block != minutes)
                check.mismatches << QStringLiteral("%1 %2").arg(level).arg(period);
        }
    }
    return check;
}

} // namespace GoldCounts
