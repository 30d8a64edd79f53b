#include "query/postgresblockcache.h"

#include <algorithm>

PostgresBlockCache &PostgresBlockCache::instance()
{
    static PostgresBlockCache cache;
    return cache;
}

QString PostgresBlockCache::keyOf(const QString &store, qint64 id)
{
    return store + u'#' + QString::number(id);
}

std::optional<QByteArray> PostgresBlockCache::find(const QString &store, qint64 id, qint64 xmin)
{
    const QMutexLocker locker(&m_mutex);
    const Block *block = m_blocks.object(keyOf(store, id));
    if (!block || block->xmin != xmin)
        return std::nullopt;
    return block->bytes;
}

void PostgresBlockCache::insert(const QString &store, qint64 id, qint64 xmin,
                                const QByteArray &bytes)
{
    const QMutexLocker locker(&m_mutex);
    m_blocks.insert(keyOf(store, id), new Block {xmin, bytes},
                    std::max<qsizetype>(1, bytes.size() / 1024));
}
