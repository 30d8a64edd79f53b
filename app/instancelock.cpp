#include "instancelock.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

InstanceLock::InstanceLock(const QString &dataDir)
    : m_dataDir(QFileInfo(dataDir).absoluteFilePath())
    , m_lock(QDir(dataDir).absoluteFilePath(u"ghmonitor.lock"_s))
{
    m_lock.setStaleLockTime(0); // only a lock whose process is gone is stale
}

bool InstanceLock::acquire(QString *error)
{
    if (!QDir().mkpath(m_dataDir)) {
        *error = u"cannot create the data directory %1"_s.arg(m_dataDir);
        return false;
    }
    if (m_lock.tryLock(0))
        return true;
    qint64 pid = 0;
    QString host;
    QString application;
    if (m_lock.error() == QLockFile::LockFailedError
        && m_lock.getLockInfo(&pid, &host, &application))
        *error = u"another ghmonitor (process %1 on %2) already collects into %3: stop it, or "
                 "give this one another --data-dir"_s.arg(pid)
                     .arg(host, m_dataDir);
    else
        *error = u"cannot lock the data directory %1"_s.arg(m_dataDir);
    return false;
}
