#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QUrl>

class BronzeStore;
class QNetworkAccessManager;
class QNetworkReply;

// One GH Archive hour into bronze/archive/: streamed to a .part file beside its place and
// resumed from there with Range (a cut connection keeps what arrived), then stored only
// once its gzip stream reads whole to the end, and, when a hash is expected, only if the
// bytes have it. A .part that fails the check is deleted: resuming cannot mend it.
class ArchiveDownload : public QObject
{
    Q_OBJECT

public:
    ArchiveDownload(QNetworkAccessManager *network, BronzeStore *bronze, const QUrl &url,
                    const QDateTime &hour, int timeoutMs, QObject *parent = nullptr);

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

    QNetworkAccessManager *m_network;
    BronzeStore *m_bronze;
    QUrl m_url;
    QDateTime m_hour;
    int m_timeoutMs;
    QByteArray m_expectedSha256;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    qint64 m_resumedFrom = 0; // bytes already in the .part file when the request went out
    qint64 m_done = 0;
    qint64 m_total = -1; // unknown until the server says
    QElapsedTimer m_started;
};
