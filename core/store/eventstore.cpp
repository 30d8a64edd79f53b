#include "eventstore.h"

#include <QSqlError>
#include <QSqlQuery>

SourceProgress EventStore::readProgress(const QSqlDatabase &database, const QString &registerSql,
                                        const QString &selectSql, const QString &sourceKey)
{
    QSqlQuery query(database);
    query.prepare(registerSql);
    query.addBindValue(sourceKey);
    query.exec();
    query.prepare(selectSql);
    query.addBindValue(sourceKey);
    SourceProgress progress;
    if (query.exec() && query.next()) {
        progress.sourceId = query.value(0).toLongLong();
        progress.offset = query.value(1).toLongLong();
        progress.lines = query.value(2).toLongLong();
        progress.complete = query.value(3).toBool();
    } else {
        m_error = query.lastError().text();
    }
    return progress;
}

bool EventStore::writeCoverage(const QSqlDatabase &database, qint64 hourStart)
{
    QSqlQuery query(database);
    query.prepare(QStringLiteral(R"(INSERT INTO gold.coverage(hour, events, live_events)
        SELECT ?, COUNT(*), COALESCE(SUM(CASE WHEN s.path LIKE 'bronze/events/%'
                                              OR s.path LIKE 'bronze/repos/%' THEN 1 ELSE 0 END), 0)
        FROM events e JOIN sources s ON s.id = e.source_id WHERE e.created_at BETWEEN ? AND ?
        ON CONFLICT (hour) DO UPDATE SET events = excluded.events,
                                         live_events = excluded.live_events)"));
    query.addBindValue(hourStart);
    query.addBindValue(hourStart);
    query.addBindValue(hourStart + 3599);
    if (query.exec())
        return true;
    m_error = query.lastError().text();
    return false;
}
