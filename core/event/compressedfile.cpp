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
