#include "alert/alert.h"

#include "event/timeformat.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

// Resolved or firing: a silenced or pending alert is never sent.
QJsonObject Alert::webhookAlert() const
{
    QJsonObject labelObject {{u"alertname"_s, rule}};
    if (!repository.isEmpty())
        labelObject.insert(u"repository"_s, repository);
    labelObject = AlertRule::labelsJson(labels, labelObject);
    return {
        {u"status"_s, state == State::Resolved ? u"resolved"_s : u"firing"_s},
        {u"labels"_s, labelObject},
        {u"annotations"_s, QJsonObject {{u"summary"_s, summary}}},
        {u"startsAt"_s, TimeFormat::iso(firedAt >= 0 ? firedAt : activeAt)},
        {u"endsAt"_s, resolvedAt >= 0 ? TimeFormat::iso(resolvedAt) : u"0001-01-01T00:00:00Z"_s},
        {u"generatorURL"_s, QString()},
        {u"fingerprint"_s,
         QString::fromLatin1(QCryptographicHash::hash(id().toUtf8(), QCryptographicHash::Sha256)
                                 .toHex()
                                 .left(16))}};
}

QString Alert::stateName(State state)
{
    switch (state) {
    case State::Pending: return u"pending"_s;
    case State::Firing: return u"firing"_s;
    case State::Resolved: return u"resolved"_s;
    }
    return {};
}

QJsonObject Alert::toJson() const
{
    const auto time
        = [](qint64 at) { return at >= 0 ? QJsonValue(TimeFormat::iso(at)) : QJsonValue(); };
    return {{u"rule"_s, rule},
            {u"kind"_s, AlertRule::kindName(kind)},
            {u"key"_s, key},
            {u"repository"_s, repository.isEmpty() ? QJsonValue() : QJsonValue(repository)},
            {u"summary"_s, summary},
            {u"labels"_s, AlertRule::labelsJson(labels)},
            {u"state"_s, stateName(state)},
            {u"active_at"_s, time(activeAt)},
            {u"last_seen_at"_s, time(lastSeenAt)},
            {u"fired_at"_s, time(firedAt)},
            {u"resolved_at"_s, time(resolvedAt)},
            {u"silenced_until"_s, time(silencedUntil)}};
}

Alert Alert::fromJson(const QJsonObject &json)
{
    const auto time = [&json](const char *key) {
        const QJsonValue value = json[QLatin1StringView(key)];
        return value.isString()
            ? QDateTime::fromString(value.toString(), Qt::ISODate).toSecsSinceEpoch()
            : qint64(-1);
    };
    Alert alert;
    alert.rule = json["rule"_L1].toString();
    alert.kind
        = AlertRule::kindFrom(json["kind"_L1].toString()).value_or(AlertRule::Kind::StarSpike);
    alert.key = json["key"_L1].toString();
    alert.repository = json["repository"_L1].toString();
    alert.summary = json["summary"_L1].toString();
    const QJsonObject labels = json["labels"_L1].toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        alert.labels.insert(it.key(), it->toString());
    const QString state = json["state"_L1].toString();
    alert.state = state == "firing"_L1 ? State::Firing
        : state == "resolved"_L1       ? State::Resolved
                                       : State::Pending;
    alert.activeAt = time("active_at");
    alert.lastSeenAt = time("last_seen_at");
    alert.firedAt = time("fired_at");
    alert.resolvedAt = time("resolved_at");
    alert.silencedUntil = time("silenced_until");
    return alert;
}

qsizetype AlertBoard::firingCount() const
{
    return std::count_if(active.cbegin(), active.cend(), [](const Alert &alert) {
        return alert.isFiring() && !alert.isSilenced();
    });
}

qsizetype AlertBoard::silencedFiringCount() const
{
    return std::count_if(active.cbegin(), active.cend(),
                         [](const Alert &alert) { return alert.isFiring() && alert.isSilenced(); });
}
