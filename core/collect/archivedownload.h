#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class BronzeStore;
class QNetworkAccessManager;
class QNetworkReply;

// One GH Archive hour into bronze/archive/: streamed to a .part file beside its place and
// resumed from there with Range (a cut connection keeps what arrived), then stored only
// once its gzip stream reads whole to the end, and, when a hash is expected, only if the
// bytes have it. A .part that fails the check is deleted: resuming cannot mend it.
//
// Bounded whatever the server sends: a file over maxBytes, one that would leave less than
// minimumFreeBytes on bronze's disk (by its Content-Length before a byte is written, and
// as it arrives), or one that takes over deadlineMs in all is refused and its .part
// removed, so that the live poller, which keeps the same floor, never runs out of room.
class ArchiveDownload : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        int timeoutMs = 60000; // without a byte arriving
        qint64 maxBytes = qint64(1) << 30; // GH Archive's largest hours are about 130 MB
        qint64 minimumFreeBytes = 64 * 1024 * 1024; // the live poller's floor too
        int deadlineMs = 30 * 60 * 1000; // for the whole file, however it trickles
    };

    ArchiveDownload(QNetworkAccessManager *network, BronzeStore *bronze, const QUrl &url,
                    const QDateTime &hour, const Limits &limits, QObject *parent = nullptr);

    // The SHA-256 (hex) the file must have, as its lineage recorded it.
    void setExpectedSha256(const QByteArray &hex) { m_expectedSha256 = hex; }
    void start();
    void abort();

    const QUrl &url() const { return m_url; }
    const QDateTime &hour() const { return m_hour; }
    qint64 bytesDone() const { return m_part.isOpen() ? m_part.size() : m_done; }
    qint64 bytesTotal() const { return m_total; }
    double bytesPerSecond() const;

signals:
    void progressed();
    // `path` is the stored file, or empty with `error`; `notPublished` for a 404.
    void finished(const QString &path, const QString &error, bool notPublished);

private:
    void onMetaData();
    void onData();
    void onFinished();
    QString store(QString *error);
    // Stops the transfer for good: the .part goes, and finished() gives `error`.
    void refuse(const QString &error);
    qint64 freeBytes() const;

    QNetworkAccessManager *m_network;
    BronzeStore *m_bronze;
    QUrl m_url;
    QDateTime m_hour;
    Limits m_limits;
    QString m_refusal; // why the transfer was stopped, once it was
    QByteArray m_expectedSha256;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    qint64 m_resumedFrom = 0; // bytes already in the .part file when the request went out
    qint64 m_done = 0;
    qint64 m_total = -1; // unknown until the server says
    QElapsedTimer m_started;
    QTimer m_deadline;
};
