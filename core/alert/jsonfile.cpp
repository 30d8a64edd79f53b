#include "alert/jsonfile.h"

#include <QJsonDocument>
#include <QLockFile>
#include <QSaveFile>

using namespace Qt::StringLiterals;

bool JsonFile::write(const QString &path, const QJsonObject &object, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(object).toJson()) < 0
        || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

bool JsonFile::whileLocked(const QString &path, const std::function<bool()> &change, QString *error)
{
    QLockFile lock(path + u".lock"_s);
    if (!lock.tryLock(5000)) {
        *error = u"%1 is being changed elsewhere; try again"_s.arg(path);
        return false;
    }
    return change();
}
