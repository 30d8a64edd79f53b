#pragma once

#include <QByteArray>
#include <QString>

// GitHub events of a chosen shape, generated without any input: a steady number a minute,
// repositories drawn with a heavy-tailed popularity plus a long tail seen about once, the
// real type mix with about 1 % pull-request openings, and GH Archive-sized events (about
// 2 KB of JSON, most of it payload text). Event `index` always gives the same JSON.
struct Shape
{
    qint64 eventsPerMinute = 4000;
    // Popular repositories: rank r is drawn with a weight of 1 / (r + rankOffset).
    qint64 popularRepositories = 500000;
    double rankOffset = 30;
    // The share of events from the long tail: repositories drawn uniformly from 30M.
    double tailShare = 0.1;
    // Payload text as GH Archive has it; without, events are about 450 bytes, for stores
    // of many days where only the metrics are timed.
    bool payloadText = true;

    // GitHub in 2025: about 100,000 repositories an hour and 1,000,000 a day.
    static Shape github() { return {}; }
    // The benchmark's earlier data: 2,500 repositories, for comparison.
    static Shape fewRepositories() { return {4000, 2500, 5, 0, true}; }
};

class EventGenerator
{
public:
    EventGenerator(const Shape &shape, qint64 startSecond);

    qint64 createdAt(qint64 index) const;
    QByteArray event(qint64 index) const;
    // Events [first, first + count) as NDJSON into `path`, gzipped (level 1) when it
    // ends in .gz. False when the file cannot be written.
    bool write(const QString &path, qint64 first, qint64 count) const;
    qint64 eventsPerHour() const { return m_shape.eventsPerMinute * 60; }

private:
    Shape m_shape;
    qint64 m_start;
};
