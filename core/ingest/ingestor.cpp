#include "ingest/ingestor.h"

#include "collect/bronzestore.h"
#include "event/compressedfile.h"
#include "event/parsedpage.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype chunkSize = 4 * 1024 * 1024;
// An /events page is a few hundred kilobytes; a bigger array belongs in NDJSON, which
// streams in constant memory.
constexpr qsizetype maxArrayFileSize = 64 * 1024 * 1024;
constexpr qsizetype quarantinedPrefix = 64 * 1024; // what is kept of an overlong line

// Hands a page's elements to the store numbered by their position in the array, the
// page's "line" in quarantine records: one record for each element that is not an event.
class NumberedElements : public EventSink
{
public:
    explicit NumberedElements(EventStore *store)
        : m_store(store)
    {
    }
    void event(const EventView &event) override
    {
        m_store->setLine(++m_position);
        m_store->event(event);
    }
    void invalid(std::string_view reason, std::string_view raw) override
    {
        m_store->setLine(++m_position);
        m_store->invalid(reason, raw);
    }

private:
    EventStore *m_store;
    qint64 m_position = 0;
};

// Reads past the rest of a line that filled the whole buffer. Returns the line's length,
// newline included; what follows the newline is left at the buffer's start.
qint64 skipLine(CompressedReader &reader, QByteArray &buffer, qsizetype *filled)
{
    qint64 skipped = 0;
    for (;;) {
        const char *newline
            = static_cast<const char *>(memchr(buffer.constData(), '\n', size_t(*filled)));
        if (newline) {
            const qsizetype end = newline - buffer.constData() + 1;
            memmove(buffer.data(), buffer.constData() + end, size_t(*filled - end));
            *filled -= end;
            return skipped + end;
        }
        skipped += *filled;
        const qint64 read = reader.read(buffer.data(), chunkSize);
        *filled = read > 0 ? qsizetype(read) : 0;
        if (read <= 0)
            return skipped;
    }
}

// What one run of a source may put in quarantine. Past either cap the source is not
// GitHub events: it is refused, keeping what was valid, rather than filling the disk with
// rows (a 32 KB gzip of "{}" lines is 11 million of them).
class QuarantineCap : public EventSink
{
public:
    static constexpr qint64 maxRows = 10000;
    static constexpr qint64 maxBytes = 16 * 1024 * 1024;

    explicit QuarantineCap(EventSink *next)
        : m_next(next)
    {
    }
    void event(const EventView &event) override { m_next->event(event); }
    void invalid(std::string_view reason, std::string_view raw) override
    {
        ++m_rows;
        m_bytes += qint64(std::min<size_t>(raw.size(), quarantinedPrefix));
        if (!exceeded())
            m_next->invalid(reason, raw);
    }
    bool exceeded() const { return m_rows > maxRows || m_bytes > maxBytes; }
    qint64 rows() const { return m_rows; }

private:
    EventSink *m_next;
    qint64 m_rows = 0;
    qint64 m_bytes = 0;
};

class RateMeter
{
public:
    RateMeter() { m_timer.start(); }
    double seconds() const { return double(m_timer.nsecsElapsed()) / 1e9; }
    IngestProgress progress(qint64 bytesDone, qint64 bytesTotal, qint64 events,
                            qint64 bytesAtStart) const
    {
        const double elapsed = std::max(seconds(), 1e-6);
        IngestProgress progress {bytesDone, bytesTotal, events, double(events) / elapsed, -1};
        const double byteRate = double(bytesDone - bytesAtStart) / elapsed;
        if (byteRate > 0)
            progress.etaSeconds = double(bytesTotal - bytesDone) / byteRate;
        return progress;
    }

private:
    QElapsedTimer m_timer;
};

} // namespace

void IngestSummary::add(const IngestSummary &other)
{
    ok = ok && other.ok;
    cancelled = cancelled || other.cancelled;
    if (error.isEmpty())
        error = other.error;
    inserted += other.inserted;
    duplicates += other.duplicates;
    quarantined += other.quarantined;
    alreadyIngested += other.alreadyIngested;
    addSpan(other.firstCreatedAt, other.lastCreatedAt);
    seconds += other.seconds;
}

