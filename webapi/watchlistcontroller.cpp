#include "watchlistcontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "watchlist.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

QJsonObject WatchlistController::list()
{
    QJsonArray repositories;
    for (const QString &name : m_watchlist->names())
        repositories.append(
            QJsonObject {{u"repository"_s, name}, {u"status"_s, m_watchlist->status(name)}});
    return {{u"repositories"_s, repositories}};
}

QJsonObject WatchlistController::add(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    QString error;
    if (!m_watchlist->add(repository, &error))
        throw ApiError {400, error, u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, true}};
}

QJsonObject WatchlistController::remove(const QString &owner, const QString &name)
{
    const QString repository = ApiParameters::repository(owner, name);
    if (!m_watchlist->remove(repository))
        throw ApiError {404, u"%1 is not watched"_s.arg(repository), u"repository"_s};
    return {{u"repository"_s, repository}, {u"watched"_s, false}};
}
