#pragma once

#include "store/eventstore.h"

#include <QString>

#include <atomic>
#include <functional>

class BronzeStore;
class ParsedPage;

struct IngestProgress
{
    qint64 bytesDone = 0; // of the file as stored (compressed for .gz)
    qint64 bytesTotal = 0;
    qint64 events = 0; // lines or events read so far in this run
    double eventsPerSecond = 0;
    double etaSeconds = -1;
};

struct IngestSummary
{
    bool ok = true;
    bool cancelled = false;
    QString error;
    qint64 inserted = 0;
    qint64 duplicates = 0;
    qint64 quarantined = 0;
    qint64 alreadyIngested = 0; // sources that were complete before this run
    qint64 firstCreatedAt = -1; // span of the new events, -1 when none
    qint64 lastCreatedAt = -1;
    double seconds = 0;

    void add(const IngestSummary &other);
    void addSpan(qint64 first, qint64 last);
};

// Reads one bronze source (an /events page, a GH Archive .json.gz or NDJSON file, or a
// JSON array file) into silver and gold through an EventStore. A file is streamed in
// batches; each batch commits the byte offset reached, so a re-run resumes there.
class Ingestor
{
public:
    using ProgressCallback = std::function<void(const IngestProgress &)>;
    using BatchCallback = std::function<void(const BatchResult &)>;

    Ingestor(EventStore *store, const BronzeStore *bronze);

    void setBatchLines(qint64 lines) { m_batchLines = lines; }
    void setCancelFlag(const std::atomic_bool *cancel) { m_cancel = cancel; }
    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    void setBatchCallback(BatchCallback callback) { m_onBatch = std::move(callback); }

    IngestSummary ingest(const QString &path);
    // A page of bronze file `path` that the collector has already parsed.
    IngestSummary ingestParsed(const QString &path, const ParsedPage &page);

private:
    struct LineRun;
    IngestSummary ingestLines(const QString &path, const SourceProgress &progress);
    static bool startsAnArray(const LineRun &run);
    IngestSummary ingestArray(LineRun &run);
    bool beginBatch(LineRun &run);
    bool ingestBufferedLines(LineRun &run, bool atEnd);
    bool commitBatch(LineRun &run);
    bool skipOverlongLine(LineRun &run);
    IngestSummary finishLines(LineRun &run);
    bool ingestWhole(const QByteArray &content, SourceProgress progress, IngestSummary *summary);
    bool ingestElements(SourceProgress progress, qint64 size, IngestSummary *summary,
                        const std::function<bool(QByteArray *error)> &feed);
    IngestSummary ingestStarHistory(const QString &path, SourceProgress progress);
    IngestSummary ingestRepositoryCounts(const QString &path, SourceProgress progress);
    IngestSummary ingestPullRequests(const QString &path, SourceProgress progress);
    bool commit(const SourceProgress &progress, IngestSummary *summary);
    bool waitForCommits(IngestSummary *summary);
    bool report(bool ok, const QList<BatchResult> &committed, IngestSummary *summary);

    EventStore *m_store;
    const BronzeStore *m_bronze;
    EventParser m_parser;
    qint64 m_batchLines = 50000;
    const std::atomic_bool *m_cancel = nullptr;
    ProgressCallback m_progress;
    BatchCallback m_onBatch;
};