void IngestSummary::addSpan(qint64 first, qint64 last)
{
    if (first < 0)
        return;
    firstCreatedAt = firstCreatedAt < 0 ? first : std::min(firstCreatedAt, first);
    lastCreatedAt = std::max(lastCreatedAt, last);
}

Ingestor::Ingestor(EventStore *store, const BronzeStore *bronze)
    : m_store(store)
    , m_bronze(bronze)
{
}

bool Ingestor::commit(const SourceProgress &progress, IngestSummary *summary)
{
    QList<BatchResult> committed;
    const bool ok = m_store->commitBatch(progress, &committed);
    return report(ok, committed, summary);
}

bool Ingestor::waitForCommits(IngestSummary *summary)
{
    QList<BatchResult> committed;
    const bool ok = m_store->waitForCommits(&committed);
    return report(ok, committed, summary);
}

bool Ingestor::report(bool ok, const QList<BatchResult> &committed, IngestSummary *summary)
{
    for (const BatchResult &result : committed) {
        summary->inserted += result.inserted;
        summary->duplicates += result.duplicates;
        summary->quarantined += result.quarantined;
        summary->addSpan(result.firstCreatedAt, result.lastCreatedAt);
        if (m_onBatch)
            m_onBatch(result);
    }
    if (!ok) {
        summary->ok = false;
        summary->error = m_store->lastError();
    }
    return ok;
}

bool Ingestor::ingestWhole(const QByteArray &content, SourceProgress progress,
                           IngestSummary *summary)
{
    return ingestElements(progress, content.size(), summary, [&](QByteArray *error) {
        QByteArray padded = content;
        padded.reserve(content.size() + EventParser::padding);
        NumberedElements elements(m_store);
        return m_parser.parsePage(padded.constData(), padded.size(), elements, error);
    });
}

// One batch for a whole page: its elements come from `feed`, which reports them to the
// store, or fails with `error` before reporting any.
bool Ingestor::ingestElements(SourceProgress progress, qint64 size, IngestSummary *summary,
                              const std::function<bool(QByteArray *error)> &feed)
{
    if (!m_store->beginBatch(progress.sourceId)) {
        summary->ok = false;
        summary->error = m_store->lastError();
        return false;
    }
    QByteArray error;
    if (!feed(&error)) {
        m_store->rollbackBatch();
        summary->ok = false;
        summary->error = u"not a JSON array of events: %1"_s.arg(QString::fromUtf8(error));
        return false;
    }
    progress.offset = size;
    progress.complete = true;
    return commit(progress, summary) && waitForCommits(summary);
}

IngestSummary Ingestor::ingestParsed(const QString &path, const ParsedPage &page)
{
    IngestSummary summary;
    const RateMeter meter;
    m_store->setOrigin(BronzeStore::originOf(path));
    const std::optional<SourceProgress> progress
        = m_store->sourceProgress(m_bronze->sourceKey(path));
    if (!progress) {
        summary.ok = false;
        summary.error = m_store->lastError();
    } else if (!progress->complete) {
        ingestElements(*progress, page.bodySize(), &summary, [&](QByteArray *) {
            NumberedElements elements(m_store);
            page.replay(elements);
            return true;
        });
    }
    summary.seconds = meter.seconds();
    return summary;
}

// A /pulls page of a watched repository: at most 100 objects, so Qt's parser will do.
IngestSummary Ingestor::ingestPullRequests(const QString &path, SourceProgress progress)
{
    IngestSummary summary;
    QFile file(path);
    const QJsonDocument document = file.open(QIODevice::ReadOnly)
        ? QJsonDocument::fromJson(file.readAll())
        : QJsonDocument();
    if (!document.isArray() || !m_store->beginBatch(progress.sourceId)) {
        summary.ok = false;
        summary.error = u"%1 is not a readable page of pull requests"_s.arg(path);
        return summary;
    }
    const auto time = [](const QJsonValue &value) {
        return value.isString()
            ? QDateTime::fromString(value.toString(), Qt::ISODate).toSecsSinceEpoch()
            : -1;
    };
    const QString repository = BronzeStore::repositoryOf(path);
    for (const QJsonValue &value : document.array()) {
        const QJsonObject pr = value.toObject();
        if (pr["number"_L1].toInteger() <= 0 || time(pr["created_at"_L1]) < 0)
            continue;
        m_store->pullRequest(repository, pr["number"_L1].toInteger(),
                             pr["user"_L1]["login"_L1].toString(), time(pr["created_at"_L1]),
                             time(pr["closed_at"_L1]), time(pr["merged_at"_L1]));
    }
    progress.offset = file.size();
    progress.complete = true;
    if (commit(progress, &summary))
        waitForCommits(&summary);
    return summary;
}

