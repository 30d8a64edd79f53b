#pragma once

#include "event/ownedevent.h"
#include "store/eventstore.h"

#include <QList>
#include <QSet>
#include <QUrl>

#include <memory>
#include <vector>

struct PendingQuarantine
{
    qint64 line;
    QString reason;
    QString raw;
};

struct PendingPullRequest
{
    QString repository;
    qint64 number;
    QString author;
    qint64 createdAt, closedAt, mergedAt;
};

struct PendingStarDay
{
    QString repository;
    qint64 day;
    qint64 stars;
};

// One batch as PostgresEventStore buffered it, with the progress to commit along.
struct PendingBatch
{
    qint64 sourceId = 0;
    SourceProgress progress;
    SourceOrigin origin;
    std::vector<OwnedEvent> events; // copied out of the parser's buffers, reused for the next
    QList<PendingQuarantine> quarantine;
    QList<PendingPullRequest> pullRequests;
    QList<PendingStarDay> starDays;
    QList<RepositoryCounts> repositoryCounts;
    QSet<QString> botLogins; // lower-case
};

// Writes batches to PostgreSQL on a thread with a connection of its own, one at a time,
// so that the caller parses the next batch while the server stores this one: the two
// take turns otherwise, and the server's share is the larger.
//
// Each batch is one short transaction. Its events go by COPY into a staging table, then
// into silver, less those already stored; only the inserted ones reach gold, whose rows
// are upserted in key order so that concurrent writers do not deadlock. The source's
// progress commits with them, and a NOTIFY tells viewers. A deadlock, serialization
// failure or an event a concurrent writer inserted first runs the batch again.
class PostgresBatchWriter
{
public:
    explicit PostgresBatchWriter(const QUrl &databaseUrl);
    ~PostgresBatchWriter();
    PostgresBatchWriter(const PostgresBatchWriter &) = delete;
    PostgresBatchWriter &operator=(const PostgresBatchWriter &) = delete;

    // Starts the thread, which connects and prepares its statements.
    bool start(QString *error);
    // Hands over a batch; the previous one must have been waited for.
    void write(PendingBatch batch);
    // Waits for the batch handed over last.
    bool wait(BatchResult *result, QString *error);

    // The channel every commit notifies with "<first> <last>": the span of its new events.
    static QString notificationChannel();

private:
    class Thread;
    std::unique_ptr<Thread> m_thread;
};
