#include "ingestor.h"

#include "bronzestore.h"
#include "compressedfile.h"
#include "parsedpage.h"

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
    const SourceProgress progress = m_store->sourceProgress(m_bronze->sourceKey(path));
    if (progress.sourceId == 0) {
        summary.ok = false;
        summary.error = m_store->lastError();
    } else if (!progress.complete) {
        ingestElements(progress, page.bodySize(), &summary, [&](QByteArray *) {
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
    const RateMeter meter;
    m_store->setOrigin(BronzeStore::originOf(path));
    SourceProgress progress = m_store->sourceProgress(m_bronze->sourceKey(path));
    if (progress.sourceId == 0) {
        summary.ok = false;
        summary.error = m_store->lastError();
        return summary;
    }
    if (progress.complete) {
        summary.alreadyIngested = 1;
        return summary;
    }
    if (BronzeStore::isPullRequestPage(path))
        return ingestPullRequests(path, progress);
    if (BronzeStore::isStarHistoryPage(path))
        return ingestStarHistory(path, progress);
    if (BronzeStore::isRepositoryCountsPage(path))
        return ingestRepositoryCounts(path, progress);

    CompressedReader reader(path);
    const qint64 total = QFileInfo(path).size();
    if (!reader.isOpen() || (progress.offset > 0 && !reader.seek(progress.offset))) {
        summary.ok = false;
        summary.error = u"cannot read %1"_s.arg(path);
        return summary;
    }
    const qint64 startPosition = reader.rawPosition();

    QByteArray buffer(chunkSize + EventParser::padding, Qt::Uninitialized);
    qsizetype filled = 0;
    qint64 linesThisRun = 0;
    qint64 linesInBatch = 0;
    bool inBatch = false;
    QuarantineCap quarantine(m_store);
    bool arrayChecked = progress.offset > 0;

    for (;;) {
        const qint64 read = reader.read(buffer.data() + filled, chunkSize - filled);
        if (read < 0) {
            summary.ok = false;
            summary.error = u"cannot read %1: %2"_s.arg(path, reader.error());
            break;
        }
        filled += qsizetype(read);
        const bool atEnd = read == 0;

        if (!arrayChecked) {
            arrayChecked = true;
            const qsizetype first = buffer.left(filled).indexOf(QByteArrayView("["));
            if (first >= 0 && buffer.left(first).trimmed().isEmpty()) {
                // A JSON array (an /events page): small enough to parse whole.
                QByteArray content = buffer.left(filled);
                for (qint64 more = 1; more > 0 && content.size() <= maxArrayFileSize;) {
                    more = reader.read(buffer.data(), chunkSize);
                    if (more > 0)
                        content.append(buffer.constData(), qsizetype(more));
                }
                if (content.size() > maxArrayFileSize) {
                    summary.ok = false;
                    summary.error = u"%1 is a JSON array of over %2 MiB: import it as NDJSON, "
                                    "one event a line"_s.arg(path)
                                        .arg(maxArrayFileSize / (1024 * 1024));
                    return summary;
                }
                ingestWhole(content, progress, &summary);
                summary.seconds = meter.seconds();
                return summary;
            }
        }

        qsizetype lineStart = 0;
        for (;;) {
            const char *begin = buffer.constData() + lineStart;
            const char *newline
                = static_cast<const char *>(memchr(begin, '\n', size_t(filled - lineStart)));
            if (!newline && !(atEnd && lineStart < filled))
                break;
            const qsizetype length = newline ? newline - begin : filled - lineStart;
            if (!inBatch) {
                if (!m_store->beginBatch(progress.sourceId)) {
                    waitForCommits(&summary);
                    summary.ok = false;
                    summary.error = m_store->lastError();
                    return summary;
                }
                inBatch = true;
            }
            if (QByteArrayView(begin, length).trimmed().size() > 0) {
                m_store->setLine(progress.lines + 1);
                m_parser.parseLine(begin, length, quarantine);
            }
            ++progress.lines;
            ++linesThisRun;
            ++linesInBatch;
            lineStart += length + (newline ? 1 : 0);
            progress.offset += length + (newline ? 1 : 0);
            if (quarantine.exceeded()) {
                summary.ok = false;
                break;
            }
            if (linesInBatch >= m_batchLines) {
                inBatch = false;
                linesInBatch = 0;
                if (!commit(progress, &summary))
                    return summary;
                if (m_progress)
                    m_progress(
                        meter.progress(reader.rawPosition(), total, linesThisRun, startPosition));
                if (m_cancel && m_cancel->load()) {
                    waitForCommits(&summary);
                    summary.cancelled = true;
                    summary.seconds = meter.seconds();
                    return summary;
                }
            }
        }
        if (atEnd || !summary.ok)
            break;
        // Keep the partial last line for the next read.
        memmove(buffer.data(), buffer.constData() + lineStart, size_t(filled - lineStart));
        filled -= lineStart;
        if (filled >= chunkSize) {
            // A line longer than the buffer: quarantined by its first bytes, then skipped.
            if (!inBatch) {
                if (!m_store->beginBatch(progress.sourceId)) {
                    summary.ok = false;
                    summary.error = m_store->lastError();
                    break;
                }
                inBatch = true;
            }
            m_store->setLine(++progress.lines);
            quarantine.invalid("line longer than 4 MiB",
                               std::string_view(buffer.constData(), size_t(quarantinedPrefix)));
            progress.offset += skipLine(reader, buffer, &filled);
            ++linesThisRun;
            ++linesInBatch;
        }
    }
    if (quarantine.exceeded()) {
        // Refused for good: complete, so that no start ingests it again.
        progress.complete = true;
        if (!inBatch)
            m_store->beginBatch(progress.sourceId);
        commit(progress, &summary);
        inBatch = false;
        summary.ok = false;
        summary.error = u"%1 is not GitHub events: %2 of its %3 lines read are not events (at "
                        "most %4, or %5 MiB of them, are kept in quarantine); the valid events "
                        "before are kept"_s.arg(path)
                            .arg(quarantine.rows())
                            .arg(linesThisRun)
                            .arg(QuarantineCap::maxRows)
                            .arg(QuarantineCap::maxBytes / (1024 * 1024));
    }
    if (summary.ok && reader.isTruncated()) {
        summary.ok = false;
        summary.error = u"%1 is cut short: its gzip stream ends early; the events before the cut "
                        "are kept"_s.arg(path);
        if (inBatch)
            commit(progress, &summary);
        inBatch = false;
    }
    if (summary.ok) {
        if (!inBatch)
            m_store->beginBatch(progress.sourceId);
        progress.complete = true;
        commit(progress, &summary);
    } else if (inBatch) {
        m_store->rollbackBatch();
    }
    waitForCommits(&summary);
    if (m_progress)
        m_progress(meter.progress(total, total, linesThisRun, startPosition));
    summary.seconds = meter.seconds();
    return summary;
}
