#include "compressedfile.h"

#include <QFile>

#include <zlib.h>

QByteArray CompressedFile::readAll(const QString &path)
{
    QByteArray content;
    gzFile file = gzopen(QFile::encodeName(path).constData(), "rb");
    if (!file)
        return content;
    char buffer[1 << 16];
    int read = 0;
    while ((read = gzread(file, buffer, sizeof buffer)) > 0)
        content.append(buffer, read);
    gzclose(file);
    return content;
}

bool CompressedFile::verifyGzip(const QString &path, qint64 *uncompressedBytes, QString *error)
{
    gzFile file = gzopen(QFile::encodeName(path).constData(), "rb");
    if (!file) {
        *error = QStringLiteral("cannot open %1").arg(path);
        return false;
    }
    gzbuffer(file, 1 << 20);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    int read = 0;
    while ((read = gzread(file, buffer.data(), unsigned(buffer.size()))) > 0)
        total += read;
    int code = Z_OK;
    const QString message = QString::fromUtf8(gzerror(file, &code));
    const bool plain = gzdirect(file) == 1;
    gzclose(file);
    *uncompressedBytes = total;
    if (plain)
        *error = QStringLiteral("%1 is not gzip").arg(path);
    else if (read < 0 || code != Z_OK)
        *error = code == Z_BUF_ERROR
            ? QStringLiteral("%1 is cut short: its gzip stream does not end").arg(path)
            : QStringLiteral("%1 is corrupt: %2").arg(path, message);
    else
        return true;
    return false;
}
