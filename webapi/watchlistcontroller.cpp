#include "watchlistcontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "collect/watchlist.h"
#include "event/repositoryname.h"
#include "jsonanswer.h"
#include "openapi.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QJsonObject organizationParameter()
{
    return OpenApi::parameter(u"organization"_s, u"path"_s, OpenApi::typed("string"),
                              u"the organization's login (owner%2Fname here names a "
                              "repository)"_s);
}

// One path segment: an organization, or a repository given as owner%2Fname.
QString organizationOrRepository(const QString &segment)
{
    if (segment.contains(u'/'))
        return ApiParameters::repository(segment.section(u'/', 0, 0), segment.section(u'/', 1));
    if (!RepositoryName::isValidOwner(segment))
        throw ApiError {400, u"an organization is a login: letters, digits and '-'"_s,
                        u"organization"_s};
    return segment;
}

QString kindOf(const QString &entry)
{
    return Watchlist::isOrganization(entry) ? u"organization"_s : u"repository"_s;
}

} // namespace

QList<Endpoint> WatchlistController::endpoints()
{
    using namespace OpenApi;
    QJsonObject change = errors({{"400", "not GitHub's owner/name syntax"}});
    change.insert(u"200"_s,
                  jsonResponse(u"the repository and whether it is watched"_s, typed("object")));
    QJsonObject removal = change;
    removal.insert(u"404"_s, jsonResponse(u"the repository is not watched"_s, ref(u"Error"_s)));
    return {{Routes::watchlist,
             Caching::Off,
             [this](const QStringList &, const ApiRequest &) { return JsonAnswer::of(list()); },
             get(u"Watched repositories and their state"_s, {},
                 {{u"200"_s, jsonResponse(u"the watch list"_s, typed("object"))}}),
             {},
             Endpoint::Runs::OnServer},
            {Routes::watchedRepository,
             Caching::Off,
             [this](const QStringList &path, const ApiRequest &request) {
                 const QString entry = ApiParameters::repository(path[0], path[1]);
                 return JsonAnswer::of(request.method == QHttpServerRequest::Method::Put
                                           ? add(entry)
                                           : remove(entry));
             },
             {{u"put"_s,
               operation(u"Watch a repository: poll its events, fetch its pull-request history"_s,
                         repositoryParameters(), change)},
              {u"delete"_s,
               operation(u"Stop watching a repository"_s, repositoryParameters(), removal)}},
             {},
             Endpoint::Runs::OnServer},
            {Routes::watchedOrganization,
             Caching::Off,
             [this](const QStringList &path, const ApiRequest &request) {
                 const QString entry = organizationOrRepository(path[0]);
                 return JsonAnswer::of(request.method == QHttpServerRequest::Method::Put
                                           ? add(entry)
                                           : remove(entry));
             },
             {{u"put"_s,
               operation(u"Watch an organization: poll its public events feed"_s,
                         {organizationParameter()}, change)},
              {u"delete"_s,
               operation(u"Stop watching an organization"_s, {organizationParameter()}, removal)}},
             {},
             Endpoint::Runs::OnServer}};
}

Watchlist &WatchlistController::watchlist() const
{
    if (!m_watchlist)
        throw ApiError {503, u"the watch list is not available here"_s, {}};
    return *m_watchlist;
}

