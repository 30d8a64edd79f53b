#include "collect/archivefollower.h"

#include "collect/archivedownload.h"
#include "collect/bronzestore.h"
#include "event/clock.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>

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
    ++m_run;
    if (m_download) {
        m_download->abort();
        m_download->deleteLater();
        m_download = nullptr;
    }
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
    downloadAfter(waitMs);
}

// A wait scheduled before a stop does not outlive it.
void ArchiveFollower::downloadAfter(qint64 waitMs)
{
    m_clock->callAfter(waitMs, this, [this, run = m_run] {
        if (run == m_run)
            download();
    });
}

void ArchiveFollower::download()
{
    if (!m_running || m_download)
        return;
    m_download = new ArchiveDownload(m_network, m_bronze, hourUrl(m_options.baseUrl, m_next),
                                     m_next, m_options.limits, this);
    connect(m_download, &ArchiveDownload::progressed, this, &ArchiveFollower::onProgress);
    connect(m_download, &ArchiveDownload::finished, this, &ArchiveFollower::onFinished);
    m_status.state = ArchiveStatus::State::Downloading;
    m_download->start();
    onProgress();
}

void ArchiveFollower::onProgress()
{
    if (!m_download)
        return;
    m_status.bytesDone = m_download->bytesDone();
    m_status.bytesTotal = m_download->bytesTotal();
    m_status.bytesPerSecond = m_download->bytesPerSecond();
    publish(false);
}

void ArchiveFollower::onFinished(const QString &path, const QString &error, bool notPublished)
{
    m_download->deleteLater();
    m_download = nullptr;
    if (!m_running)
        return;
    if (path.isEmpty()) {
        retryLater(error, notPublished);
        return;
    }
    m_failures = 0;
    m_status.lastError.clear();
    m_status.lastStoredHour = m_next;
    ++m_status.hoursStored;
    m_status.diskBytes = m_bronze->archiveBytes();
    emit hourStored(path);
    m_next = m_next.addSecs(3600);
    scheduleNext();
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
    downloadAfter(waitMs);
}

void ArchiveFollower::publish(bool force)
{
    if (!force && m_published.isValid() && m_published.elapsed() < statusIntervalMs)
        return;
    m_published.start();
    emit statusChanged(m_status);
}
