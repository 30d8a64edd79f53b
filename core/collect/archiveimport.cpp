#include "collect/archiveimport.h"

#include "collect/archivefollower.h"
#include "collect/bronzestore.h"

#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

constexpr int maxHeadsInFlight = 8;

// One end of a range: the hour it names, or for a day the first hour (`last`: its last).
QDateTime parseEnd(const QString &text, bool last)
{
    static const QRegularExpression hour(uR"(^(\d{4}-\d\d-\d\d)(?:-|T)(\d{1,2})(?::00){0,2}Z?$)"_s);
    static const QRegularExpression day(uR"(^(\d{4}-\d\d-\d\d)$)"_s);
    const QString trimmed = text.trimmed();
    if (const QRegularExpressionMatch match = hour.match(trimmed); match.hasMatch()) {
        const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
        const int h = match.captured(2).toInt();
        return date.isValid() && h < 24 ? QDateTime(date, QTime(h, 0), Qt::UTC) : QDateTime();
    }
    if (const QRegularExpressionMatch match = day.match(trimmed); match.hasMatch()) {
        const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
        return date.isValid() ? QDateTime(date, QTime(last ? 23 : 0, 0), Qt::UTC) : QDateTime();
    }
    return {};
}

} // namespace

std::optional<QList<QDateTime>> ArchiveImport::parseRange(const QString &text, const QDateTime &now,
                                                          QString *error)
{
    const QStringList ends = text.split(u".."_s);
    const QDateTime from = parseEnd(ends.first(), false);
    const QDateTime to = parseEnd(ends.last(), true);
    if (ends.size() > 2 || !from.isValid() || !to.isValid()) {
        *error = u"%1 is not a range of hours: expected FROM..TO, each a day (2024-01-31), "
                 "an hour as GH Archive names it (2024-01-31-5) or 2024-01-31T05"_s.arg(text);
        return std::nullopt;
    }
    if (to < from) {
        *error = u"%1 ends before it starts"_s.arg(text);
        return std::nullopt;
    }
    const QDateTime lastEnded
        = QDateTime(now.toUTC().date(), QTime(now.toUTC().time().hour(), 0), Qt::UTC)
              .addSecs(-3600);
    if (to > lastEnded) {
        *error
            = u"%1 reaches past the last hour that has ended (%2 UTC): GH Archive "
              "publishes an hour after it ends"_s.arg(text, lastEnded.toString(u"yyyy-MM-dd-H"_s));
        return std::nullopt;
    }
    QList<QDateTime> hours;
    for (QDateTime hour = from; hour <= to; hour = hour.addSecs(3600))
        hours << hour;
    return hours;
}

