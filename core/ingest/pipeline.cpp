#include "ingest/pipeline.h"

#include "store/storefactory.h"

#include <QLoggingCategory>

#include <future>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPipeline, "ghm.pipeline")

namespace {

constexpr int firstRetryMs = 5000;
constexpr int lastRetryMs = 60000;

} // namespace

Pipeline::Pipeline(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_bronze(location.dataDir)
    , m_store(StoreFactory::eventStore(location))
    , m_ingestor(m_store.get(), &m_bronze)
    , m_retry(new QTimer(this))
{
    m_retry->setSingleShot(true);
    m_retry->setInterval(firstRetryMs);
    connect(m_retry, &QTimer::timeout, this, &Pipeline::retryFailed);
    m_ingestor.setCancelFlag(&m_cancel);
    m_ingestor.setBatchCallback([this](const BatchResult &batch) { onBatch(batch); });
    m_ingestor.setProgressCallback([this](const IngestProgress &progress) {
        emit this->progress(m_fileIndex, m_fileCount, progress);
    });
}

Pipeline::~Pipeline() = default;

bool Pipeline::open()
{
    m_open = m_store->open();
    if (!m_open)
        emit failed(m_store->lastError());
    return m_open;
}

void Pipeline::catchUp()
{
    if (!m_open)
        return;
    QStringList pending;
    for (const QString &path : m_bronze.listSources()) {
        if (BronzeStore::isPage(path) || BronzeStore::isArchive(path))
            pending << path;
    }
    const IngestSummary summary = ingestAll(pending);
    if (summary.inserted > 0)
        qCInfo(lcPipeline) << "caught up on bronze:" << summary.inserted << "new events";
}

void Pipeline::ingestPage(const QString &path, const ParsedPagePtr &page)
{
    if (!m_open)
        return;
    if (!page) {
        if (!ingestAll({path}).ok)
            retryLater(path);
        return;
    }
    const IngestSummary summary = m_ingestor.ingestParsed(path, *page);
    if (!summary.ok) {
        qCWarning(lcPipeline).noquote() << "cannot ingest" << path << ":" << summary.error;
        emit failed(u"%1: %2"_s.arg(path, summary.error));
        retryLater(path);
    }
}

void Pipeline::retryLater(const QString &path)
{
    if (!m_failed.contains(path))
        m_failed << path;
    if (!m_retry->isActive())
        m_retry->start();
}

void Pipeline::retryFailed()
{
    const QStringList paths = std::exchange(m_failed, {});
    for (const QString &path : paths) {
        if (!ingestAll({path}).ok)
            m_failed << path;
    }
    if (m_failed.isEmpty()) {
        m_retry->setInterval(firstRetryMs);
        qCInfo(lcPipeline) << "ingested" << paths.size() << "source(s) that had failed";
        return;
    }
    m_retry->setInterval(std::min(m_retry->interval() * 2, lastRetryMs));
    m_retry->start();
}

// Each file is copied into bronze on a helper thread while the one before it is ingested:
// the copy (reading, hashing, writing) and the ingest each keep a core busy.
void Pipeline::importStored(const QStringList &paths)
{
    m_cancel = false;
    if (!m_open) {
        emit finished({false, false, u"the store is not open"_s});
        return;
    }
    emit finished(ingestAll(paths));
}

void Pipeline::importFiles(const QStringList &paths)
{
    m_cancel = false;
    QString error;
    if (!m_open || !m_bronze.hasRoomFor(paths, &error)) {
        IngestSummary summary;
        summary.ok = false;
        summary.error = m_open ? error : u"the store is not open"_s;
        emit finished(summary);
        return;
    }
    using Registered = std::pair<QString, QString>; // the bronze path, or the error
    const auto registerAt = [this, &paths](int index) {
        return std::async(std::launch::async, [this, path = paths.value(index)] {
            QString error;
            const QString registered = m_bronze.registerImport(path, &error);
            return Registered {registered, error};
        });
    };
    std::future<Registered> next = registerAt(0);
    emit finished(ingestEach(int(paths.size()), [&](int index, QString *failure) {
        const Registered registered = next.get();
        if (index + 1 < paths.size())
            next = registerAt(index + 1);
        *failure = registered.second;
        return registered.first;
    }));
}

void Pipeline::rebuild()
{
    m_cancel = false;
    m_open = m_store->clear();
    if (!m_open) {
        IngestSummary summary;
        summary.ok = false;
        summary.error = m_store->lastError();
        emit finished(summary);
        return;
    }
    emit finished(ingestAll(m_bronze.listSources()));
}

IngestSummary Pipeline::ingestAll(const QStringList &paths)
{
    return ingestEach(int(paths.size()), [&paths](int index, QString *) { return paths[index]; });
}

IngestSummary Pipeline::ingestEach(int count, const SourceAt &sourceAt)
{
    IngestSummary total;
    m_fileCount = count;
    for (m_fileIndex = 0; m_fileIndex < m_fileCount && !total.cancelled; ++m_fileIndex) {
        QString error;
        const QString path = sourceAt(m_fileIndex, &error);
        if (path.isEmpty()) {
            total.ok = false;
            total.error = error;
            break;
        }
        const IngestSummary summary = m_ingestor.ingest(path);
        if (!summary.ok) {
            qCWarning(lcPipeline).noquote() << "cannot ingest" << path << ":" << summary.error;
            emit failed(u"%1: %2"_s.arg(path, summary.error));
        } else if (!summary.cancelled && summary.alreadyIngested == 0) {
            noteArchiveHour(path, summary);
        }
        total.add(summary);
    }
    return total;
}

// A whole GH Archive hour makes its hour complete.
void Pipeline::noteArchiveHour(const QString &path, const IngestSummary &summary)
{
    const QDateTime hour = BronzeStore::archiveHourOf(path);
    if (!hour.isValid())
        return;
    if (!m_store->recordCoverage(hour.toSecsSinceEpoch())) {
        qCWarning(lcPipeline).noquote()
            << "cannot record the coverage of" << path << ":" << m_store->lastError();
        return;
    }
    const qint64 events = summary.inserted + summary.duplicates;
    emit archiveIngested(hour, events, summary.seconds > 0 ? double(events) / summary.seconds : 0);
    emit goldChanged(hour.toSecsSinceEpoch(), hour.toSecsSinceEpoch() + 3599);
}

void Pipeline::onBatch(const BatchResult &batch)
{
    if (batch.inserted > 0)
        emit goldChanged(batch.firstCreatedAt, batch.lastCreatedAt);
}
