#pragma once

#include "event/eventparser.h"
#include "store/golddelta.h"
#include "store/healthdelta.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

// How far a bronze source has been ingested; committed with its events.
struct SourceProgress
{
    qint64 sourceId = 0;
    qint64 offset = 0; // bytes of the (decompressed) file fully ingested
    qint64 lines = 0;
    bool complete = false;
};

// A watched repository's counts as GET /repos/{owner}/{name} gave them at `fetchedAt`.
struct RepositoryCounts
{
    QString repository;
    qint64 fetchedAt = 0;
    qint64 stars = 0; // stargazers_count
    qint64 forks = 0;
    qint64 openIssues = 0; // issues and pull requests
    qint64 subscribers = -1; // absent from some answers
};

// What an ingested GH Archive file measured of its hour.
struct ArchiveHourFile
{
    qint64 events = 0;
    qint64 inHour = 0; // created inside the hour
    QHash<QString, qint64> types;
    QList<qint64> earlierVolumes; // events of up to 24 archive files before it
};

// The write side of silver and gold, for one thread. Each batch is one transaction
// covering the new silver rows, their gold aggregates and the source's progress, so a
// crash at any instant loses nothing and doubles nothing. Writers may run concurrently
// on one database: an event is inserted once, and only its inserter counts it in gold.
//
// One error model: a call that can fail returns false (sourceProgress(), no value) and
// leaves the reason in lastError(), as QFile and QSqlDatabase do. The calls that feed a
// batch (event(), pullRequest()...) cannot fail alone: their failure is the batch's, at
// commitBatch().
class EventStore : public EventSink
{
public:
    virtual bool open() = 0;
    virtual void close() = 0;
    // Empties silver and gold, before a rebuild from bronze.
    virtual bool clear() = 0;
    // Why the last call that failed did.
    QString lastError() const { return m_error; }

    // The source's progress, registering it if new.
    virtual std::optional<SourceProgress> sourceProgress(const QString &sourceKey) = 0;

    virtual bool beginBatch(qint64 sourceId) = 0;
    void setLine(qint64 line) { m_line = line; } // for quarantine records
    // The source the next batches measure (see HealthDelta); set before beginBatch().
    void setOrigin(const SourceOrigin &origin) { m_health.setOrigin(origin); }
    // A watched repository's stars given on a UTC day (epoch seconds of its midnight), as its
    // star history counts them now: a later count of the same day replaces it.
    virtual void starDay(const QString &repository, qint64 day, qint64 stars) = 0;
    // Replaces the repository's counts, unless newer ones are stored.
    virtual void repositoryCounts(const RepositoryCounts &counts) = 0;
    // One pull request of a watched repository's history; a later fetch replaces it.
    virtual void pullRequest(const QString &repository, qint64 number, const QString &author,
                             qint64 createdAt, qint64 closedAt, qint64 mergedAt)
        = 0;
    // Commits the batch with the source's new progress, and appends to `committed` the
    // batches whose commits completed meanwhile, oldest first. SQLite commits at once;
    // PostgreSQL writes on a thread of its own while the caller parses the next batch,
    // so its batch completes later. False when a commit failed: see lastError().
    virtual bool commitBatch(const SourceProgress &progress, QList<BatchResult> *committed) = 0;
    // Waits until every batch handed to commitBatch() is committed, or one failed.
    virtual bool waitForCommits(QList<BatchResult> *committed) = 0;
    virtual void rollbackBatch() = 0;

    // The GH Archive file of the hour starting at `hourStart` is ingested. Keeps, in
    // gold.archive_hours, the events created in the hour, how many of them the live feeds
    // had stored first, and whether the hour is complete: only when the file is filed by
    // created_at and passes the health checks (ArchiveHourCheck). Call once every batch of
    // the file is committed.
    virtual bool recordCoverage(qint64 hourStart) = 0;

    // gold.archive_hours, for both backends.
    static QString archiveHoursSchema(bool postgres);

protected:
    // Why an ingested archive file does not make its hour complete; empty when it does.
    static QString archiveHourVerdict(ArchiveHourFile file);

    // Registers the source if new, with `registerSql`, then reads its progress with
    // `selectSql` (id, offset, lines, complete); both take the key as their parameter.
    std::optional<SourceProgress> readProgress(const QSqlDatabase &database,
                                               const QString &registerSql, const QString &selectSql,
                                               const QString &sourceKey);

    // recordCoverage() on `database`, the same SQL on both backends.
    bool writeCoverage(const QSqlDatabase &database, qint64 hourStart);

    QString m_error;
    HealthDelta m_health; // the batch's measurements of its source
    qint64 m_line = 0;
};
