#pragma once

#include "store/clickhouseclient.h"
#include "store/connection.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QTimer>

#include <memory>

// Tells a viewer when a collector has committed to the shared store. On PostgreSQL: LISTEN on
// the channel every commit notifies, on a connection of its own, so nothing polls the
// tables. ClickHouse has no notifications: the change marker (a row per committed batch) is
// read every pollMs. A lost connection is retried every few seconds; reconnecting reports a
// change, since commits may have been missed meanwhile. Create it, move it to its thread,
// then invoke start() there.
class ChangeListener : public QObject
{
    Q_OBJECT

public:
    static constexpr int retryMs = 3000;
    static constexpr int pollMs = 500;

    explicit ChangeListener(const StoreLocation &location, QObject *parent = nullptr);
    ~ChangeListener() override;

    Q_INVOKABLE void start();

signals:
    void listening();
    // The span of the committed events; -1, -1 when unknown.
    void goldChanged(qint64 fromSeconds, qint64 toSeconds);
    void connectionLost(const QString &message);

private:
    bool listen(QSqlDatabase &database, QString *error);
    void check();
    void readChangeMarker();
    void reachable();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);

    Connection m_connection;
    std::unique_ptr<ClickHouseClient> m_clickHouse;
    qint64 m_lastCommitMs = -1; // ClickHouse: the newest batch seen
    bool m_reachable = false;
    QTimer m_health;
    bool m_listened = false; // a connection has listened before: a new one may have missed commits
};