QList<Endpoint> WatchlistController::groupEndpoints()
{
    using namespace OpenApi;
    const QJsonObject name = parameter(u"group"_s, u"path"_s, typed("string"),
                                       u"the group's name: letters, digits, ' ', '-' and '_'"_s);
    const QJsonObject members
        = parameter(u"members"_s, u"query"_s, typed("string"),
                    u"its repositories (owner/name) and organizations, comma-separated; each "
                    "is watched too"_s);
    QJsonObject change = errors({{"400", "a bad name or member, or a full watch list"}});
    change.insert(u"200"_s, jsonResponse(u"the group and its members"_s, typed("object")));
    QJsonObject removal = errors({{"404", "no such group"}});
    removal.insert(u"200"_s, jsonResponse(u"the group, removed"_s, typed("object")));
    return {{Routes::groups,
             Caching::Off,
             [this](const QStringList &, const ApiRequest &) { return JsonAnswer::of(groups()); },
             get(u"Named groups of the watch list, each a scope (scope=<group>)"_s, {},
                 {{u"200"_s, jsonResponse(u"the groups"_s, typed("object"))}}),
             {},
             Endpoint::Runs::OnServer},
            {Routes::group,
             Caching::Off,
             [this](const QStringList &path, const ApiRequest &request) {
                 return JsonAnswer::of(request.method == QHttpServerRequest::Method::Put
                                           ? setGroup(path[0], QUrlQuery(request.url))
                                           : removeGroup(path[0]));
             },
             {{u"put"_s, operation(u"Name a group of watched entries"_s, {name, members}, change)},
              {u"delete"_s,
               operation(u"Remove a group (its members stay watched)"_s, {name}, removal)}},
             {},
             Endpoint::Runs::OnServer}};
}

QJsonObject WatchlistController::groups() const
{
    QJsonArray groups;
    const QMap<QString, QStringList> all = watchlist().groups();
    for (auto it = all.cbegin(); it != all.cend(); ++it)
        groups.append(QJsonObject {{u"group"_s, it.key()},
                                   {u"members"_s, QJsonArray::fromStringList(it.value())}});
    return {{u"groups"_s, groups}};
}

QJsonObject WatchlistController::setGroup(const QString &name, const QUrlQuery &query)
{
    QStringList members;
    for (const QString &member :
         query.queryItemValue(u"members"_s, QUrl::FullyDecoded).split(u',', Qt::SkipEmptyParts))
        members << member.trimmed();
    QString error;
    if (!watchlist().setGroup(name, members, &error))
        throw ApiError {400, error, u"group"_s};
    return {{u"group"_s, name}, {u"members"_s, QJsonArray::fromStringList(members)}};
}

QJsonObject WatchlistController::removeGroup(const QString &name) const
{
    if (!watchlist().removeGroup(name))
        throw ApiError {404, u"no group named %1"_s.arg(name), u"group"_s};
    return {{u"group"_s, name}, {u"removed"_s, true}};
}

QJsonObject WatchlistController::list() const
{
    QJsonArray repositories;
    QJsonArray organizations;
    const QStringList watched = watchlist().expanded();
    for (const QString &name : watchlist().names()) {
        QJsonObject entry {{kindOf(name), name}, {u"status"_s, watchlist().status(name)}};
        if (!Watchlist::isOrganization(name)) {
            repositories.append(entry);
            continue;
        }
        // Its repositories as last listed, and whether the maximum left room for each.
        QJsonArray listed;
        for (const QString &repository : watchlist().listed(name))
            listed.append(QJsonObject {{u"repository"_s, repository},
                                       {u"watched"_s, watched.contains(repository)}});
        entry.insert(u"repositories"_s, listed);
        organizations.append(entry);
    }
    return {{u"repositories"_s, repositories}, {u"organizations"_s, organizations}};
}

QJsonObject WatchlistController::add(const QString &entry)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_additions.removeIf([now](qint64 at) { return at <= now - 60000; });
    if (m_additions.size() >= maxAdditionsPerMinute)
        throw ApiError {429,
                        u"at most %1 entries can be added a minute"_s.arg(maxAdditionsPerMinute),
                        kindOf(entry), int((m_additions.first() + 60000 - now) / 1000) + 1};
    m_additions.append(now);
    QString error;
    if (!watchlist().add(entry, &error))
        throw ApiError {400, error, kindOf(entry)};
    return {{kindOf(entry), entry}, {u"watched"_s, true}};
}

QJsonObject WatchlistController::remove(const QString &entry) const
{
    if (!watchlist().remove(entry))
        throw ApiError {404, u"%1 is not watched"_s.arg(entry), kindOf(entry)};
    return {{kindOf(entry), entry}, {u"watched"_s, false}};
}
