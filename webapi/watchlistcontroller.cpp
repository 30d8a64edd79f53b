#include "watchlistcontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "jsonanswer.h"
#include "openapi.h"
#include "watchlist.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

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
                 return JsonAnswer::of(request.method == QHttpServerRequest::Method::Put
                                           ? add(path[0], path[1])
                                           : remove(path[0], path[1]));
             },
             {{u"put"_s,
               operation(u"Watch a repository: poll its events, fetch its pull-request history"_s,
                         repositoryParameters(), change)},
              {u"delete"_s,
               operation(u"Stop watching a repository"_s, repositoryParameters(), removal)}},
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
    for (const QString &name : watchlist().names())
        repositories.append(
            QJsonObject {{u"repository"_s, name}, {u"status"_s, watchlist().status(name)}});
    return {{u"repositories"_s, repositories}};
}

QJsonObject WatchlistController::add(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_additions.removeIf([now](qint64 at) { return at <= now - 60000; });
    if (m_additions.size() >= maxAdditionsPerMinute)
        throw ApiError {
            429, u"at most %1 repositories can be added a minute"_s.arg(maxAdditionsPerMinute),
            u"repository"_s, int((m_additions.first() + 60000 - now) / 1000) + 1};
    m_additions.append(now);
    QString error;
    if (!watchlist().add(repository, &error))
        throw ApiError {400, error, u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, true}};
}

QJsonObject WatchlistController::remove(const QString &owner, const QString &name) const
{
    const QString repository = ApiParameters::repository(owner, name);
    if (!watchlist().remove(repository))
        throw ApiError {404, u"%1 is not watched"_s.arg(repository), u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, false}};
}
