#include "watchlistcontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "jsonanswer.h"
#include "openapi.h"
#include "repositoryname.h"
#include "watchlist.h"

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

QJsonObject WatchlistController::list() const
{
    QJsonArray repositories;
    QJsonArray organizations;
    for (const QString &name : watchlist().names()) {
        const QJsonObject entry {{kindOf(name), name}, {u"status"_s, watchlist().status(name)}};
        (Watchlist::isOrganization(name) ? organizations : repositories).append(entry);
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
