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
