#include "alert/alertgroups.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {

QSet<QString> idsOf(const QList<Alert> &alerts)
{
    QSet<QString> ids;
    for (const Alert &alert : alerts)
        ids.insert(alert.id());
    return ids;
}

} // namespace

QString AlertNotification::deliveryId() const
{
    QStringList parts {rule, QString::number(at)};
    for (const QList<Alert> *alerts : {&firing, &resolved}) {
        for (const Alert &alert : *alerts)
            parts << alert.id();
    }
    return QString::fromLatin1(
        QCryptographicHash::hash(parts.join(u'\x1e').toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(32));
}

QJsonObject AlertNotification::webhookPayload(const QMap<QString, QString> &ruleLabels) const
{
    QJsonArray alerts;
    for (const QList<Alert> *list : {&firing, &resolved}) {
        for (const Alert &alert : *list)
            alerts.append(alert.webhookAlert());
    }
    const QJsonObject common
        = AlertRule::labelsJson(ruleLabels, QJsonObject {{u"alertname"_s, rule}});
    const QList<Alert> &any = firing.isEmpty() ? resolved : firing;
    const QString summary = any.size() == 1 ? any.first().summary
                                            : u"%1 alerts of rule %2"_s.arg(any.size()).arg(rule);
    return {{u"version"_s, u"4"_s},
            {u"groupKey"_s, u"{}:{alertname=\"%1\"}"_s.arg(rule)},
            {u"truncatedAlerts"_s, 0},
            {u"status"_s, firing.isEmpty() ? u"resolved"_s : u"firing"_s},
            {u"receiver"_s, u"ghmonitor"_s},
            {u"groupLabels"_s, QJsonObject {{u"alertname"_s, rule}}},
            {u"commonLabels"_s, common},
            {u"commonAnnotations"_s, QJsonObject {{u"summary"_s, summary}}},
            {u"externalURL"_s, QString()},
            {u"alerts"_s, alerts}};
}

std::optional<AlertNotification> AlertGroups::due(const AlertRule &rule, const QList<Alert> &alerts,
                                                  const QList<Alert> &history, qint64 now)
{
    Group &group = m_groups[rule.name];
    QList<Alert> firing;
    QSet<QString> silenced;
    for (const Alert &alert : alerts) {
        if (alert.isFiring() && alert.silencedUntil > now)
            silenced.insert(alert.id());
        else if (alert.isFiring())
            firing.append(alert);
    }
    const QSet<QString> notifiedIds = idsOf(group.notified);
    const QSet<QString> firingIds = idsOf(firing);
    AlertNotification notification {rule.name, now, firing, {}, {}, false};
    QList<Alert> stillNotified = firing; // what the group will have told
    for (const Alert &told : std::as_const(group.notified)) {
        if (silenced.contains(told.id())) {
            stillNotified.append(told);
        } else if (!firingIds.contains(told.id())) {
            const auto latest
                = std::find_if(history.cbegin(), history.cend(),
                               [&told](const Alert &a) { return a.id() == told.id(); });
            Alert resolved = latest != history.cend() ? *latest : told;
            resolved.state = Alert::State::Resolved;
            if (resolved.resolvedAt < 0)
                resolved.resolvedAt = now;
            notification.resolved.append(resolved);
        }
    }
    for (const Alert &alert : std::as_const(firing)) {
        if (!notifiedIds.contains(alert.id()))
            notification.fresh.append(alert.id());
    }
    if (notification.fresh.isEmpty() && notification.resolved.isEmpty()) {
        group.changedAt = -1; // a change undone before it was told: nothing to say
        const bool repeats = !rule.isPerEvent() && rule.repeatIntervalSeconds > 0;
        if (firing.isEmpty() || !repeats || now - group.notifiedAt < rule.repeatIntervalSeconds)
            return std::nullopt;
        notification.repeat = true;
    } else {
        if (group.changedAt < 0)
            group.changedAt = now;
        if (now < *nextDue(rule))
            return std::nullopt;
    }
    group.notified = stillNotified;
    group.notifiedAt = now;
    group.changedAt = -1;
    return notification;
}

// A first notification waits group_wait after the change; any waits group_interval after
// the one before.
std::optional<qint64> AlertGroups::nextDue(const AlertRule &rule) const
{
    const auto group = m_groups.constFind(rule.name);
    if (group == m_groups.cend() || group->changedAt < 0)
        return std::nullopt;
    qint64 at = group->notifiedAt >= 0 ? group->notifiedAt + rule.groupIntervalSeconds : 0;
    if (group->notified.isEmpty())
        at = std::max(at, group->changedAt + rule.groupWaitSeconds);
    return at;
}

void AlertGroups::keepOnly(const QStringList &rules)
{
    m_groups.removeIf([&rules](const auto &group) { return !rules.contains(group.key()); });
}

QJsonObject AlertGroups::toJson() const
{
    QJsonObject json;
    for (auto it = m_groups.cbegin(); it != m_groups.cend(); ++it) {
        QJsonArray notified;
        for (const Alert &alert : it->notified)
            notified.append(alert.toJson());
        json.insert(it.key(),
                    QJsonObject {{u"notified"_s, notified},
                                 {u"notified_at"_s, it->notifiedAt},
                                 {u"changed_at"_s, it->changedAt}});
    }
    return json;
}

void AlertGroups::fromJson(const QJsonObject &json)
{
    m_groups.clear();
    for (auto it = json.begin(); it != json.end(); ++it) {
        Group group;
        for (const QJsonValue &alert : it.value()["notified"_L1].toArray())
            group.notified.append(Alert::fromJson(alert.toObject()));
        group.notifiedAt = it.value()["notified_at"_L1].toInteger(-1);
        group.changedAt = it.value()["changed_at"_L1].toInteger(-1);
        m_groups.insert(it.key(), group);
    }
}
