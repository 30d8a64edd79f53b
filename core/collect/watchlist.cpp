#include "collect/watchlist.h"

#include "event/repositoryname.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
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
    // A list of entries, or (with groups) {"watched": [...], "groups": {name: [...]}}.
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    const QJsonArray entries
        = document.isArray() ? document.array() : document[u"watched"_s].toArray();
    for (const QJsonValue &name : entries) {
        if (isValidEntry(name.toString()) && m_names.size() < m_maximum)
            m_names.append(name.toString());
    }
    const QJsonObject groups = document[u"groups"_s].toObject();
    for (auto it = groups.constBegin(); it != groups.constEnd(); ++it) {
        QStringList members;
        for (const QJsonValue &member : it.value().toArray()) {
            if (m_names.contains(member.toString(), Qt::CaseInsensitive))
                members << member.toString();
        }
        if (isValidGroupName(it.key()))
            m_groups.insert(it.key(), members);
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
        for (QStringList &members : m_groups) {
            members.removeIf([&](const QString &member) {
                return member.compare(repository, Qt::CaseInsensitive) == 0;
            });
        }
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

QMap<QString, QStringList> Watchlist::groups() const
{
    QMutexLocker lock(&m_mutex);
    return m_groups;
}

QStringList Watchlist::group(const QString &name) const
{
    QMutexLocker lock(&m_mutex);
    return m_groups.value(name);
}

bool Watchlist::setGroup(const QString &name, const QStringList &members, QString *error)
{
    if (!isValidGroupName(name)) {
        *error = u"a group's name is letters, digits, ' ', '-' and '_', at most 50, and not "
                 "all or watched"_s;
        return false;
    }
    for (const QString &member : members) {
        if (!add(member, error))
            return false;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_groups.insert(name, members);
        save();
    }
    emit changed();
    return true;
}

bool Watchlist::removeGroup(const QString &name)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_groups.remove(name) == 0)
            return false;
        save();
    }
    emit changed();
    return true;
}

bool Watchlist::isValidGroupName(const QString &name)
{
    static const QRegularExpression syntax(u"^[A-Za-z0-9 _-]{1,50}$"_s);
    return syntax.match(name).hasMatch() && name != "all"_L1 && name != "watched"_L1;
}

void Watchlist::setListed(const QString &organization, const QStringList &repositories)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_listed.value(organization.toLower()) == repositories)
            return;
        m_listed.insert(organization.toLower(), repositories);
    }
    emit changed();
}

QStringList Watchlist::listed(const QString &organization) const
{
    QMutexLocker lock(&m_mutex);
    return m_listed.value(organization.toLower());
}

// Round-robin over the organizations, so that one large organization does not take all
// the room.
QStringList Watchlist::expanded() const
{
    QMutexLocker lock(&m_mutex);
    QStringList watched = m_names;
    QSet<QString> keys;
    for (const QString &name : m_names)
        keys.insert(name.toLower());
    QList<QStringList> lists;
    for (const QString &name : m_names) {
        if (isOrganization(name))
            lists.append(m_listed.value(name.toLower()));
    }
    for (qsizetype rank = 0; watched.size() < m_maximum; ++rank) {
        bool more = false;
        for (const QStringList &list : std::as_const(lists)) {
            if (rank >= list.size() || watched.size() >= m_maximum)
                continue;
            more = true;
            if (!keys.contains(list[rank].toLower())) {
                keys.insert(list[rank].toLower());
                watched.append(list[rank]);
            }
        }
        if (!more)
            break;
    }
    return watched;
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
        QJsonObject groups;
        for (auto it = m_groups.cbegin(); it != m_groups.cend(); ++it)
            groups.insert(it.key(), QJsonArray::fromStringList(it.value()));
        file.write(QJsonDocument(QJsonObject {{u"watched"_s, QJsonArray::fromStringList(m_names)},
                                              {u"groups"_s, groups}})
                       .toJson());
        file.commit();
    }
}
