#pragma once

#include <QLockFile>
#include <QString>

// One collector per data directory: two would poll GitHub twice on one rate limit and
// race on bronze. The lock file dies with its process, even a killed one.
class InstanceLock
{
public:
    explicit InstanceLock(const QString &dataDir);
    // False with a message naming the other process when the directory is taken.
    bool acquire(QString *error);

private:
    QString m_dataDir;
    QLockFile m_lock;
};
