#pragma once

#include "collect/archivedownload.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

#include <optional>

class BronzeStore;
class QNetworkAccessManager;

// A range of GH Archive hours into bronze, several downloads at once: what
// `ghmonitor --import-archive FROM..TO` fetches for the ingest thread. survey() first asks
// the server each hour's size (HEAD; evenly spread samples for a long range), so that the
// download and the disk it needs are known before a byte is fetched. An hour bronze
// already holds is not fetched again, and a download cut short resumes from its .part,
// in this run or the next: the command can be stopped and run again at any time.
class ArchiveImport : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl baseUrl;
        int parallel = 4; // downloads at once
        int attempts = 3; // per hour, each resuming the last
        int retryDelayMs = 2000;
        int surveySamples = 48; // HEAD requests at most, spread over the range
        ArchiveDownload::Limits limits;
    };

    // What the range costs, as survey() found it.
    struct Plan
    {
        int hours = 0;
        int stored = 0; // in bronze already
        qint64 downloadBytes = 0; // of the hours still to fetch
        int sampled = 0; // hours whose size the server gave; fewer than to fetch: estimated
        qint64 freeBytes = -1; // on bronze's disk
        bool estimated() const { return sampled < hours - stored; }
    };

    // "2024-01-01..2024-01-31", "2024-01-01-0..2024-01-01-23" (GH Archive's names) or
    // "2024-01-01T00..2024-01-02T12"; a day alone is all its hours, and one hour or day
    // without ".." is the range of itself. Hours after the last one that ended are refused.
    static std::optional<QList<QDateTime>> parseRange(const QString &text, const QDateTime &now,
                                                      QString *error);

    ArchiveImport(const Options &options, const QList<QDateTime> &hours, BronzeStore *bronze,
                  QNetworkAccessManager *network, QObject *parent = nullptr);

    void survey();
    // Announces each hour bronze holds, then fetches the others.
    void start();
    void abort();

    qint64 bytesDone() const;
    double bytesPerSecond() const;
    int hoursStored() const { return m_stored; }
    // Hours the server does not have (404): GH Archive's own history has gaps.
    const QList<QDateTime> &missing() const { return m_missing; }
    // Hours that could not be fetched, each as "2024-01-31-5: why".
    const QStringList &failures() const { return m_failures; }

signals:
    void surveyed(const ArchiveImport::Plan &plan);
    void hourStored(const QString &path);
    // Every hour is stored, missing or failed.
    void finished();

private:
    void headNext();
    void fetchNext();
    void onDownloaded(ArchiveDownload *download, const QString &path, const QString &error,
                      bool notPublished);
    void fail(const QDateTime &hour, const QString &error);
    void finishIfDone();

    Options m_options;
    BronzeStore *m_bronze;
    QNetworkAccessManager *m_network;
    Plan m_plan;
    QList<QDateTime> m_inBronze; // of the range, already there
    QList<QDateTime> m_toFetch;
    QList<QDateTime> m_toSample;
    int m_heads = 0; // HEAD requests in flight
    qint64 m_sampledBytes = 0;
    qsizetype m_next = 0; // next index of m_toFetch
    QHash<QDateTime, int> m_attempts;
    QList<ArchiveDownload *> m_running;
    qint64 m_finishedBytes = 0;
    QElapsedTimer m_started;
    int m_stored = 0;
    QList<QDateTime> m_missing;
    QStringList m_failures;
    bool m_done = false;
};
