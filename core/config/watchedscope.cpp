#include "config/watchedscope.h"

#include "collect/watchlist.h"

using namespace Qt::StringLiterals;

std::optional<Scope> WatchedScope::named(const QString &name, const Watchlist *watchlist)
{
    if (name == "all"_L1)
        return Scope();
    if (name == "watched"_L1)
        return Scope::watched(name, watchlist ? watchlist->names() : QStringList());
    if (!watchlist || !watchlist->groups().contains(name))
        return std::nullopt;
    return Scope::watched(name, watchlist->group(name));
}

QStringList WatchedScope::names(const Watchlist *watchlist)
{
    QStringList names {u"all"_s, u"watched"_s};
    if (watchlist)
        names << watchlist->groups().keys();
    return names;
}
