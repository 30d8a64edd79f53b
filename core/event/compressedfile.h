#pragma once

#include <QByteArray>
#include <QString>

// Whole small files, gzip or plain alike (zlib reads plain files through unchanged).
// Large imports stream instead: see Ingestor.
namespace CompressedFile {

QByteArray readAll(const QString &path);

} // namespace CompressedFile
