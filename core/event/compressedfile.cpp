#include "event/compressedfile.h"

#include <QFile>

#include <zlib.h>

CompressedReader::CompressedReader(const QString &path)
    : m_file(gzopen(QFile::encodeName(path).constData(), "rb"))
{
    if (m_file)
        gzbuffer(m_file, 1 << 20);
}

CompressedReader::~CompressedReader()
{
    if (m_file)
        gzclose(m_file);
}

bool CompressedReader::seek(qint64 offset)
{
    return gzseek(m_file, z_off_t(offset), SEEK_SET) == offset;
}

qint64 CompressedReader::read(char *buffer, qsizetype size)
{
    return gzread(m_file, buffer, unsigned(size));
}

qint64 CompressedReader::rawPosition() const
{
    return gzoffset(m_file);
}

bool CompressedReader::isPlain() const
{
    return gzdirect(m_file) == 1;
}

bool CompressedReader::isTruncated() const
{
    int code = 0;
    gzerror(m_file, &code);
    return code == Z_BUF_ERROR;
}

QString CompressedReader::error() const
{
    int code = 0;
    return QString::fromUtf8(gzerror(m_file, &code));
}

QByteArray CompressedFile::readAll(const QString &path)
{
    QByteArray content;
    CompressedReader reader(path);
    if (!reader.isOpen())
        return content;
    char buffer[1 << 16];
    qint64 read = 0;
    while ((read = reader.read(buffer, sizeof buffer)) > 0)
        content.append(buffer, read);
    return content;
}

bool CompressedFile::verifyGzip(const QString &path, qint64 *uncompressedBytes, QString *error)
{
    CompressedReader reader(path);
    if (!reader.isOpen()) {
        *error = QStringLiteral("cannot open %1").arg(path);
        return false;
    }
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    qint64 read = 0;
    while ((read = reader.read(buffer.data(), buffer.size())) > 0)
        total += read;
    *uncompressedBytes = total;
    if (reader.isPlain())
        *error = QStringLiteral("%1 is not gzip").arg(path);
    else if (read < 0 || reader.isTruncated())
        *error = reader.isTruncated()
            ? QStringLiteral("%1 is cut short: its gzip stream does not end").arg(path)
            : QStringLiteral("%1 is corrupt: %2").arg(path, reader.error());
    else
        return true;
    return false;
}
