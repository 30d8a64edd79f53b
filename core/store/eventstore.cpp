#include "store/eventstore.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

std::optional<SourceProgress> EventStore::readProgress(const QSqlDatabase &database,
                                                       const QString &registerSql,
                                                       const QString &selectSql,
                                                       const QString &sourceKey)
{
    QSqlQuery query(database);
    query.prepare(registerSql);
    query.addBindValue(sourceKey);
    query.exec();
    query.prepare(selectSql);
    query.addBindValue(sourceKey);
    if (!query.exec() || !query.next()) {
        m_error = query.lastError().text();
        return std::nullopt;
    }
    return SourceProgress {query.value(0).toLongLong(), query.value(1).toLongLong(),
                           query.value(2).toLongLong(), query.value(3).toBool()};
}

QString EventStore::archiveHoursSchema(bool postgres)
{
    return uR"(CREATE TABLE IF NOT EXISTS gold.archive_hours(
        hour %1 PRIMARY KEY, file_events %1 NOT NULL, in_hour %1 NOT NULL, events %1 NOT NULL,
        live_events %1 NOT NULL, complete %1 NOT NULL, reason %2))"_s.arg(
        postgres ? u"bigint"_s : u"INTEGER"_s, postgres ? u"text"_s : u"TEXT"_s);
}

namespace {

ArchiveHourFile readArchiveFile(const QSqlDatabase &database, qint64 hourStart)
{
    ArchiveHourFile file;
    QSqlQuery query(database);
    query.prepare(
        u"SELECT events, in_hour FROM gold.source_hours WHERE hour = ? AND source = 'archive'"_s);
    query.addBindValue(hourStart);
    if (query.exec() && query.next()) {
        file.events = query.value(0).toLongLong();
        file.inHour = query.value(1).toLongLong();
    }
    query.prepare(
        u"SELECT type, events FROM gold.source_types WHERE hour = ? AND source = 'archive'"_s);
    query.addBindValue(hourStart);
    query.exec();
    while (query.next())
        file.types.insert(query.value(0).toString(), query.value(1).toLongLong());
    query.prepare(uR"(SELECT file_events FROM gold.archive_hours WHERE hour < ?
                      ORDER BY hour DESC LIMIT 24)"_s);
    query.addBindValue(hourStart);
    query.exec();
    while (query.next())
        file.earlierVolumes.append(query.value(0).toLongLong());
    return file;
}

} // namespace

QString EventStore::archiveHourVerdict(ArchiveHourFile file)
{
    if (file.events == 0)
        return u"the file holds no events"_s;
    if (double(file.inHour) < FeedHealth::filedByCreationShare * double(file.events))
        return u"filed by crawl hour: %1 % of its events were created in it"_s.arg(
            qRound(100.0 * double(file.inHour) / double(file.events)));
    if (const QStringList degraded = FeedHealth::degradedTypes(file.types); !degraded.isEmpty())
        return u"degraded: %1"_s.arg(degraded.join(u", "_s));
    if (!file.earlierVolumes.isEmpty()) {
        std::sort(file.earlierVolumes.begin(), file.earlierVolumes.end());
        const qint64 median = file.earlierVolumes[file.earlierVolumes.size() / 2];
        if (double(file.events) < FeedHealth::minimumVolumeShare * double(median))
            return u"volume: %1 events against a median of %2 in the hours before"_s
                .arg(file.events)
                .arg(median);
    }
    return {};
}

bool EventStore::writeCoverage(const QSqlDatabase &database, qint64 hourStart)
{
    const ArchiveHourFile file = readArchiveFile(database, hourStart);
    const QString reason = archiveHourVerdict(file);
    QSqlQuery query(database);
    query.prepare(QStringLiteral(R"(INSERT INTO gold.archive_hours
        SELECT ?, ?, ?, COUNT(*), COALESCE(SUM(CASE WHEN s.path LIKE 'bronze/events/%'
                                              OR s.path LIKE 'bronze/repos/%'
                                              OR s.path LIKE 'bronze/orgs/%' THEN 1 ELSE 0 END), 0),
               ?, ?
        FROM events e JOIN sources s ON s.id = e.source_id WHERE e.created_at BETWEEN ? AND ?
        ON CONFLICT (hour) DO UPDATE SET file_events = excluded.file_events,
            in_hour = excluded.in_hour, events = excluded.events,
            live_events = excluded.live_events, complete = excluded.complete,
            reason = excluded.reason)"));
    for (const QVariant &value :
         {QVariant(hourStart), QVariant(file.events), QVariant(file.inHour),
          QVariant(reason.isEmpty() ? 1 : 0),
          reason.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(reason),
          QVariant(hourStart), QVariant(hourStart + 3599)})
        query.addBindValue(value);
    if (query.exec())
        return true;
    m_error = query.lastError().text();
    return false;
}
