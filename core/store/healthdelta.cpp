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
    for (auto hour = m_hours.cbegin(); hour != m_hours.cend(); ++hour) {
        const Hour &h = hour.value();
        if (!run(hours,
                 {hour.key(), source, h.requests, h.total.events, h.total.newEvents, h.inHour}))
            return false;
        for (auto type = h.types.cbegin(); type != h.types.cend(); ++type) {
            if (!run(types,
                     {hour.key(), source, QString::fromUtf8(type.key()), type.value().events,
                      type.value().newEvents}))
                return false;
        }
        for (auto bucket = h.lag.cbegin(); bucket != h.lag.cend(); ++bucket) {
            if (!run(lag, {hour.key(), source, bucket.key(), bucket.value()}))
                return false;
        }
    }
    return writeFeed(database, error);
}

bool HealthDelta::writeFeed(const QSqlDatabase &database, QString *error) const
{
    if (!m_requested || m_origin.feed.isEmpty())
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
