#include "query/metrictypes.h"

using namespace Qt::StringLiterals;

// Events carry whole seconds: an end inside a second keeps that second, and the start,
// `minutes` before the end, begins with the first whole second at or after it.
TimeWindow TimeWindow::endingAt(const QDateTime &at, qint64 minutes)
{
    const qint64 end = at.toMSecsSinceEpoch();
    const qint64 start = end - minutes * 60000;
    const auto floorSeconds = [](qint64 ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); };
    return {-floorSeconds(-start), floorSeconds(end)};
}

WindowSplit::WindowSplit(const TimeWindow &window, qint64 span)
    : first((window.from + span - 1) / span)
    , last((window.to + 1) / span - 1)
    , leftEnd(first * span - 1)
    , rightStart((last + 1) * span)
{
    if (first > last) {
        leftEnd = window.to;
        rightStart = window.to + 1;
    }
}

Scope Scope::watched(const QString &name, const QStringList &entries)
{
    Scope scope;
    scope.name = name;
    for (const QString &entry : entries)
        (entry.contains(u'/') ? scope.repositories : scope.organizations).append(entry);
    return scope;
}

QString Scope::botsName(Bots bots)
{
    switch (bots) {
    case Bots::Include: return u"include"_s;
    case Bots::Exclude: return u"exclude"_s;
    case Bots::Only: return u"only"_s;
    }
    return {};
}

std::optional<Scope::Bots> Scope::botsFrom(const QString &name)
{
    for (const Bots bots : {Bots::Include, Bots::Exclude, Bots::Only}) {
        if (name == botsName(bots))
            return bots;
    }
    return std::nullopt;
}

QStringList Scope::botsNames()
{
    return {botsName(Bots::Include), botsName(Bots::Exclude), botsName(Bots::Only)};
}