// A /stargazers/history page: at most 30 weeks of seven daily counts. A week with other than
// seven days, or a count below zero, is not GitHub's shape: the page is refused whole.
IngestSummary Ingestor::ingestStarHistory(const QString &path, SourceProgress progress)
{
    IngestSummary summary;
    const QJsonDocument document = QJsonDocument::fromJson(CompressedFile::readAll(path));
    const QString repository = BronzeStore::repositoryOf(path);
    QList<std::pair<qint64, qint64>> days;
    for (const QJsonValue &value : document.array()) {
        const qint64 week = value["week"_L1].toInteger(-1);
        const QJsonArray counts = value["days"_L1].toArray();
        if (week < 0 || week % 86400 != 0 || counts.size() != 7) {
            days.clear();
            break;
        }
        for (qsizetype day = 0; day < 7; ++day)
            days.append({week + day * 86400, counts[day].toInteger(-1)});
    }
    const bool valid = document.isArray()
        && std::none_of(days.cbegin(), days.cend(), [](const auto &day) { return day.second < 0; })
        && (document.array().isEmpty() || !days.isEmpty());
    if (!valid || !m_store->beginBatch(progress.sourceId)) {
        summary.ok = false;
        summary.error = u"%1 is not a readable page of star history"_s.arg(path);
        return summary;
    }
    for (const auto &[day, stars] : std::as_const(days))
        m_store->starDay(repository, day, stars);
    progress.offset = QFileInfo(path).size();
    progress.complete = true;
    if (commit(progress, &summary))
        waitForCommits(&summary);
    return summary;
}

// GET /repos/{owner}/{name}: one object, whose counts are whole numbers of at least zero, or
// the page is refused. The counts are the watched name's: a renamed repository answers
// with its new full_name.
IngestSummary Ingestor::ingestRepositoryCounts(const QString &path, SourceProgress progress)
{
    IngestSummary summary;
    const QJsonObject object = QJsonDocument::fromJson(CompressedFile::readAll(path)).object();
    const auto count = [&object](QLatin1StringView key) {
        const QJsonValue value = object[key];
        return value.isDouble() && value.toDouble() == double(value.toInteger())
            ? value.toInteger(-1)
            : -1;
    };
    RepositoryCounts counts {BronzeStore::repositoryOf(path), BronzeStore::originOf(path).arrivedAt,
                             count("stargazers_count"_L1),    count("forks_count"_L1),
                             count("open_issues_count"_L1),   count("subscribers_count"_L1)};
    if (counts.stars < 0 || counts.forks < 0 || counts.openIssues < 0
        || !m_store->beginBatch(progress.sourceId)) {
        summary.ok = false;
        summary.error = u"%1 is not a readable repository"_s.arg(path);
        return summary;
    }
    m_store->repositoryCounts(counts);
    progress.offset = QFileInfo(path).size();
    progress.complete = true;
    if (commit(progress, &summary))
        waitForCommits(&summary);
    return summary;
}

IngestSummary Ingestor::ingest(const QString &path)
{
    IngestSummary summary;
    m_store->setOrigin(BronzeStore::originOf(path));
    const std::optional<SourceProgress> progress
        = m_store->sourceProgress(m_bronze->sourceKey(path));
    if (!progress) {
        summary.ok = false;
        summary.error = m_store->lastError();
        return summary;
    }
    if (progress->complete) {
        summary.alreadyIngested = 1;
        return summary;
    }
    if (BronzeStore::isPullRequestPage(path))
        return ingestPullRequests(path, *progress);
    if (BronzeStore::isStarHistoryPage(path))
        return ingestStarHistory(path, *progress);
    if (BronzeStore::isRepositoryCountsPage(path))
        return ingestRepositoryCounts(path, *progress);
    return ingestLines(path, *progress);
}

