#pragma once

#include "endpoint.h"

class Watchlist;

// GET, PUT and DELETE on the watch list; 503 where the service has none.
class WatchlistController
{
public:
    explicit WatchlistController(Watchlist *watchlist)
        : m_watchlist(watchlist)
    {
    }
    QList<Endpoint> endpoints() const;

private:
    QJsonObject list() const; // {repositories[{repository, status}]}
    QJsonObject add(const QString &owner, const QString &name) const; // {repository, watched}
    QJsonObject remove(const QString &owner, const QString &name) const; // 404 when not watched
    Watchlist &watchlist() const; // throws 503 when there is none

    Watchlist *m_watchlist;
};
