#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

struct gzFile_s;

// A file, gzip or plain alike, streamed: zlib reads plain files through unchanged. The one
// reader of compressed files: imports stream through it, small files are read whole. A gzip
// file is inflated on a thread of the reader's own, a few MiB ahead of its caller, so that
// an import's decompression overlaps its parsing and storing.
class CompressedReader
{
public:
    explicit CompressedReader(const QString &path);
    ~CompressedReader();
    CompressedReader(const CompressedReader &) = delete;
    CompressedReader &operator=(const CompressedReader &) = delete;

    bool isOpen() const { return m_file != nullptr; }
    bool seek(qint64 offset); // before the first read
    // Decompressed bytes, 0 at the end, -1 on an error.
    qint64 read(char *buffer, qsizetype size);
    qint64 rawPosition() const; // in the file as stored
    bool isPlain() const; // not gzip: read through unchanged
    // After the end: whether the gzip stream stopped before its end (a cut download).
    bool isTruncated() const;
    QString error() const;

private:
    class ReadAhead;

    gzFile_s *m_file;
    bool m_plain = false;
    std::unique_ptr<ReadAhead> m_ahead; // gzip only, from the first read
};

namespace CompressedFile {

QByteArray readAll(const QString &path);
// Reads a gzip file to the end of its stream: false, with `error`, when it is not gzip,
// is cut short or is corrupt. `uncompressedBytes` gets its decompressed size.
bool verifyGzip(const QString &path, qint64 *uncompressedBytes, QString *error);

} // namespace CompressedFile
