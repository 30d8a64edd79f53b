#pragma once

#include "collect/archivedownload.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QUrl>

class BronzeStore;
class Clock;
class QNetworkAccessManager;

// What the GH Archive follower is doing: for the status bar, /api/health and /metrics.
struct ArchiveStatus
{
    enum class State { Off, Waiting, Downloading, Retrying };

    State state = State::Off;
    QDateTime hour; // the hour being fetched, or waited for
    qint64 bytesDone = 0;
    qint64 bytesTotal = -1; // unknown until the server says
    double bytesPerSecond = 0;
    QDateTime nextAttempt; // Waiting and Retrying
    QString lastError;
    QDateTime lastStoredHour;
    qint64 hoursStored = 0; // since the start
    qint64 diskBytes = 0; // what bronze/archive/ holds
    // The last hour ingested: its events and how fast they went in.
    qint64 lastIngestEvents = 0;
    double lastIngestEventsPerSecond = 0;

    static QString stateName(State state); // stable, for the API: "waiting", ...
};

// Follows GH Archive (https://data.gharchive.org/YYYY-MM-DD-H.json.gz), one finished hour
// after another, into bronze/archive/ (each through an ArchiveDownload). Lives in the
// collector thread. A 404 means "not published yet": it asks again a minute later, then
// less and less often; a fault is retried from 30 s, the download resuming where it was.
class ArchiveFollower : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl baseUrl = QUrl(QStringLiteral("https://data.gharchive.org"));
        int backfillHours = 0; // finished hours fetched when bronze holds none yet
        ArchiveDownload::Limits limits;
        int publishDelaySeconds = 120; // first try this long after an hour ends
    };

    ArchiveFollower(const Options &options, BronzeStore *bronze, Clock *clock,
                    QObject *parent = nullptr);
    ~ArchiveFollower() override;

    void start();
    void stop();
    ArchiveStatus status() const { return m_status; }
    // The ingest of a stored hour finished (from the pipeline).
    void noteIngested(qint64 events, double eventsPerSecond);

    static QUrl hourUrl(const QUrl &base, const QDateTime &hour);

signals:
    void hourStored(const QString &path);
    void statusChanged(const ArchiveStatus &status);

private:
    void scheduleNext();
    void downloadAfter(qint64 waitMs);
    void download();
    void onProgress();
    void onFinished(const QString &path, const QString &error, bool notPublished);
    void retryLater(const QString &error, bool notPublished);
    void publish(bool force = true);

    Options m_options;
    BronzeStore *m_bronze;
    Clock *m_clock;
    QNetworkAccessManager *m_network;
    QPointer<ArchiveDownload> m_download;
    QDateTime m_next; // the hour to fetch next
    int m_failures = 0; // in a row, for the back-off
    QElapsedTimer m_published; // status updates at most a few a second
    ArchiveStatus m_status;
    bool m_running = false;
    int m_run = 0; // counts stops: waits from an earlier run are dropped
};
