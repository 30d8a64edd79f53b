#pragma once

#include <QJsonObject>

class Watchlist;

// GET, PUT and DELETE on the watch list.
class WatchlistController
{
public:
    explicit WatchlistController(Watchlist *watchlist)
        : m_watchlist(watchlist)
    {
    }
    QJsonObject list(); // {repositories[{repository, status}]}
    QJsonObject add(const QString &owner, const QString &name); // {repository, watched: true}
    QJsonObject remove(const QString &owner, const QString &name); // 404 when not watched

private:
    Watchlist *m_watchlist;
};
