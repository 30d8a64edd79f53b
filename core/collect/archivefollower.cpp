#include "archivefollower.h"

#include "bronzestore.h"
#include "clock.h"
#include "compressedfile.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcArchive, "ghm.archive")

namespace {

// Not published yet: a minute, doubling to 15. A fault: 30 s, doubling to 15 minutes.
constexpr qint64 firstNotPublishedWaitMs = 60 * 1000;
constexpr qint64 firstFaultWaitMs = 30 * 1000;
constexpr qint64 longestWaitMs = 15 * 60 * 1000;
constexpr qint64 statusIntervalMs = 500;

QDateTime startOfHour(const QDateTime &time)
{
    const qint64 seconds = time.toSecsSinceEpoch();
    return QDateTime::fromSecsSinceEpoch(seconds - seconds % 3600, Qt::UTC);
}

} // namespace

QString ArchiveStatus::stateName(State state)
{
    switch (state) {
    case State::Off: return u"off"_s;
    case State::Waiting: return u"waiting"_s;
    case State::Downloading: return u"downloading"_s;
    case State::Retrying: return u"retrying"_s;
    }
    return {};
}

ArchiveFollower::ArchiveFollower(const Options &options, BronzeStore *bronze, Clock *clock,
                                 QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_bronze(bronze)
    , m_clock(clock)
    , m_network(new QNetworkAccessManager(this))
{
}

ArchiveFollower::~ArchiveFollower()
{
    stop();
}

QUrl ArchiveFollower::hourUrl(const QUrl &base, const QDateTime &hour)
{
    const QDateTime utc = hour.toUTC();
    QUrl url = base;
    // GH Archive writes the hour without a leading zero: 2025-01-01-5.json.gz.
    url.setPath(base.path().chopped(base.path().endsWith(u'/') ? 1 : 0) + u'/'
                + utc.toString(u"yyyy-MM-dd"_s) + u'-' + QString::number(utc.time().hour())
                + ".json.gz"_L1);
    return url;
}

// Where bronze leaves off; on the first start, `backfillHours` finished hours back.
void ArchiveFollower::start()
{
    m_running = true;
    const QDateTime latest = m_bronze->latestArchiveHour();
    m_next = latest.isValid()
        ? latest.addSecs(3600)
        : startOfHour(m_clock->now()).addSecs(-3600 * m_options.backfillHours);
    m_status.lastStoredHour = latest;
    m_status.diskBytes = m_bronze->archiveBytes();
    qCInfo(lcArchive).noquote() << "following GH Archive at" << m_options.baseUrl.toString()
                                << "from" << m_next.toString(Qt::ISODate);
    scheduleNext();
}

void ArchiveFollower::stop()
{
    m_running = false;
    if (m_reply)
        m_reply->abort();
    m_part.close();
    m_status.state = ArchiveStatus::State::Off;
}

void ArchiveFollower::noteIngested(qint64 events, double eventsPerSecond)
{
    m_status.lastIngestEvents = events;
    m_status.lastIngestEventsPerSecond = eventsPerSecond;
    publish();
}

// An hour is asked for once it has ended and GH Archive has had a moment to publish it.
void ArchiveFollower::scheduleNext()
{
    if (!m_running)
        return;
    const QDateTime due = m_next.addSecs(3600 + m_options.publishDelaySeconds);
    const qint64 waitMs = m_clock->now().msecsTo(due);
    m_status.hour = m_next;
    m_status.bytesDone = 0;
    m_status.bytesTotal = -1;
    m_status.bytesPerSecond = 0;
    if (waitMs <= 0) {
        download();
        return;
    }
    m_status.state = ArchiveStatus::State::Waiting;
    m_status.nextAttempt = due;
    publish();
    m_clock->callAfter(waitMs, this, [this] { download(); });
}

void ArchiveFollower::download()
{
    if (!m_running || m_reply)
        return;
    const QString partPath = m_bronze->archivePath(m_next) + ".part"_L1;
    QDir().mkpath(QFileInfo(partPath).absolutePath());
    m_part.setFileName(partPath);
    if (!m_part.open(QIODevice::ReadWrite | QIODevice::Append)) {
        retryLater(u"cannot write %1: %2"_s.arg(partPath, m_part.errorString()), false);
        return;
    }
    m_resumedFrom = m_part.size();
    QNetworkRequest request(hourUrl(m_options.baseUrl, m_next));
    request.setTransferTimeout(m_options.timeoutMs);
    request.setRawHeader("User-Agent", "ghmonitor");
    if (m_resumedFrom > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_resumedFrom) + '-');
    m_status.state = ArchiveStatus::State::Downloading;
    m_status.bytesDone = m_resumedFrom;
    m_started.start();
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &ArchiveFollower::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &ArchiveFollower::onData);
    connect(m_reply, &QNetworkReply::finished, this, &ArchiveFollower::onFinished);
    publish();
}