ArchiveImport::ArchiveImport(const Options &options, const QList<QDateTime> &hours,
                             BronzeStore *bronze, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_bronze(bronze)
    , m_network(network)
{
    m_plan.hours = int(hours.size());
    for (const QDateTime &hour : hours)
        (QFileInfo::exists(m_bronze->archivePath(hour)) ? m_inBronze : m_toFetch) << hour;
    m_plan.stored = int(m_inBronze.size());
}

// The sizes of evenly spread hours to fetch, by HEAD, a few at a time.
void ArchiveImport::survey()
{
    const qsizetype samples = std::min<qsizetype>(m_options.surveySamples, m_toFetch.size());
    for (qsizetype i = 0; i < samples; ++i)
        m_toSample << m_toFetch.at(i * m_toFetch.size() / samples);
    // The data folder may not exist yet: its nearest ancestor that does is on its disk.
    QString existing = QFileInfo(m_bronze->root()).absoluteFilePath();
    while (!QFileInfo::exists(existing))
        existing = QFileInfo(existing).path();
    const QStorageInfo storage(existing);
    m_plan.freeBytes = storage.isValid() ? storage.bytesAvailable() : -1;
    if (m_toSample.isEmpty()) {
        emit surveyed(m_plan);
        return;
    }
    while (m_heads < maxHeadsInFlight && !m_toSample.isEmpty())
        headNext();
}

void ArchiveImport::headNext()
{
    const QDateTime hour = m_toSample.takeFirst();
    QNetworkRequest request(ArchiveFollower::hourUrl(m_options.baseUrl, hour));
    request.setTransferTimeout(m_options.limits.timeoutMs);
    request.setRawHeader("User-Agent", "ghmonitor");
    QNetworkReply *reply = m_network->head(request);
    ++m_heads;
    connect(reply, &QNetworkReply::finished, this, [this, reply, hour] {
        reply->deleteLater();
        --m_heads;
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (reply->error() == QNetworkReply::NoError && length > 0) {
            // A .part from an earlier run is resumed: only the rest is downloaded.
            const qint64 part = QFileInfo(m_bronze->archivePath(hour) + ".part"_L1).size();
            m_sampledBytes += std::max<qint64>(0, length - part);
            ++m_plan.sampled;
        }
        if (!m_toSample.isEmpty()) {
            headNext();
        } else if (m_heads == 0) {
            const qsizetype fetched = m_toFetch.size();
            m_plan.downloadBytes = m_plan.sampled == 0
                ? 0
                : qint64(double(m_sampledBytes) / m_plan.sampled * double(fetched));
            emit surveyed(m_plan);
        }
    });
}

void ArchiveImport::start()
{
    m_started.start();
    for (const QDateTime &hour : std::as_const(m_inBronze)) {
        ++m_stored;
        emit hourStored(m_bronze->archivePath(hour));
    }
    while (m_running.size() < m_options.parallel && m_next < m_toFetch.size())
        fetchNext();
    finishIfDone();
}

void ArchiveImport::fetchNext()
{
    const QDateTime hour = m_toFetch.at(m_next++);
    auto *download = new ArchiveDownload(m_network, m_bronze,
                                         ArchiveFollower::hourUrl(m_options.baseUrl, hour), hour,
                                         m_options.limits, this);
    m_running << download;
    connect(download, &ArchiveDownload::finished, this,
            [this, download](const QString &path, const QString &error, bool notPublished) {
                onDownloaded(download, path, error, notPublished);
            });
    download->start();
}

void ArchiveImport::onDownloaded(ArchiveDownload *download, const QString &path,
                                 const QString &error, bool notPublished)
{
    m_running.removeOne(download);
    download->deleteLater();
    const QDateTime hour = download->hour();
    if (!path.isEmpty()) {
        m_finishedBytes += download->bytesDone();
        ++m_stored;
        emit hourStored(path);
    } else if (notPublished) {
        m_missing << hour;
    } else if (++m_attempts[hour] < m_options.attempts) {
        // Put back at the front: the next attempt resumes from the .part.
        m_toFetch.insert(m_next, hour);
        QTimer::singleShot(m_options.retryDelayMs, this, [this] {
            if (!m_done && m_running.size() < m_options.parallel && m_next < m_toFetch.size())
                fetchNext();
        });
        return;
    } else {
        fail(hour, error);
    }
    if (m_next < m_toFetch.size())
        fetchNext();
    finishIfDone();
}

void ArchiveImport::fail(const QDateTime &hour, const QString &error)
{
    m_failures << u"%1: %2"_s.arg(hour.toString(u"yyyy-MM-dd-H"_s), error);
}

void ArchiveImport::finishIfDone()
{
    if (m_done || m_stored + m_failures.size() + m_missing.size() < m_plan.hours)
        return;
    m_done = true;
    emit finished();
}

void ArchiveImport::abort()
{
    m_done = true;
    for (ArchiveDownload *download : std::as_const(m_running))
        download->abort();
    m_running.clear();
}

qint64 ArchiveImport::bytesDone() const
{
    qint64 done = m_finishedBytes;
    for (const ArchiveDownload *download : m_running)
        done += download->bytesDone();
    return done;
}

double ArchiveImport::bytesPerSecond() const
{
    const qint64 elapsed = m_started.isValid() ? m_started.elapsed() : 0;
    return elapsed > 0 ? double(bytesDone()) * 1000.0 / double(elapsed) : 0.0;
}
