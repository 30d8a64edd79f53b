#pragma once

#include "event/eventparser.h"
#include "event/feedhealth.h"

#include <QHash>
#include <QSqlDatabase>

// What a batch adds to gold's measurements of its source, per hour: the events it carried
// by type (all of them, and those new to silver), how late they arrived, and the request it
// took; for a watched feed's page, when the feed was read and whether its poll missed
// events. Written with the batch, in one SQL text for both backends, so a source is measured
// exactly once however often its bronze file is replayed.
class HealthDelta
{
public:
    void setOrigin(const SourceOrigin &origin) { m_origin = origin; }
    const SourceOrigin &origin() const { return m_origin; }

    // An event of the source; `isNew` when this batch inserted it into silver. Lag counts the
    // events this source delivered first, and every event of an archive file.
    void add(const EventView &event, bool isNew);
    // The source's request, once its file is wholly ingested.
    void addRequest();
    void clear();
    bool isEmpty() const { return m_hours.isEmpty() && !m_requested; }

    // Upserts the batch's measurements; false with `error` when a statement failed.
    bool write(const QSqlDatabase &database, QString *error) const;

    // The same measurements as rows, for a store that writes them its own way.
    struct HourRow
    {
        qint64 hour;
        qint64 requests;
        qint64 events;
        qint64 newEvents;
        qint64 inHour;
    };
    struct TypeRow
    {
        qint64 hour;
        QByteArray type;
        qint64 events;
        qint64 newEvents;
    };
    struct LagRow
    {
        qint64 hour;
        int bucket;
        qint64 events;
    };
    QList<HourRow> hourRows() const;
    QList<TypeRow> typeRows() const;
    QList<LagRow> lagRows() const;
    // The batch read a page of a watched feed (origin().feed).
    bool readsFeed() const { return m_requested && !m_origin.feed.isEmpty(); }

    // gold.source_hours, gold.source_types, gold.source_lag, gold.feeds and gold.feed_gaps,
    // for both backends.
    static QStringList schema(bool postgres);

private:
    struct Counts
    {
        qint64 events = 0;
        qint64 newEvents = 0;
    };
    struct Hour
    {
        qint64 requests = 0;
        Counts total;
        qint64 inHour = 0; // created inside the hour measured
        QHash<QByteArray, Counts> types;
        QHash<int, qint64> lag; // by FeedHealth::lagBucket
    };

    bool writeFeed(const QSqlDatabase &database, QString *error) const;

    SourceOrigin m_origin;
    QHash<qint64, Hour> m_hours;
    bool m_requested = false;
};