// One run over a file of events, from where the previous run stopped: the buffer, the lines
// counted, and the batch open, if any.
struct Ingestor::LineRun
{
    LineRun(const QString &path, const SourceProgress &progress, EventStore *store)
        : path(path)
        , reader(path)
        , progress(progress)
        , quarantine(store)
        , buffer(chunkSize + EventParser::padding, Qt::Uninitialized)
        , total(QFileInfo(path).size())
    {
    }

    void fail(const QString &error)
    {
        summary.ok = false;
        summary.error = error;
    }

    QString path;
    CompressedReader reader;
    SourceProgress progress;
    QuarantineCap quarantine;
    QByteArray buffer;
    qsizetype filled = 0;
    qint64 total;
    qint64 startPosition = 0;
    qint64 linesThisRun = 0;
    qint64 linesInBatch = 0;
    bool inBatch = false;
    RateMeter meter;
    IngestSummary summary;
};

IngestSummary Ingestor::ingestLines(const QString &path, const SourceProgress &progress)
{
    LineRun run(path, progress, m_store);
    if (!run.reader.isOpen() || (progress.offset > 0 && !run.reader.seek(progress.offset))) {
        run.fail(u"cannot read %1"_s.arg(path));
        return run.summary;
    }
    run.startPosition = run.reader.rawPosition();
    bool arrayChecked = progress.offset > 0;
    for (;;) {
        const qint64 read = run.reader.read(run.buffer.data() + run.filled, chunkSize - run.filled);
        if (read < 0) {
            run.fail(u"cannot read %1: %2"_s.arg(path, run.reader.error()));
            break;
        }
        run.filled += qsizetype(read);
        const bool atEnd = read == 0;
        if (!std::exchange(arrayChecked, true) && startsAnArray(run))
            return ingestArray(run);
        if (!ingestBufferedLines(run, atEnd))
            return run.summary;
        if (atEnd || !run.summary.ok || !skipOverlongLine(run))
            break;
    }
    return finishLines(run);
}

bool Ingestor::startsAnArray(const LineRun &run)
{
    const QByteArray start = run.buffer.left(run.filled);
    const qsizetype first = start.indexOf(QByteArrayView("["));
    return first >= 0 && start.left(first).trimmed().isEmpty();
}

// A JSON array (an /events page): small enough to parse whole.
IngestSummary Ingestor::ingestArray(LineRun &run)
{
    QByteArray content = run.buffer.left(run.filled);
    for (qint64 more = 1; more > 0 && content.size() <= maxArrayFileSize;) {
        more = run.reader.read(run.buffer.data(), chunkSize);
        if (more > 0)
            content.append(run.buffer.constData(), qsizetype(more));
    }
    if (content.size() > maxArrayFileSize) {
        run.fail(u"%1 is a JSON array of over %2 MiB: import it as NDJSON, one event a line"_s
                     .arg(run.path)
                     .arg(maxArrayFileSize / (1024 * 1024)));
        return run.summary;
    }
    ingestWhole(content, run.progress, &run.summary);
    run.summary.seconds = run.meter.seconds();
    return run.summary;
}

bool Ingestor::beginBatch(LineRun &run)
{
    if (!run.inBatch)
        run.inBatch = m_store->beginBatch(run.progress.sourceId);
    return run.inBatch;
}

