#pragma once

#include <QByteArray>

#include <zlib.h>

// `data` as a gzip file, in memory: what GH Archive serves.
inline QByteArray gzipped(const QByteArray &data)
{
    QByteArray out(qsizetype(compressBound(uLong(data.size()))) + 64, Qt::Uninitialized);
    z_stream stream {};
    deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}
