#pragma once

#include <QByteArray>
#include <QString>

// Whole small files, gzip or plain alike (zlib reads plain files through unchanged).
// Large imports stream instead: see Ingestor.
namespace CompressedFile {

QByteArray readAll(const QString &path);
// Reads a gzip file to the end of its stream: false, with `error`, when it is not gzip,
// is cut short or is corrupt. `uncompressedBytes` gets its decompressed size.
bool verifyGzip(const QString &path, qint64 *uncompressedBytes, QString *error);

} // namespace CompressedFile
