#include "tokenstore.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace {

const QString service = u"ghmonitor"_s;
const QString key = u"github-token"_s;
const QString keyringName = u"the system keyring"_s;

// Runs a QtKeychain job to its end.
void runToEnd(QKeychain::Job &job)
{
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.start();
    loop.exec();
}

bool noKeyring(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented
        || error == QKeychain::OtherError;
}

TokenStore::Result readFile()
{
    QFile file(TokenStore::fallbackPath());
    if (!file.exists())
        return {{}, file.fileName(), {}};
    if (!file.open(QIODevice::ReadOnly))
        return {{}, file.fileName(), file.errorString()};
    return {QString::fromUtf8(file.readAll()).trimmed(), file.fileName(), {}};
}

TokenStore::Result writeFile(const QString &token)
{
    const QString path = TokenStore::fallbackPath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    // Owner-only before the token is written, whatever GHM_UMASK says.
    const QByteArray bytes = token.toUtf8();
    const bool ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(bytes) == bytes.size() && file.flush();
    return {token, path, ok ? QString() : file.errorString()};
}

// A token saved by a version that kept it in the settings file.
QString takeFromSettings()
{
    QSettings settings;
    const QString legacy = u"config/GITHUB_TOKEN"_s;
    const QString token = settings.value(legacy).toString();
    if (!token.isEmpty()) {
        settings.remove(legacy);
        settings.sync();
    }
    return token;
}

} // namespace

QString TokenStore::fallbackPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/token"_s;
}

TokenStore::Result TokenStore::read()
{
    if (const QString legacy = takeFromSettings(); !legacy.isEmpty())
        return write(legacy);
    QKeychain::ReadPasswordJob job(service);
    job.setKey(key);
    runToEnd(job);
    if (job.error() == QKeychain::NoError)
        return {job.textData(), keyringName, {}, true};
    if (job.error() == QKeychain::EntryNotFound)
        return {{}, keyringName, {}, true};
    return readFile();
}

TokenStore::Result TokenStore::write(const QString &token)
{
    QKeychain::WritePasswordJob job(service);
    job.setKey(key);
    job.setTextData(token);
    runToEnd(job);
    if (job.error() == QKeychain::NoError) {
        QFile::remove(fallbackPath()); // one copy only
        return {token, keyringName, {}, true};
    }
    if (!noKeyring(job.error()))
        return {{}, keyringName, job.errorString(), true};
    return writeFile(token);
}

TokenStore::Result TokenStore::clear()
{
    takeFromSettings();
    QKeychain::DeletePasswordJob job(service);
    job.setKey(key);
    runToEnd(job);
    const bool removed = !QFile::exists(fallbackPath()) || QFile::remove(fallbackPath());
    const bool keyringDone = job.error() == QKeychain::NoError
        || job.error() == QKeychain::EntryNotFound || noKeyring(job.error());
    QString error;
    if (!keyringDone)
        error = job.errorString();
    else if (!removed)
        error = u"cannot remove %1"_s.arg(fallbackPath());
    const bool keyring = !noKeyring(job.error());
    return {{}, keyring ? keyringName : fallbackPath(), error, keyring};
}
