#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTest>

// The real recorded GitHub data in ../shared/fixtures/github, never copied into the project.
namespace TestData {

inline QString fixturesDir()
{
    return QStringLiteral(GHM_FIXTURES_DIR);
}

inline bool fixturesAvailable()
{
    return QDir(fixturesDir()).exists(QStringLiteral("README.md"));
}

inline QString fixture(const QString &name)
{
    return fixturesDir() + u'/' + name;
}

inline QByteArray readFixture(const QString &name)
{
    QFile file(fixture(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace TestData

#define SKIP_WITHOUT_FIXTURES()                                                                    \
    do {                                                                                           \
        if (!TestData::fixturesAvailable())                                                        \
            QSKIP("../shared/fixtures/github is absent: the real recorded GitHub data is needed"); \
    } while (false)
