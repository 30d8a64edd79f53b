#pragma once

#include "alert/alert.h"
#include "alert/alertgroups.h"
#include "alert/alertsilence.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "query/metrictypes.h"
#include "store/storelocation.h"

#include <QHash>
#include <QObject>

#include <memory>

class Clock;
class MetricsQueries;
class QNetworkAccessManager;
class Watchlist;

// Evaluates the rules of <data>/alerts.json every minute, on the alerts thread with a
// connection of its own: repository rules over the query layer, the monitor's rules over
// the poller's and GH Archive's state and the disk. Each transition is logged and kept in
// <data>/alerts-state.json before the next evaluation, so that a restart or a kill -9
// neither repeats an alert nor loses one. Notifications go by group (AlertGroups), leave
// out what <data>/alert-silences.json silences, and wait in the same file's outbox until
// the webhook takes them.
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
    // Evaluates the rules now, as the minute's evaluation does; after a silence changes,
    // for instance.
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
    // A group's notification, when it is due: for the desktop; the webhook has it too.
    void notified(const AlertNotification &notification);

private:
    struct Condition
    {
        QString key;
        QString repository;
        QString summary;
    };

    void tick();
    QList<Condition> conditionsOf(const AlertRule &rule, qint64 now);
    QList<Condition> repositoryConditions(const AlertRule &rule, qint64 now);
    QList<Condition> starSpikes(const AlertRule &rule, const QString &repository, qint64 now);
    QList<Condition> activityBursts(const AlertRule &rule, const QString &repository, qint64 now);
    QList<Condition> pullRequests(const AlertRule &rule, const QString &repository,
                                  const TimeWindow &news);
    QList<Condition> monitorCondition(const AlertRule &rule, qint64 now);
    QStringList repositoriesOf(const AlertRule &rule) const;
    // Returns whether anything changed.
    bool apply(const AlertRule &rule, const QList<Condition> &conditions, qint64 now);
    void fire(Alert &alert, qint64 now);
    void enqueue(const QString &deliveryId, const QJsonObject &body);
    bool applySilences(qint64 now); // returns whether an alert's silence changed
    bool notifyDue(qint64 now); // returns whether a notification was made
    void notifyWhenDue(); // the groups' notifications, on a timer of their own
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
    QString m_silencesError; // the same for alert-silences.json
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
    QList<AlertSilence> m_silences;
    AlertGroups m_groups;
    qint64 m_notifyAt = -1; // when the earliest group is due, if a timer waits for it
    QList<QJsonObject> m_outbox; // {"id", "body"}, oldest first; kept with the state
    bool m_sending = false;
    int m_failures = 0; // in a row, for the back-off
    qint64 m_eventsStored = -1;
    qint64 m_eventsGrewAt = 0;
};
