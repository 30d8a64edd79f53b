#pragma once

#include "store/clickhouseclient.h"
#include "store/eventstore.h"

#include <QHash>
#include <QSet>

#include <vector>

// Silver in ClickHouse, for GH Archive's whole history: a MergeTree table per shard under a
// Distributed table, sharded by repository, and the bookkeeping tables on the URL's server.
// Gold is a set of rollups on each shard, kept by materialized views over that shard's silver:
// every INSERT into silver adds its own counts as it lands, so gold is exact once the INSERT
// returns, merged or not. See the README's measurements.
//
// Exactly once without transactions. A batch's events are looked up by id first and only
// the new ones are inserted; the source's progress is written last, as one row, and is the
// batch's commit. A crash before that row leaves the batch's events, or some of them, in
// silver; the batch is read again on restart, and the lookup finds them. Every bookkeeping
// row is versioned by the source's offset and read with argMax, so one written twice
// counts once. One writer process at a time: two writers inserting the same event at the
// same instant would both find it new.
class ClickHouseEventStore : public EventStore
{
public:
    explicit ClickHouseEventStore(const QUrl &databaseUrl);
    ~ClickHouseEventStore() override;

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
    bool waitForCommits(QList<BatchResult> *committed) override;
    void rollbackBatch() override;
    bool recordCoverage(qint64 hourStart) override;

    // The tables' statements; `cluster` empty for a single server.
    static QStringList shardSchema(const QString &database, const QString &cluster);
    static QStringList coordinatorSchema();

private:
    // What a source has delivered so far, kept in its progress row.
    struct SourceTotals
    {
        QString key = {};
        QString origin = {};
        qint64 originHour = -1;
        qint64 events = 0; // valid events, new or not
        qint64 inHour = 0; // created inside originHour
        QHash<QByteArray, qint64> types = {};
    };
    struct PendingEvent
    {
        qint64 id;
        qint64 createdAt;
        QByteArray type;
        QByteArray row; // TabSeparated, newline-terminated; empty for a repeat in the batch
    };

    bool fail(const QString &context);
    bool createSchema();
    bool buildRollups();
    bool dropRollups();
    // Gold's tables on every shard, and the Distributed tables over them.
    QStringList rollupSchema() const;
    bool waitForEarlierInserts();
    std::optional<QSet<qint64>> storedIds();
    bool insertRows(const QString &table, const QByteArray &rows);
    QByteArray progressRow(const SourceProgress &progress) const;
    // The batch's measurements of its source (HealthDelta), each row keyed by the source and
    // the progress row's version, so that only committed batches count.
    bool insertHealth(qint64 version);
    QByteArray botRows() const;
    void clearBatch();

    ClickHouseClient m_client;
    QString m_where; // for messages: the URL without its password
    QHash<qint64, SourceTotals> m_sources; // by id, as read or last committed
    SourceTotals m_totals; // the batch's source, with the batch's events added
    qint64 m_sourceId = 0;
    std::vector<PendingEvent> m_events;
    QSet<qint64> m_batchIds;
    QByteArray m_quarantine;
    QByteArray m_starDays;
    QByteArray m_repositoryCounts;
    QByteArray m_pullRequests;
    QSet<QByteArray> m_botLogins; // typed "Bot" by a payload, without the [bot] suffix
    qint64 m_quarantined = 0;
    qint64 m_duplicates = 0;
};
