#pragma once

#include "alert/alert.h"

#include <QHash>
#include <QJsonObject>

#include <optional>

// What one notification tells: the alerts of a rule's group that fire and are not
// silenced, and those resolved since the group was last notified.
struct AlertNotification
{
    QString rule;
    qint64 at = 0; // epoch seconds
    QList<Alert> firing;
    QList<Alert> resolved;
    QStringList fresh; // ids of the firing alerts the previous notification did not carry
    bool repeat = false; // nothing changed: repeat_interval has passed

    // Names this notification, for a receiver to drop a repeat of the same delivery.
    QString deliveryId() const;
    // Alertmanager's webhook payload (version 4), the group being the rule.
    QJsonObject webhookPayload(const QMap<QString, QString> &ruleLabels) const;
};
Q_DECLARE_METATYPE(AlertNotification)

// Alertmanager's grouping, one group per rule: decides when a group's changes are notified
// (group_wait, group_interval) and when an unchanged group is notified again
// (repeat_interval), so that a flapping rule notifies at most once a group_interval.
// Silenced alerts are left out, neither firing nor resolved, until their silence ends.
class AlertGroups
{
public:
    // The notification `rule`'s group is due at `now`, given its alerts (any state).
    std::optional<AlertNotification> due(const AlertRule &rule, const QList<Alert> &alerts,
                                         const QList<Alert> &history, qint64 now);
    // When the group of `rule` may next be due, if it waits on a change; else nothing.
    std::optional<qint64> nextDue(const AlertRule &rule) const;
    void keepOnly(const QStringList &rules);

    QJsonObject toJson() const;
    void fromJson(const QJsonObject &json);

private:
    struct Group
    {
        QList<Alert> notified; // firing when last notified
        qint64 notifiedAt = -1;
        qint64 changedAt = -1; // when a change not yet notified was first seen
    };

    QHash<QString, Group> m_groups; // by rule
};
