#include "collect/archivedownload.h"

#include "collect/bronzestore.h"
#include "event/compressedfile.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStorageInfo>

#include <limits>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDownload, "ghm.archive")

ArchiveDownload::ArchiveDownload(QNetworkAccessManager *network, BronzeStore *bronze,
                                 const QUrl &url, const QDateTime &hour, const Limits &limits,
                                 QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_bronze(bronze)
    , m_url(url)
    , m_hour(hour)
    , m_limits(limits)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        refuse(u"%1 took over %2 minutes: refused, to be fetched again later"_s.arg(
            m_url.toString(), QString::number(m_limits.deadlineMs / 60000.0, 'g', 3)));
    });
}

void ArchiveDownload::start()
{
    const QString partPath = m_bronze->archivePath(m_hour) + ".part"_L1;
    QDir().mkpath(QFileInfo(partPath).absolutePath());
    m_part.setFileName(partPath);
    if (!m_part.open(QIODevice::ReadWrite | QIODevice::Append)) {
        emit finished({}, u"cannot write %1: %2"_s.arg(partPath, m_part.errorString()), false);
        return;
    }
    m_resumedFrom = m_done = m_part.size();
    QNetworkRequest request(m_url);
    request.setTransferTimeout(m_limits.timeoutMs); // without a byte arriving
    request.setRawHeader("User-Agent", "ghmonitor");
    if (m_resumedFrom > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_resumedFrom) + '-');
    m_started.start();
    m_deadline.start(m_limits.deadlineMs);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &ArchiveDownload::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &ArchiveDownload::onData);
    connect(m_reply, &QNetworkReply::finished, this, &ArchiveDownload::onFinished);
}

void ArchiveDownload::abort()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_part.close();
}

double ArchiveDownload::bytesPerSecond() const
{
    const qint64 elapsedMs = std::max<qint64>(m_started.elapsed(), 1);
    return double(bytesDone() - m_resumedFrom) * 1000.0 / double(elapsedMs);
}

// A server that ignores Range sends the whole file again: the .part starts over.
void ArchiveDownload::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200 && m_part.size() > 0) {
        m_part.resize(0);
        m_resumedFrom = 0;
    }
    if (status == 200 || status == 206) {
        const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        m_total = length > 0 ? m_resumedFrom + length : -1;
        if (m_total > m_limits.maxBytes)
            refuse(u"%1 is %2 MiB, over the %3 MiB an archive hour may be"_s.arg(
                m_url.toString(), QString::number(m_total >> 20),
                QString::number(m_limits.maxBytes >> 20)));
        else if (length > 0 && freeBytes() - length < m_limits.minimumFreeBytes)
            refuse(u"no room for %1: %2 MiB to come, %3 MiB free, %4 MiB kept free"_s.arg(
                m_url.toString(), QString::number(length >> 20), QString::number(freeBytes() >> 20),
                QString::number(m_limits.minimumFreeBytes >> 20)));
    }
}

qint64 ArchiveDownload::freeBytes() const
{
    const QStorageInfo storage(QFileInfo(m_part.fileName()).absolutePath());
    return storage.isValid() ? storage.bytesAvailable() : std::numeric_limits<qint64>::max();
}

void ArchiveDownload::refuse(const QString &error)
{
    if (!m_refusal.isEmpty())
        return;
    m_refusal = error;
    m_deadline.stop();
    if (m_reply)
        m_reply->abort(); // finished() follows, and reports the refusal
}

void ArchiveDownload::onData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if ((status != 200 && status != 206) || !m_refusal.isEmpty())
        return; // an error page is not archive data
    const QByteArray data = m_reply->readAll();
    if (m_part.write(data) != data.size()) {
        m_reply->abort();
        return;
    }
    // Checked every few megabytes: a body may run past what it announced, or announce
    // nothing.
    constexpr qint64 checkEvery = 4 * 1024 * 1024;
    const qint64 written = m_part.size();
    if (written > m_limits.maxBytes)
        refuse(u"%1 runs past %2 MiB, more than an archive hour may be"_s.arg(
            m_url.toString(), QString::number(m_limits.maxBytes >> 20)));
    else if ((written - data.size()) / checkEvery != written / checkEvery
             && freeBytes() < m_limits.minimumFreeBytes)
        refuse(u"stopped %1: under %2 MiB free where bronze is kept"_s.arg(
            m_url.toString(), QString::number(m_limits.minimumFreeBytes >> 20)));
    emit progressed();
}

void ArchiveDownload::onFinished()
{
    QNetworkReply *reply = m_reply;
    reply->deleteLater();
    onData();
    m_reply = nullptr;
    m_deadline.stop();
    if (!m_refusal.isEmpty()) {
        m_part.close();
        m_part.remove();
        m_done = 0;
        emit finished({}, m_refusal, false);
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool writeFailed = m_part.error() != QFileDevice::NoError;
    const QString writeError = m_part.errorString();
    m_done = m_part.size();
    m_part.close();
    const QString url = reply->url().toString();
    if (writeFailed) {
        emit finished({}, u"cannot write %1: %2"_s.arg(m_part.fileName(), writeError), false);
    } else if (status == 404) {
        emit finished({}, u"%1 is not published yet (404)"_s.arg(url), true);
    } else if (status != 200 && status != 206) {
        emit finished({},
                      status > 0 ? u"HTTP %1 for %2"_s.arg(status).arg(url)
                                 : u"%1: %2"_s.arg(url, reply->errorString()),
                      false);
    } else if (reply->error() != QNetworkReply::NoError) {
        // What arrived stays in the .part file; the next attempt asks for the rest.
        emit finished({}, u"%1: %2"_s.arg(url, reply->errorString()), false);
    } else {
        QString error;
        const QString path = store(&error);
        emit finished(path, error, false);
    }
}

QString ArchiveDownload::store(QString *error)
{
    const QString partPath = m_part.fileName();
    qint64 uncompressed = 0;
    if (!CompressedFile::verifyGzip(partPath, &uncompressed, error)) {
        QFile::remove(partPath);
        return {};
    }
    const QString path = m_bronze->storeArchive(partPath, m_hour, m_url, m_expectedSha256, error);
    if (path.isEmpty()) {
        QFile::remove(partPath);
        return {};
    }
    qCInfo(lcDownload).noquote() << "stored" << path << QFileInfo(path).size() << "bytes,"
                                 << uncompressed << "uncompressed";
    return path;
}
