#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

// One thread's client of ClickHouse's HTTP interface, through QNetworkAccessManager: each
// call waits for its answer, as a QSqlQuery does, while the request runs on a thread of the
// client's own. The credentials travel in the X-ClickHouse-User and X-ClickHouse-Key headers,
// never in a URL that a server or proxy log keeps.
//
// The location is clickhouse://user:password@host:8123/database[?cluster=NAME&shards=...]:
// with a cluster, every shard's HTTP address is needed for the schema (ClickHouse 18.16's
// ON CLUSTER needs ZooKeeper). They are `shards` (host:port,host:port) when given, else
// the cluster's hosts from system.clusters on the URL's HTTP port.
class ClickHouseClient
{
public:
    using Row = QList<QByteArray>;
    using Rows = QList<Row>;

    explicit ClickHouseClient(const QUrl &url);
    ~ClickHouseClient();
    ClickHouseClient(const ClickHouseClient &) = delete;
    ClickHouseClient &operator=(const ClickHouseClient &) = delete;

    // Empty when `url` is a usable ClickHouse location, else why not.
    static QString checkUrl(const QUrl &url);

    QString database() const { return m_database; }
    QString cluster() const { return m_cluster; }

    // The rows of a SELECT, its TabSeparated fields unescaped; nothing on failure.
    std::optional<Rows> select(const QString &sql);
    // A statement without rows; `data` is the body of an INSERT ... FORMAT TabSeparated.
    bool execute(const QString &sql, const QByteArray &data = {});
    // The same on every shard (the URL's server alone without a cluster).
    bool executeOnEveryShard(const QString &sql);
    // A SELECT on every shard's own tables at once, its rows in shard order; nothing if any
    // shard fails.
    std::optional<Rows> selectOnEveryShard(const QString &sql);
    // The name of a table's own part on each shard: `name` without a cluster.
    QString shardTable(const QString &name) const;
    // Why the last call failed: ClickHouse's message, or the network's.
    QString lastError() const { return m_error; }
    // Whether the last failure was the server's absence rather than the statement's.
    bool lastFailureWasNetwork() const { return m_networkFailure; }

    // A string literal of ClickHouse's SQL: quotes and backslashes escaped.
    static QString quoted(const QString &text);
    // A field for TabSeparated input: tabs, newlines and backslashes escaped.
    static void appendEscaped(QByteArray &out, const QByteArray &field);

private:
    struct Post
    {
        QNetworkRequest request;
        QByteArray body;
    };
    Post prepare(const QUrl &server, const QString &sql, const QByteArray &data) const;
    std::optional<QByteArray> post(const QUrl &server, const QString &sql, const QByteArray &data);
    struct Answer
    {
        int status = 0; // HTTP's, 0 when none came
        QString networkError;
        QByteArray body;
    };
    std::optional<QByteArray> answered(const QUrl &server, const Answer &answer);
    bool resolveShards();

    QUrl m_server; // the URL's server, without credentials
    QString m_user;
    QString m_password;
    QString m_database;
    QString m_cluster;
    QList<QUrl> m_shards;
    QString m_error;
    bool m_networkFailure = false;
    class Transport;
    std::unique_ptr<Transport> m_transport; // started on first use
};
