#pragma once

#include "alert/alertrule.h"

#include <QMetaType>

// One alert: an instance of a rule, for a repository or the monitor itself. Pending while
// its condition has held for less than the rule's `for`; firing after; resolved once the
// condition has been gone for `keep_firing_for`.
struct Alert
{
    enum class State { Pending, Firing, Resolved };

    QString rule;
    AlertRule::Kind kind = AlertRule::Kind::StarSpike;
    QString key; // unique within the rule: "acme/widgets 2026-12-04", "feed"...
    QString repository; // empty for the monitor's own
    QString summary;
    QMap<QString, QString> labels;
    State state = State::Pending;
    qint64 activeAt = 0; // when the condition was first seen (epoch seconds)
    qint64 lastSeenAt = 0;
    qint64 firedAt = -1;
    qint64 resolvedAt = -1;
    qint64 silencedUntil = -1; // while a silence matches it: it shows, and notifies no one

    QString id() const { return rule + u'\x1f' + key; }
    bool isFiring() const { return state == State::Firing; }
    bool isSilenced() const { return silencedUntil >= 0; }
    static QString stateName(State state); // "pending", "firing", "resolved"
    QJsonObject toJson() const;
    // One element of the "alerts" of Alertmanager's webhook (version 4).
    QJsonObject webhookAlert() const;
    static Alert fromJson(const QJsonObject &json);
};

// The alerts now (pending and firing) and the latest resolved ones, newest first.
struct AlertBoard
{
    QList<Alert> active;
    QList<Alert> history;

    // Firing and not silenced: what asks for attention (the tray's badge, the dock's title).
    qsizetype firingCount() const;
    qsizetype silencedFiringCount() const;
};
Q_DECLARE_METATYPE(AlertBoard)
