#include "watchlist.h"

#include "repositoryname.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

Watchlist::Watchlist(const QString &dataDir, int maximum, QObject *parent)
    : QObject(parent)
    , m_path(QDir(dataDir).absoluteFilePath(u"watchlist.json"_s))
    , m_maximum(maximum)
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    for (const QJsonValue &name : QJsonDocument::fromJson(file.readAll()).array()) {
        if (isValidEntry(name.toString()) && m_names.size() < m_maximum)
            m_names.append(name.toString());
    }
}

QStringList Watchlist::names() const
{
    QMutexLocker lock(&m_mutex);
    return m_names;
}

bool Watchlist::contains(const QString &repository) const
{
    QMutexLocker lock(&m_mutex);
    return m_names.contains(repository, Qt::CaseInsensitive);
}

bool Watchlist::add(const QString &repository, QString *error)
{
    if (!isValidEntry(repository)) {
        *error = u"%1 is neither a repository (owner/name) nor an organization"_s.arg(repository);
        return false;
    }
    {
        QMutexLocker lock(&m_mutex);
        if (m_names.contains(repository, Qt::CaseInsensitive))
            return true;
        if (m_names.size() >= m_maximum) {
            *error = u"the watch list is full: it holds at most %1 repositories and "
                     "organizations"_s.arg(m_maximum);
            return false;
        }
        m_names.append(repository);
        save();
    }
    emit changed();
    return true;
}

bool Watchlist::remove(const QString &repository)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_names.removeIf([&](const QString &name) {
                return name.compare(repository, Qt::CaseInsensitive) == 0;
            })
            == 0)
            return false;
        m_status.remove(repository.toLower());
        save();
    }
    emit changed();
    return true;
}

bool Watchlist::isValidEntry(const QString &entry)
{
    return isOrganization(entry) ? RepositoryName::isValidOwner(entry)
                                 : RepositoryName::isValid(entry);
}

void Watchlist::setStatus(const QString &repository, const QString &status)
{
    QMutexLocker lock(&m_mutex);
    m_status.insert(repository.toLower(), status);
}

QString Watchlist::status(const QString &repository) const
{
    QMutexLocker lock(&m_mutex);
    return m_status.value(repository.toLower());
}

void Watchlist::save() const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(QJsonArray::fromStringList(m_names)).toJson());
        file.commit();
    }
}
