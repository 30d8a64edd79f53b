#pragma once

#include "query/metrictypes.h"

#include <QStringList>

#include <optional>

class Watchlist;

// The scopes a user can name: all of GitHub, every watched entry, or one named group of the
// watch list. One reading for the API, the window and --export.
namespace WatchedScope {

// Nothing for a name that is none of them; a null watch list knows only "all" and an
// empty "watched".
std::optional<Scope> named(const QString &name, const Watchlist *watchlist);
// "all", "watched", then the groups by name.
QStringList names(const Watchlist *watchlist);

} // namespace WatchedScope