// A server that ignores Range sends the whole file again: start the .part over.
void ArchiveFollower::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200 && m_part.size() > 0) {
        m_part.resize(0);
        m_resumedFrom = 0;
    }
    if (status == 200 || status == 206) {
        const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        m_status.bytesTotal = length > 0 ? m_resumedFrom + length : -1;
    }
}

void ArchiveFollower::onData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206)
        return; // an error body is not archive data
    const QByteArray data = m_reply->readAll();
    if (m_part.write(data) != data.size()) {
        m_reply->abort();
        return;
    }
    m_status.bytesDone = m_part.size();
    const qint64 elapsedMs = std::max<qint64>(m_started.elapsed(), 1);
    m_status.bytesPerSecond = double(m_part.size() - m_resumedFrom) * 1000.0 / double(elapsedMs);
    publish(false);
}

void ArchiveFollower::onFinished()
{
    QNetworkReply *reply = m_reply;
    reply->deleteLater();
    onData();
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool cut = reply->error() != QNetworkReply::NoError && status != 404;
    const bool writeFailed = m_part.error() != QFileDevice::NoError;
    m_part.close();
    const QString url = reply->url().toString();
    if (!m_running)
        return;
    if (writeFailed) {
        retryLater(u"cannot write %1: %2"_s.arg(m_part.fileName(), m_part.errorString()), false);
        return;
    }
    if (status == 404) {
        retryLater(u"%1 is not published yet (404)"_s.arg(url), true);
        return;
    }
    if (cut || (status != 200 && status != 206)) {
        // What arrived stays in the .part file; the next request asks for the rest.
        retryLater(status > 0 && status != 200 && status != 206
                       ? u"HTTP %1 for %2"_s.arg(status).arg(url)
                       : u"%1: %2"_s.arg(url, reply->errorString()),
                   false);
        return;
    }
    QString error;
    if (!storeDownload(&error)) {
        retryLater(error, false);
        return;
    }
    m_failures = 0;
    m_status.lastError.clear();
    m_next = m_next.addSecs(3600);
    scheduleNext();
}

// A .part that does not read whole as gzip is thrown away: resuming it cannot mend it.
bool ArchiveFollower::storeDownload(QString *error)
{
    const QString partPath = m_part.fileName();
    qint64 uncompressed = 0;
    if (!CompressedFile::verifyGzip(partPath, &uncompressed, error)) {
        QFile::remove(partPath);
        return false;
    }
    const QString path
        = m_bronze->storeArchive(partPath, m_next, hourUrl(m_options.baseUrl, m_next), error);
    if (path.isEmpty())
        return false;
    qCInfo(lcArchive).noquote() << "stored" << path << QFileInfo(path).size() << "bytes,"
                                << uncompressed << "uncompressed";
    m_status.lastStoredHour = m_next;
    ++m_status.hoursStored;
    m_status.diskBytes = m_bronze->archiveBytes();
    emit hourStored(path);
    return true;
}

void ArchiveFollower::retryLater(const QString &error, bool notPublished)
{
    ++m_failures;
    const qint64 first = notPublished ? firstNotPublishedWaitMs : firstFaultWaitMs;
    const qint64 waitMs = std::min(first << std::min(m_failures - 1, 10), longestWaitMs);
    if (notPublished)
        qCInfo(lcArchive).noquote() << error << "- asking again in" << waitMs / 1000 << "s";
    else
        qCWarning(lcArchive).noquote() << error << "- trying again in" << waitMs / 1000 << "s";
    m_status.state = notPublished ? ArchiveStatus::State::Waiting : ArchiveStatus::State::Retrying;
    m_status.lastError = notPublished ? QString() : error;
    m_status.nextAttempt = m_clock->now().addMSecs(waitMs);
    publish();
    m_clock->callAfter(waitMs, this, [this] { download(); });
}

void ArchiveFollower::publish(bool force)
{
    if (!force && m_published.isValid() && m_published.elapsed() < statusIntervalMs)
        return;
    m_published.start();
    emit statusChanged(m_status);
}
