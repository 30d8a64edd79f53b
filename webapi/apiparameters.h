#pragma once

#include "query/metrictypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QUrlQuery>

class Watchlist;

// Strict parsing of API parameters: anything malformed throws ApiError (400).
namespace ApiParameters {

// A whole number in [minimum, maximum]; `fallback` when absent.
qint64 integer(const QUrlQuery &query, const QString &name, qint64 minimum, qint64 maximum,
               qint64 fallback);
// A window length in minutes, up to TimeFormat::maxWindowMinutes.
qint64 windowMinutes(const QUrlQuery &query, const QString &name, qint64 fallback);
// `at`: an ISO-8601 UTC time such as 2025-01-01T15:30:00Z; `now` when absent.
QDateTime time(const QUrlQuery &query, const QString &name, const QDateTime &now);
// GitHub's owner/name syntax: throws for anything else.
QString repository(const QString &owner, const QString &name);
// `scope` (all, watched or a group of the watch list) and `bots` (include, exclude, only);
// all of GitHub with bots included when absent.
Scope scope(const QUrlQuery &query, const Watchlist *watchlist);

// A whole-number query parameter, declared once: how it is read, its range and default,
// and its entry in the OpenAPI document.
struct Integer
{
    const char *name;
    qint64 minimum;
    qint64 maximum;
    qint64 fallback;
    const char *description;

    qint64 read(const QUrlQuery &query) const;
    QJsonObject declaration() const;
};

// A window length in minutes (`offset` or `window`), declared once, like Integer.
struct Window
{
    const char *name;
    qint64 fallback;

    qint64 read(const QUrlQuery &query) const;
    QJsonObject declaration() const;
};

} // namespace ApiParameters
