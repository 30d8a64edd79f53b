#include "store/healthdelta.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

void HealthDelta::add(const EventView &event, bool isNew)
{
    const qint64 createdHour = event.createdAt - event.createdAt % 3600;
    const qint64 hourStart = m_origin.hour >= 0 ? m_origin.hour : createdHour;
    Hour &hour = m_hours[hourStart];
    ++hour.total.events;
    hour.total.newEvents += isNew ? 1 : 0;
    hour.inHour += createdHour == hourStart ? 1 : 0;
    // Looked up without a copy; copied once, when the hour first sees the type.
    const QByteArray name
        = QByteArray::fromRawData(event.type.data(), qsizetype(event.type.size()));
    auto type = hour.types.find(name);
    if (type == hour.types.end())
        type = hour.types.insert(QByteArray(name.constData(), name.size()), {});
    ++type->events;
    type->newEvents += isNew ? 1 : 0;
    if (m_origin.arrivedAt >= 0 && (isNew || m_origin.source == "archive"_L1))
        ++hour.lag[FeedHealth::lagBucket(m_origin.arrivedAt - event.createdAt)];
}

void HealthDelta::addRequest()
{
    if (m_origin.isRequest && m_origin.hour >= 0) {
        ++m_hours[m_origin.hour].requests;
        m_requested = true;
    }
}

void HealthDelta::clear()
{
    m_hours.clear();
    m_requested = false;
}

QStringList HealthDelta::schema(bool postgres)
{
    const QString integer = postgres ? u"bigint"_s : u"INTEGER"_s;
    const QString text = postgres ? u"text COLLATE \"C\""_s : u"TEXT"_s;
    return {
        uR"(CREATE TABLE IF NOT EXISTS gold.source_hours(
            hour %1 NOT NULL, source %2 NOT NULL, requests %1 NOT NULL, events %1 NOT NULL,
            new_events %1 NOT NULL, in_hour %1 NOT NULL, PRIMARY KEY(hour, source)))"_s.arg(integer,
                                                                                            text),
        uR"(CREATE TABLE IF NOT EXISTS gold.source_types(
            hour %1 NOT NULL, source %2 NOT NULL, type %2 NOT NULL, events %1 NOT NULL,
            new_events %1 NOT NULL, PRIMARY KEY(hour, source, type)))"_s.arg(integer, text),
        uR"(CREATE TABLE IF NOT EXISTS gold.source_lag(
            hour %1 NOT NULL, source %2 NOT NULL, bucket %1 NOT NULL, events %1 NOT NULL,
            PRIMARY KEY(hour, source, bucket)))"_s.arg(integer, text),
        // Each watched feed's first and last page, and the polls that missed events.
        uR"(CREATE TABLE IF NOT EXISTS gold.feeds(
            feed %2 NOT NULL PRIMARY KEY, first_at %1 NOT NULL, last_at %1 NOT NULL,
            pages %1 NOT NULL))"_s.arg(integer, text),
        uR"(CREATE TABLE IF NOT EXISTS gold.feed_gaps(
            feed %2 NOT NULL, at %1 NOT NULL, PRIMARY KEY(feed, at)))"_s.arg(integer, text),
    };
}

bool HealthDelta::write(const QSqlDatabase &database, QString *error) const
{
    QSqlQuery hours(database), types(database), lag(database);
    hours.prepare(uR"(INSERT INTO gold.source_hours AS g VALUES(?, ?, ?, ?, ?, ?)
        ON CONFLICT (hour, source) DO UPDATE SET requests = g.requests + excluded.requests,
        events = g.events + excluded.events, new_events = g.new_events + excluded.new_events,
        in_hour = g.in_hour + excluded.in_hour)"_s);
    types.prepare(uR"(INSERT INTO gold.source_types AS g VALUES(?, ?, ?, ?, ?)
        ON CONFLICT (hour, source, type) DO UPDATE SET events = g.events + excluded.events,
        new_events = g.new_events + excluded.new_events)"_s);
    lag.prepare(uR"(INSERT INTO gold.source_lag AS g VALUES(?, ?, ?, ?)
        ON CONFLICT (hour, source, bucket) DO UPDATE SET events = g.events + excluded.events)"_s);
    const auto run = [error](QSqlQuery &query, const QVariantList &values) {
        for (qsizetype i = 0; i < values.size(); ++i)
            query.bindValue(int(i), values[i]);
        if (query.exec())
            return true;
        *error = query.lastError().text();
        return false;
    };
    const QString &source = m_origin.source;
    for (const HourRow &row : hourRows()) {
        if (!run(hours, {row.hour, source, row.requests, row.events, row.newEvents, row.inHour}))
            return false;
    }
    for (const TypeRow &row : typeRows()) {
        if (!run(types, {row.hour, source, QString::fromUtf8(row.type), row.events, row.newEvents}))
            return false;
    }
    for (const LagRow &row : lagRows()) {
        if (!run(lag, {row.hour, source, row.bucket, row.events}))
            return false;
    }
    return writeFeed(database, error);
}

QList<HealthDelta::HourRow> HealthDelta::hourRows() const
{
    QList<HourRow> rows;
    for (auto hour = m_hours.cbegin(); hour != m_hours.cend(); ++hour) {
        const Hour &h = hour.value();
        rows.append({hour.key(), h.requests, h.total.events, h.total.newEvents, h.inHour});
    }
    return rows;
}

QList<HealthDelta::TypeRow> HealthDelta::typeRows() const
{
    QList<TypeRow> rows;
    for (auto hour = m_hours.cbegin(); hour != m_hours.cend(); ++hour) {
        for (auto type = hour->types.cbegin(); type != hour->types.cend(); ++type)
            rows.append({hour.key(), type.key(), type.value().events, type.value().newEvents});
    }
    return rows;
}

QList<HealthDelta::LagRow> HealthDelta::lagRows() const
{
    QList<LagRow> rows;
    for (auto hour = m_hours.cbegin(); hour != m_hours.cend(); ++hour) {
        for (auto bucket = hour->lag.cbegin(); bucket != hour->lag.cend(); ++bucket)
            rows.append({hour.key(), bucket.key(), bucket.value()});
    }
    return rows;
}

bool HealthDelta::writeFeed(const QSqlDatabase &database, QString *error) const
{
    if (!readsFeed())
        return true;
    const QString feed = m_origin.feed.toLower();
    QSqlQuery feeds(database);
    feeds.prepare(uR"(INSERT INTO gold.feeds AS g VALUES(?, ?, ?, 1) ON CONFLICT (feed) DO UPDATE
        SET first_at = CASE WHEN excluded.first_at < g.first_at THEN excluded.first_at
                            ELSE g.first_at END,
            last_at = CASE WHEN excluded.last_at > g.last_at THEN excluded.last_at
                           ELSE g.last_at END,
            pages = g.pages + 1)"_s);
    for (const QVariant &value :
         {QVariant(feed), QVariant(m_origin.arrivedAt), QVariant(m_origin.arrivedAt)})
        feeds.addBindValue(value);
    if (!feeds.exec()) {
        *error = feeds.lastError().text();
        return false;
    }
    if (!m_origin.missedBefore)
        return true;
    QSqlQuery gaps(database);
    gaps.prepare(u"INSERT INTO gold.feed_gaps VALUES(?, ?) ON CONFLICT DO NOTHING"_s);
    gaps.addBindValue(feed);
    gaps.addBindValue(m_origin.arrivedAt);
    if (gaps.exec())
        return true;
    *error = gaps.lastError().text();
    return false;
}
