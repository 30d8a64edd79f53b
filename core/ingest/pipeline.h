#pragma once

#include "collect/bronzestore.h"
#include "event/parsedpage.h"
#include "ingest/ingestor.h"
#include "store/eventstore.h"
#include "store/storelocation.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <functional>

// Bronze -> silver -> gold, on the thread it lives in, with its own connection. Live
// pages are ingested as they arrive; imports and rebuilds report progress and can be
// cancelled from any thread.
class Pipeline : public QObject
{
    Q_OBJECT

public:
    explicit Pipeline(const StoreLocation &location, QObject *parent = nullptr);
    ~Pipeline() override;

    // Thread-safe: stops an import or rebuild after its current batch.
    void cancel() { m_cancel = true; }

    Q_INVOKABLE bool open();
    // Ingests any bronze page or archive hour not yet in silver (left by a crash or a full
    // disk).
    Q_INVOKABLE void catchUp();
    // A page just stored in bronze; `page` is it as the collector parsed it, when it did.
    Q_INVOKABLE void ingestPage(const QString &path, const ParsedPagePtr &page = {});
    Q_INVOKABLE void importFiles(const QStringList &paths);
    // Sources bronze already holds (GH Archive hours an import fetched), with progress and
    // finished() as importFiles().
    Q_INVOKABLE void importStored(const QStringList &paths);
    // Drops silver and gold and ingests every bronze source again.
    Q_INVOKABLE void rebuild();

signals:
    void goldChanged(qint64 fromSeconds, qint64 toSeconds);
    void progress(int fileIndex, int fileCount, const IngestProgress &progress);
    void finished(const IngestSummary &summary);
    void failed(const QString &message);
    // A GH Archive hour was ingested whole: its hour is complete.
    void archiveIngested(const QDateTime &hour, qint64 events, double eventsPerSecond);

private:
    IngestSummary ingestAll(const QStringList &paths);
    // Ingests sources 0 to count - 1, in order; `sourceAt` gives each one's bronze path,
    // or an empty path and the error that stops the run.
    using SourceAt = std::function<QString(int index, QString *error)>;
    IngestSummary ingestEach(int count, const SourceAt &sourceAt);
    void onBatch(const BatchResult &batch);
    void noteArchiveHour(const QString &path, const IngestSummary &summary);
    // A live page or archive hour whose ingest failed (a full disk, a locked or lost
    // database) is tried again after 5 s, then at doubling waits up to a minute, without a
    // restart: bronze has it.
    void retryLater(const QString &path);
    void retryFailed();

    BronzeStore m_bronze;
    std::unique_ptr<EventStore> m_store;
    Ingestor m_ingestor;
    bool m_open = false;
    std::atomic_bool m_cancel = false;
    int m_fileIndex = 0;
    int m_fileCount = 0;
    QStringList m_failed; // live sources to ingest again
    QTimer *m_retry;
};
