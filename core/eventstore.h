#pragma once

#include "eventparser.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

// How far a bronze source has been ingested; committed with its events.
struct SourceProgress
{
    qint64 sourceId = 0;
    qint64 offset = 0; // bytes of the (decompressed) file fully ingested
    qint64 lines = 0;
    bool complete = false;
};

struct BatchResult
{
    qint64 inserted = 0;
    qint64 duplicates = 0;
    qint64 quarantined = 0;
    qint64 firstCreatedAt = -1; // span of the inserted events, -1 when none
    qint64 lastCreatedAt = -1;
};

// The write side of silver and gold, for one thread. Each batch is one transaction
// covering the new silver rows, their gold aggregates and the source's progress, so a
// crash at any instant loses nothing and doubles nothing.
class EventStore : public EventSink
{
public:
    EventStore();
    ~EventStore() override;

    bool open(const QString &dataDir, QString *error);
    void close();
    QString lastError() const { return m_error; }

    SourceProgress sourceProgress(const QString &sourceKey);

    bool beginBatch(qint64 sourceId);
    void setLine(qint64 line) { m_line = line; } // for quarantine records
    void event(const EventView &event) override;
    void invalid(std::string_view reason, std::string_view raw) override;
    // One pull request of a watched repository's history; a later fetch replaces it.
    void pullRequest(const QString &repository, qint64 number, const QString &author,
                     qint64 createdAt, qint64 closedAt, qint64 mergedAt);
    // Commits the batch and the source's new progress.
    bool commitBatch(const SourceProgress &progress, BatchResult *result);
    void rollbackBatch();

private:
    struct Private;
    bool createSchema();
    bool repairGold();
    bool flushGold();

    std::unique_ptr<Private> d;
    QString m_error;
    qint64 m_line = 0;
};
