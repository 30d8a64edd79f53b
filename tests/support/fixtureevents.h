#pragma once

#include "event/compressedfile.h"
#include "ingest/pipeline.h"
#include "testdata.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSignalSpy>

// The fixture events read with Qt's own JSON parser, independently of the project's
// simdjson parser and stores: the reference that metric tests compare against.
struct FixtureEvent
{
    qint64 id = 0;
    QString type;
    QString action;
    QString repo;
    QString actor;
    QString org;
    qint64 createdAt = 0;
    QJsonObject json;
};

namespace FixtureEvents {

inline const QStringList &files()
{
    static const QStringList names {
        QStringLiteral("gharchive_2015-01-01-15_first1024.ndjson"),
        QStringLiteral("gharchive_2025-01-01-15_first2048.ndjson.gz"),
        QStringLiteral("octokit.rb_2016-09-29_events_page1.json"),
        QStringLiteral("octokit.rb_2016-09-29_events_page2.json"),
        QStringLiteral("octokit.rb_2016-09-29_events_page3.json"),
        QStringLiteral("octokit.rb_2020-04-13_events_page1.json"),
        QStringLiteral("PyGithub_2020-04-25_events_page1.json"),
    };
    return names;
}

inline FixtureEvent fromJson(const QJsonObject &object)
{
    FixtureEvent event;
    event.id = object.value(QLatin1String("id")).toString().toLongLong();
    event.type = object.value(QLatin1String("type")).toString();
    event.action = object.value(QLatin1String("payload"))
                       .toObject()
                       .value(QLatin1String("action"))
                       .toString();
    event.repo
        = object.value(QLatin1String("repo")).toObject().value(QLatin1String("name")).toString();
    event.actor
        = object.value(QLatin1String("actor")).toObject().value(QLatin1String("login")).toString();
    event.org
        = object.value(QLatin1String("org")).toObject().value(QLatin1String("login")).toString();
    event.createdAt
        = QDateTime::fromString(object.value(QLatin1String("created_at")).toString(), Qt::ISODate)
              .toSecsSinceEpoch();
    event.json = object;
    return event;
}

// Every fixture event once (pages overlap), keyed by id.
inline QHash<qint64, FixtureEvent> load(const QStringList &names = files())
{
    QHash<qint64, FixtureEvent> events;
    for (const QString &name : names) {
        const QByteArray content = CompressedFile::readAll(TestData::fixture(name));
        if (content.trimmed().startsWith('[')) {
            for (const QJsonValue &value : QJsonDocument::fromJson(content).array()) {
                const FixtureEvent event = fromJson(value.toObject());
                events.insert(event.id, event);
            }
            continue;
        }
        for (const QByteArray &line : content.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const FixtureEvent event = fromJson(QJsonDocument::fromJson(line).object());
            events.insert(event.id, event);
        }
    }
    return events;
}

inline QStringList paths(const QStringList &names = files())
{
    QStringList result;
    for (const QString &name : names)
        result << TestData::fixture(name);
    return result;
}

// Imports every fixture file into a data root, as `ghmonitor --import` would.
inline bool importAll(const StoreLocation &location)
{
    Pipeline pipeline(location);
    if (!pipeline.open())
        return false;
    QSignalSpy finished(&pipeline, &Pipeline::finished);
    pipeline.importFiles(paths());
    return finished.size() == 1 && finished.first().first().value<IngestSummary>().ok;
}

} // namespace FixtureEvents
