#include "routes.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

QString Route::pattern() const
{
    static const QRegularExpression parameter(u"\\{[a-z_]+\\}"_s);
    return name().replace(parameter, u"<arg>"_s);
}

QList<Route> Routes::documented()
{
    QList<Route> routes;
    for (const Route &route :
         {eventCount, averagePullRequestTime, pullRequests, activeRepositories, watchlist,
          watchedRepository, health, openApi, prometheus, dashboard, dashboardPanel}) {
        if (route.documented)
            routes << route;
    }
    return routes;
}
