#pragma once

#include "endpoint.h"

class Watchlist;

// GET, PUT and DELETE on the watch list and its named groups; 503 where the service has
// none. Additions are
// limited to a few a minute (429 past it): each starts a poller and a history fetch.
class WatchlistController
{
public:
    static constexpr int maxAdditionsPerMinute = 30;

    explicit WatchlistController(Watchlist *watchlist)
        : m_watchlist(watchlist)
    {
    }
    QList<Endpoint> endpoints();
    QList<Endpoint> groupEndpoints();

private:
    // {repositories[{repository, status}], organizations[{organization, status}]}
    QJsonObject list() const;
    // `entry`: "owner/name" or an organization -> {repository or organization, watched}
    QJsonObject add(const QString &entry);
    QJsonObject remove(const QString &entry) const; // 404 when not watched
    QJsonObject groups() const; // {groups[{group, members}]}
    // members: "owner/name" and organizations, comma-separated; each is watched too.
    QJsonObject setGroup(const QString &name, const QUrlQuery &query);
    QJsonObject removeGroup(const QString &name) const; // 404 for an unknown group
    Watchlist &watchlist() const; // throws 503 when there is none

    Watchlist *m_watchlist;
    QList<qint64> m_additions; // when the recent additions were made, ms since the epoch
};
