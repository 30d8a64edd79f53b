#include "apiparameters.h"

#include "openapi.h"

#include "apierror.h"
#include "config/watchedscope.h"
#include "event/repositoryname.h"
#include "event/timeformat.h"

using namespace Qt::StringLiterals;

namespace {

QString single(const QUrlQuery &query, const QString &name, bool *present)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1)
        throw ApiError {400, u"%1 is given more than once"_s.arg(name), name};
    *present = !values.isEmpty();
    return values.value(0);
}

} // namespace

qint64 ApiParameters::integer(const QUrlQuery &query, const QString &name, qint64 minimum,
                              qint64 maximum, qint64 fallback)
{
    bool present = false;
    const QString text = single(query, name, &present);
    if (!present)
        return fallback;
    if (const auto value = TimeFormat::parseWholeNumber(text, minimum, maximum))
        return *value;
    throw ApiError {400,
                    u"%1 must be a whole number from %2 to %3"_s.arg(name, QString::number(minimum),
                                                                     QString::number(maximum)),
                    name};
}

qint64 ApiParameters::windowMinutes(const QUrlQuery &query, const QString &name, qint64 fallback)
{
    // `window` names the window; `offset`, its older name, stays as an alias.
    if (name == "offset"_L1 && query.hasQueryItem(u"window"_s)) {
        if (query.hasQueryItem(name))
            throw ApiError {400, u"window and offset are one parameter: give one"_s, name};
        return integer(query, u"window"_s, 1, TimeFormat::maxWindowMinutes, fallback);
    }
    return integer(query, name, 1, TimeFormat::maxWindowMinutes, fallback);
}

QDateTime ApiParameters::time(const QUrlQuery &query, const QString &name, const QDateTime &now)
{
    bool present = false;
    const QString text = single(query, name, &present);
    if (!present)
        return now;
    if (const auto time = TimeFormat::parseUtc(text))
        return *time;
    throw ApiError {
        400, u"%1 must be an ISO-8601 UTC time such as 2025-01-01T15:30:00Z"_s.arg(name), name};
}

QString ApiParameters::repository(const QString &owner, const QString &name)
{
    if (!RepositoryName::isValid(owner, name))
        throw ApiError {400, RepositoryName::syntaxHint(), u"repository"_s};
    return owner + u'/' + name;
}

Scope ApiParameters::scope(const QUrlQuery &query, const Watchlist *watchlist)
{
    bool present = false;
    const QString name = single(query, u"scope"_s, &present);
    // Forms and URLSearchParams write a space as '+', which no scope name holds.
    const std::optional<Scope> named
        = WatchedScope::named(present ? QString(name).replace(u'+', u' ') : u"all"_s, watchlist);
    if (!named)
        throw ApiError {
            400, u"scope must be one of %1"_s.arg(WatchedScope::names(watchlist).join(u", "_s)),
            u"scope"_s};
    Scope scope = *named;
    const QString bots = single(query, u"bots"_s, &present);
    if (!present)
        return scope;
    const std::optional<Scope::Bots> value = Scope::botsFrom(bots);
    if (!value)
        throw ApiError {400, u"bots must be one of %1"_s.arg(Scope::botsNames().join(u", "_s)),
                        u"bots"_s};
    scope.bots = *value;
    return scope;
}

qint64 ApiParameters::Integer::read(const QUrlQuery &query) const
{
    return integer(query, QString::fromLatin1(name), minimum, maximum, fallback);
}

QJsonObject ApiParameters::Integer::declaration() const
{
    return OpenApi::parameter(QString::fromLatin1(name), u"query"_s,
                              OpenApi::integerSchema(minimum, maximum, fallback),
                              QString::fromLatin1(description));
}

qint64 ApiParameters::Window::read(const QUrlQuery &query) const
{
    return windowMinutes(query, QString::fromLatin1(name), fallback);
}

QJsonObject ApiParameters::Window::declaration() const
{
    return OpenApi::windowParameter(QString::fromLatin1(name), fallback);
}
