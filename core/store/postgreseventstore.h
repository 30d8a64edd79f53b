#pragma once

#include "store/eventstore.h"

#include <QUrl>

// Silver and gold in the `silver` and `gold` schemas of a PostgreSQL database, shared by
// any number of collectors. A batch is buffered in memory; at commit it goes to a
// PostgresBatchWriter, which stores it while the next batch is parsed. Only the events a
// writer inserted reach gold, so concurrent writers never count an event twice.
class PostgresEventStore : public EventStore
{
public:
    explicit PostgresEventStore(const QUrl &databaseUrl);
    ~PostgresEventStore() override;

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

    // The channel every commit notifies with "<first> <last>": the span of its new events.
    static QString notificationChannel();

private:
    struct Private;
    bool createSchema(QString *error);

    QUrl m_databaseUrl;
    std::unique_ptr<Private> d;
};
