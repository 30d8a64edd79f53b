#pragma once

#include "alertrule.h"
#include "archivefollower.h"
#include "githubpoller.h"
#include "storelocation.h"

#include <QHash>
#include <QObject>

#include <memory>

class Clock;
class MetricsQueries;
class QNetworkAccessManager;
class Watchlist;

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

    QString id() const { return rule + u'\x1f' + key; }
    static QString stateName(State state); // "pending", "firing", "resolved"
    QJsonObject toJson() const;
    // As Alertmanager's webhook carries it (version 4), alone in its group; its delivery
    // id names this transition, for a receiver to drop a repeat.
    QJsonObject webhookPayload() const;
    QString deliveryId() const;
    static Alert fromJson(const QJsonObject &json);
};

// The alerts now (pending and firing) and the latest resolved ones, newest first.
struct AlertBoard
{
    QList<Alert> active;
    QList<Alert> history;
};
Q_DECLARE_METATYPE(AlertBoard)

// Evaluates the rules of <data>/alerts.json every minute, on the alerts thread with a
// connection of its own: repository rules over the query layer, the monitor's rules over
// the poller's and GH Archive's state and the disk. Each transition is logged, announced,
// and kept in <data>/alerts-state.json before the next evaluation, so that a restart or a
// kill -9 neither repeats an alert nor loses one.
class AlertEngine : public QObject
{
    Q_OBJECT

public:
    static constexpr int historySize = 200;
    static constexpr int outboxSize = 1000; // notifications waiting for the webhook

    // Each transition is POSTed to `url` alone, signed with `secret`.
    struct Webhook
    {
        QUrl url;
        QByteArray secret;
    };

    AlertEngine(const StoreLocation &store, const QString &dataDir, Watchlist *watchlist,
                Clock *clock, QObject *parent = nullptr);
    ~AlertEngine() override;

    void start();
    void evaluate();
    AlertBoard board() const;

    void setWebhook(const Webhook &webhook) { m_webhook = webhook; }
    int outboxCount() const { return int(m_outbox.size()); }
    void setPollerSnapshot(const PollerSnapshot &snapshot) { m_poller = snapshot; }
    void setArchiveStatus(const ArchiveStatus &status) { m_archive = status; }

signals:
    // A transition: the alert as it is now (firing or resolved).
    void alertChanged(const Alert &alert);
    void boardChanged(const AlertBoard &board);

private:
    struct Condition
    {
        QString key;
        QString repository;
        QString summary;
    };

    QList<Condition> conditionsOf(const AlertRule &rule, qint64 now);
    QList<Condition> repositoryConditions(const AlertRule &rule, qint64 now);
    QList<Condition> monitorCondition(const AlertRule &rule, qint64 now);
    QStringList repositoriesOf(const AlertRule &rule) const;
    // Returns whether anything changed.
    bool apply(const AlertRule &rule, const QList<Condition> &conditions, qint64 now);
    void fire(Alert &alert, qint64 now);
    void announce(const Alert &alert);
    void deliver();
    void delivered(bool ok, const QString &problem);
    void loadState();
    void saveState();

    StoreLocation m_store;
    QString m_dataDir;
    Watchlist *m_watchlist;
    Clock *m_clock;
    std::unique_ptr<MetricsQueries> m_queries;
    QList<AlertRule> m_rules;
    QString m_rulesError; // why alerts.json was last refused, logged once
    QHash<QString, Alert> m_active; // by id
    QList<Alert> m_history; // resolved, newest first
    QHash<QString, qint64> m_raised; // per-event alerts already raised, by id: when
    // When the rules first saw each repository (lower-case): older events are not news.
    QHash<QString, qint64> m_watchedSince;
    bool m_stateChanged = false; // beyond the alerts: kept at the end of the evaluation
    PollerSnapshot m_poller;
    ArchiveStatus m_archive;
    Webhook m_webhook;
    QNetworkAccessManager *m_network = nullptr;
    QList<QJsonObject> m_outbox; // {"id", "body"}, oldest first; kept with the state
    bool m_sending = false;
    int m_failures = 0; // in a row, for the back-off
    qint64 m_eventsStored = -1;
    qint64 m_eventsGrewAt = 0;
};
