#include "pipeline.h"

#include "storefactory.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPipeline, "ghm.pipeline")

Pipeline::Pipeline(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_bronze(location.dataDir)
    , m_store(StoreFactory::eventStore(location))
    , m_ingestor(m_store.get(), &m_bronze)
{
    m_ingestor.setCancelFlag(&m_cancel);
    m_ingestor.setBatchCallback([this](const BatchResult &batch) { onBatch(batch); });
    m_ingestor.setProgressCallback([this](const IngestProgress &progress) {
        emit this->progress(m_fileIndex, m_fileCount, progress);
    });
}

Pipeline::~Pipeline() = default;

bool Pipeline::open()
{
    QString error;
    m_open = m_store->open(&error);
    if (!m_open) {
        emit failed(error);
    }
    return m_open;
}

void Pipeline::catchUp()
{
    if (!m_open)
        return;
    QStringList pending;
    for (const QString &path : m_bronze.listSources()) {
        if (BronzeStore::isPage(path))
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
        ingestAll({path});
        return;
    }
    const IngestSummary summary = m_ingestor.ingestParsed(path, *page);
    if (!summary.ok) {
        qCWarning(lcPipeline).noquote() << "cannot ingest" << path << ":" << summary.error;
        emit failed(u"%1: %2"_s.arg(path, summary.error));
    }
}

void Pipeline::importFiles(const QStringList &paths)
{
    m_cancel = false;
    if (!m_open) {
        IngestSummary summary;
        summary.ok = false;
        summary.error = u"the store is not open"_s;
        emit finished(summary);
        return;
    }
    QStringList registered;
    for (const QString &path : paths) {
        QString error;
        const QString bronzePath = m_bronze.registerImport(path, &error);
        if (bronzePath.isEmpty()) {
            IngestSummary summary;
            summary.ok = false;
            summary.error = error;
            emit finished(summary);
            return;
        }
        registered << bronzePath;
    }
    emit finished(ingestAll(registered));
}

void Pipeline::rebuild()
{
    m_cancel = false;
    QString error;
    m_open = m_store->clear(&error);
    if (!m_open) {
        IngestSummary summary;
        summary.ok = false;
        summary.error = error;
        emit finished(summary);
        return;
    }
    emit finished(ingestAll(m_bronze.listSources()));
}

IngestSummary Pipeline::ingestAll(const QStringList &paths)
{
    IngestSummary total;
    m_fileCount = int(paths.size());
    for (m_fileIndex = 0; m_fileIndex < m_fileCount && !total.cancelled; ++m_fileIndex) {
        const IngestSummary summary = m_ingestor.ingest(paths[m_fileIndex]);
        if (!summary.ok) {
            qCWarning(lcPipeline).noquote()
                << "cannot ingest" << paths[m_fileIndex] << ":" << summary.error;
            emit failed(u"%1: %2"_s.arg(paths[m_fileIndex], summary.error));
        }
        total.add(summary);
    }
    return total;
}

void Pipeline::onBatch(const BatchResult &batch)
{
    if (batch.inserted > 0)
        emit goldChanged(batch.firstCreatedAt, batch.lastCreatedAt);
}