// Each whole line of the buffer (and the last, unended one at the end of the file), in
// batches of m_batchLines. False when the run ends here: a batch failed or was cancelled.
bool Ingestor::ingestBufferedLines(LineRun &run, bool atEnd)
{
    qsizetype lineStart = 0;
    for (;;) {
        const char *begin = run.buffer.constData() + lineStart;
        const char *newline
            = static_cast<const char *>(memchr(begin, '\n', size_t(run.filled - lineStart)));
        if (!newline && !(atEnd && lineStart < run.filled))
            break;
        const qsizetype length = newline ? newline - begin : run.filled - lineStart;
        if (!beginBatch(run)) {
            waitForCommits(&run.summary);
            run.fail(m_store->lastError());
            return false;
        }
        if (QByteArrayView(begin, length).trimmed().size() > 0) {
            m_store->setLine(run.progress.lines + 1);
            m_parser.parseLine(begin, length, run.quarantine);
        }
        ++run.progress.lines;
        ++run.linesThisRun;
        ++run.linesInBatch;
        lineStart += length + (newline ? 1 : 0);
        run.progress.offset += length + (newline ? 1 : 0);
        if (run.quarantine.exceeded()) {
            run.summary.ok = false;
            break;
        }
        if (run.linesInBatch >= m_batchLines && !commitBatch(run))
            return false;
    }
    // Keep the partial last line for the next read.
    memmove(run.buffer.data(), run.buffer.constData() + lineStart, size_t(run.filled - lineStart));
    run.filled -= lineStart;
    return true;
}

// Commits the batch, reports the progress, and stops when cancelled.
bool Ingestor::commitBatch(LineRun &run)
{
    run.inBatch = false;
    run.linesInBatch = 0;
    if (!commit(run.progress, &run.summary))
        return false;
    if (m_progress)
        m_progress(run.meter.progress(run.reader.rawPosition(), run.total, run.linesThisRun,
                                      run.startPosition));
    if (m_cancel && m_cancel->load()) {
        waitForCommits(&run.summary);
        run.summary.cancelled = true;
        run.summary.seconds = run.meter.seconds();
        return false;
    }
    return true;
}

// A line longer than the buffer: quarantined by its first bytes, then skipped. False when
// no batch can begin.
bool Ingestor::skipOverlongLine(LineRun &run)
{
    if (run.filled < chunkSize)
        return true;
    if (!beginBatch(run)) {
        run.fail(m_store->lastError());
        return false;
    }
    m_store->setLine(++run.progress.lines);
    run.quarantine.invalid("line longer than 4 MiB",
                           std::string_view(run.buffer.constData(), size_t(quarantinedPrefix)));
    run.progress.offset += skipLine(run.reader, run.buffer, &run.filled);
    ++run.linesThisRun;
    ++run.linesInBatch;
    return true;
}

// The file is done, refused or cut short: the last batch commits what is good, and marks
// the file complete unless it must be read again.
IngestSummary Ingestor::finishLines(LineRun &run)
{
    if (run.quarantine.exceeded()) {
        // Refused for good: complete, so that no start ingests it again.
        run.progress.complete = true;
        if (!run.inBatch)
            m_store->beginBatch(run.progress.sourceId);
        commit(run.progress, &run.summary);
        run.inBatch = false;
        run.fail(u"%1 is not GitHub events: %2 of its %3 lines read are not events (at most "
                 "%4, or %5 MiB of them, are kept in quarantine); the valid events before are "
                 "kept"_s.arg(run.path)
                     .arg(run.quarantine.rows())
                     .arg(run.linesThisRun)
                     .arg(QuarantineCap::maxRows)
                     .arg(QuarantineCap::maxBytes / (1024 * 1024)));
    }
    if (run.summary.ok && run.reader.isTruncated()) {
        run.fail(u"%1 is cut short: its gzip stream ends early; the events before the cut are "
                 "kept"_s.arg(run.path));
        if (run.inBatch)
            commit(run.progress, &run.summary);
        run.inBatch = false;
    }
    if (run.summary.ok) {
        if (!run.inBatch)
            m_store->beginBatch(run.progress.sourceId);
        run.progress.complete = true;
        commit(run.progress, &run.summary);
    } else if (run.inBatch) {
        m_store->rollbackBatch();
    }
    waitForCommits(&run.summary);
    if (m_progress)
        m_progress(run.meter.progress(run.total, run.total, run.linesThisRun, run.startPosition));
    run.summary.seconds = run.meter.seconds();
    return run.summary;
}
