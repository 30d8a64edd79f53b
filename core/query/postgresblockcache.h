#pragma once

#include <QByteArray>
#include <QCache>
#include <QMutex>
#include <QString>

#include <optional>

// PostgreSQL's repository count blocks as this process's readers last fetched them, so that
// a window asked again does not ship the same megabytes over the socket. A block row is
// inserted and deleted, never updated: its id and the transaction that wrote it (xmin) name
// its content, even after the table is made again. Shared by every reader thread of the
// process; at most maxBytes, the least recently read dropped first.
class PostgresBlockCache
{
public:
    static constexpr qint64 maxBytes = qint64(128) << 20;

    static PostgresBlockCache &instance();

    // The bytes of `store`'s block `id`, if held and still the row written by `xmin`.
    std::optional<QByteArray> find(const QString &store, qint64 id, qint64 xmin);
    void insert(const QString &store, qint64 id, qint64 xmin, const QByteArray &bytes);

private:
    struct Block
    {
        qint64 xmin;
        QByteArray bytes;
    };

    static QString keyOf(const QString &store, qint64 id);

    QMutex m_mutex;
    QCache<QString, Block> m_blocks {maxBytes / 1024}; // costs in KiB
};
