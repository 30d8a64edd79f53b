#pragma once

#include "store/eventstore.h"

#include "store/golddelta.h"

#include <QSqlDatabase>

#include <optional>

class CountRollups;
struct sqlite3_stmt;

// Silver in `silver/github_events.db` with gold's file attached: the embedded default.
// Events go through the sqlite3 C API on the connection's handle, one prepared
// statement step each, inside a transaction held for the whole batch.
class SqliteEventStore : public EventStore
{
public:
    explicit SqliteEventStore(const QString &dataDir);
    ~SqliteEventStore() override;

    bool open() override;
    void close() override;
    bool clear() override;
    std::optional<SourceProgress> sourceProgress(const QString &sourceKey) override;
    bool beginBatch(qint64 sourceId) override;
    void event(const EventView &event) override;
    void invalid(std::string_view reason, std::string_view raw) override;
    void starDay(const QString &repository, qint64 day, qint64 stars) override;
    void repositoryCounts(const RepositoryCounts &counts) override;
    void pullRequest(const QString &repository, qint64 number, const QString &author,
                     qint64 createdAt, qint64 closedAt, qint64 mergedAt) override;
    bool commitBatch(const SourceProgress &progress, QList<BatchResult> *committed) override;
    bool waitForCommits(QList<BatchResult> *) override { return true; }
    void rollbackBatch() override;
    bool recordCoverage(qint64 hourStart) override;

private:
    bool progressStored(const SourceProgress &progress);
    bool catchUpRepoIndex();
    bool sendRepoIndex();
    bool recordRepoIndex();
    struct Private;
    bool createSchema();
    bool addArrivalColumn();
    bool repairGold();
    bool rollUpFromSilver();
    bool flushGold();
    bool writeHealth();
    bool applyPullRequestChanges();
    bool upsertRepositories(QList<qint64> *ids);
    std::optional<qint64> returnedId(sqlite3_stmt *upsert);
    bool addToRollups(CountRollups &rollups, const QHash<GoldDelta::SecondKey, qint64> &seconds,
                      const QList<qint64> &goldIds);

    QString m_dataDir;
    std::unique_ptr<Private> d;
};
