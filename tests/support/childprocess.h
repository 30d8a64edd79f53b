#pragma once

#include <QProcess>
#include <QTest>
#include <QUrl>

#include <csignal>

// Helpers for tests that run the real binaries as child processes.
namespace ChildProcess {

inline QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("GHM_")) || key.startsWith(QLatin1String("GITHUB_"))
            || key.startsWith(QLatin1String("COLLECTION_"))
            || key == QLatin1String("MAX_PAGES_PER_COLLECTION"))
            env.remove(key);
    }
    env.insert(QStringLiteral("GHM_API_PORT"), QStringLiteral("0")); // never the user's 8000
    return env;
}

// Starts the fake GitHub server program and returns its URL (its first output line).
inline QUrl startFakeGitHub(QProcess &process, const QStringList &arguments)
{
    process.start(QStringLiteral(GHM_FAKEGITHUB), arguments);
    if (!process.waitForStarted() || !process.waitForReadyRead(10000))
        return {};
    return QUrl(QString::fromLatin1(process.readLine().trimmed()));
}

inline bool terminate(QProcess &process, int signalNumber = SIGTERM)
{
    ::kill(pid_t(process.processId()), signalNumber);
    return process.waitForFinished(15000);
}

} // namespace ChildProcess
