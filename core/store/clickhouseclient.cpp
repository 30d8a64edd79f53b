#include "store/clickhouseclient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QThread>
#include <QUrlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace {

// A statement's longest wait: an import's INSERT of a whole batch into both shards.
constexpr int transferTimeoutMs = 300'000;

QByteArray unescaped(QByteArrayView field)
{
    QByteArray out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const char c = field[i];
        if (c != '\\' || i + 1 == field.size()) {
            out += c;
            continue;
        }
        switch (const char next = field[++i]) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '0': out += '\0'; break;
        default: out += next; break; // \\, \' and any other escaped character
        }
    }
    return out;
}

ClickHouseClient::Rows parseTabSeparated(const QByteArray &body)
{
    ClickHouseClient::Rows rows;
    for (const QByteArray &line : body.split('\n')) {
        if (line.isEmpty())
            continue;
        ClickHouseClient::Row row;
        for (const QByteArray &field : line.split('\t'))
            row.append(unescaped(field));
        rows.append(row);
    }
    return rows;
}

QUrl serverOf(const QString &host, int port)
{
    QUrl server;
    server.setScheme(u"http"_s);
    server.setHost(host);
    server.setPort(port);
    server.setPath(u"/"_s);
    return server;
}

} // namespace

ClickHouseClient::ClickHouseClient(const QUrl &url)
    : m_server(serverOf(url.host(), url.port(8123)))
    , m_user(url.userName().isEmpty() ? u"default"_s : url.userName())
    , m_password(url.password())
    , m_database(url.path().mid(1))
    , m_cluster(QUrlQuery(url).queryItemValue(u"cluster"_s))
{
    const QString shards = QUrlQuery(url).queryItemValue(u"shards"_s);
    for (const QString &address : shards.split(u',', Qt::SkipEmptyParts)) {
        const QUrl parsed = QUrl::fromUserInput(address);
        m_shards.append(serverOf(parsed.host(), parsed.port(8123)));
    }
}

ClickHouseClient::~ClickHouseClient() = default;

QString ClickHouseClient::checkUrl(const QUrl &url)
{
    static const QRegularExpression identifier(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    if (url.scheme() != "clickhouse"_L1)
        return u"a ClickHouse URL starts with clickhouse://"_s;
    if (!url.isValid() || url.host().isEmpty())
        return u"the ClickHouse URL must name a server: clickhouse://user:password@host:8123/database"_s;
    if (!identifier.match(url.path().mid(1)).hasMatch())
        return u"the ClickHouse URL must name a database of letters, digits and _"_s;
    const QString cluster = QUrlQuery(url).queryItemValue(u"cluster"_s);
    if (!cluster.isEmpty() && !identifier.match(cluster).hasMatch())
        return u"the ClickHouse cluster's name must be letters, digits and _"_s;
    return {};
}

// The network's own thread: the caller waits for the answer without running an event loop,
// so that nothing else it has queued (the next file to ingest, a timer) runs meanwhile.
class ClickHouseClient::Transport : public QThread
{
public:
    Transport() { start(); }
    ~Transport() override
    {
        quit();
        wait();
    }

    // Sent on the transport's thread, all at once; the caller blocks until every reply has
    // finished.
    QList<Answer> send(const QList<Post> &posts)
    {
        QList<Answer> answers(posts.size());
        QMetaObject::invokeMethod(
            m_context.get(),
            [&] {
                if (!m_network)
                    m_network = std::make_unique<QNetworkAccessManager>();
                std::vector<std::unique_ptr<QNetworkReply>> replies;
                for (const Post &post : posts)
                    replies.emplace_back(m_network->post(post.request, post.body));
                QEventLoop loop;
                for (const std::unique_ptr<QNetworkReply> &reply : replies)
                    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, [&] {
                        if (std::all_of(replies.cbegin(), replies.cend(),
                                        [](const auto &each) { return each->isFinished(); }))
                            loop.quit();
                    });
                loop.exec();
                for (size_t i = 0; i < replies.size(); ++i) {
                    answers[qsizetype(i)].status
                        = replies[i]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                    answers[qsizetype(i)].networkError = replies[i]->errorString();
                    answers[qsizetype(i)].body = replies[i]->readAll();
                }
            },
            Qt::BlockingQueuedConnection);
        return answers;
    }

protected:
    void run() override
    {
        exec();
        m_network.reset(); // on the thread that made it
    }

private:
    std::unique_ptr<QObject> m_context = [this] {
        auto context = std::make_unique<QObject>();
        context->moveToThread(this);
        return context;
    }();
    std::unique_ptr<QNetworkAccessManager> m_network;
};

ClickHouseClient::Post ClickHouseClient::prepare(const QUrl &server, const QString &sql,
                                                 const QByteArray &data) const
{
    QUrl url = server;
    QUrlQuery query;
    query.addQueryItem(u"database"_s, m_database);
    // A write to the Distributed table returns once every shard has it, not when queued.
    query.addQueryItem(u"insert_distributed_sync"_s, u"1"_s);
    // The whole answer before the status line: an error halfway is a 500, not rows.
    query.addQueryItem(u"wait_end_of_query"_s, u"1"_s);
    // Named after the database, so that a writer can tell its own database's queries.
    query.addQueryItem(u"query_id"_s,
                       m_database + u'-' + QUuid::createUuid().toString(QUuid::WithoutBraces));
    Post post;
    if (data.isEmpty()) {
        post.body = sql.toUtf8();
    } else {
        query.addQueryItem(u"query"_s, QString::fromLatin1(QUrl::toPercentEncoding(sql)));
        post.body = data;
    }
    url.setQuery(query);
    post.request.setUrl(url);
    post.request.setRawHeader("X-ClickHouse-User", m_user.toUtf8());
    post.request.setRawHeader("X-ClickHouse-Key", m_password.toUtf8());
    post.request.setRawHeader("Content-Type", "text/plain; charset=utf-8");
    post.request.setTransferTimeout(transferTimeoutMs);
    return post;
}

std::optional<QByteArray> ClickHouseClient::answered(const QUrl &server, const Answer &answer)
{
    m_networkFailure = answer.status == 0;
    if (m_networkFailure)
        m_error = u"ClickHouse at %1:%2: %3"_s.arg(server.host())
                      .arg(server.port())
                      .arg(answer.networkError);
    else if (answer.status != 200)
        m_error = QString::fromUtf8(answer.body.trimmed());
    if (answer.status != 200)
        return std::nullopt;
    return answer.body;
}

std::optional<QByteArray> ClickHouseClient::post(const QUrl &server, const QString &sql,
                                                 const QByteArray &data)
{
    if (!m_transport)
        m_transport = std::make_unique<Transport>();
    return answered(server, m_transport->send({prepare(server, sql, data)}).first());
}

std::optional<ClickHouseClient::Rows> ClickHouseClient::select(const QString &sql)
{
    const std::optional<QByteArray> answer = post(m_server, sql + u" FORMAT TabSeparated"_s, {});
    if (!answer)
        return std::nullopt;
    return parseTabSeparated(*answer);
}

bool ClickHouseClient::execute(const QString &sql, const QByteArray &data)
{
    return post(m_server, sql, data).has_value();
}

bool ClickHouseClient::resolveShards()
{
    if (!m_shards.isEmpty())
        return true;
    if (m_cluster.isEmpty()) {
        m_shards = {m_server};
        return true;
    }
    const std::optional<Rows> hosts = select(
        u"SELECT host_address FROM system.clusters WHERE cluster = '%1' ORDER BY shard_num"_s.arg(
            m_cluster));
    if (!hosts)
        return false;
    if (hosts->isEmpty()) {
        m_error = u"ClickHouse has no cluster named %1 (see remote_servers)"_s.arg(m_cluster);
        return false;
    }
    for (const Row &host : *hosts)
        m_shards.append(serverOf(QString::fromUtf8(host.value(0)), m_server.port()));
    return true;
}

bool ClickHouseClient::executeOnEveryShard(const QString &sql)
{
    if (!resolveShards())
        return false;
    for (const QUrl &shard : std::as_const(m_shards)) {
        if (!post(shard, sql, {}))
            return false;
    }
    return true;
}

std::optional<ClickHouseClient::Rows> ClickHouseClient::selectOnEveryShard(const QString &sql)
{
    if (!resolveShards())
        return std::nullopt;
    if (!m_transport)
        m_transport = std::make_unique<Transport>();
    QList<Post> posts;
    for (const QUrl &shard : std::as_const(m_shards))
        posts.append(prepare(shard, sql + u" FORMAT TabSeparated"_s, {}));
    const QList<Answer> answers = m_transport->send(posts);
    Rows rows;
    for (qsizetype i = 0; i < answers.size(); ++i) {
        const std::optional<QByteArray> body = answered(m_shards[i], answers[i]);
        if (!body)
            return std::nullopt;
        rows += parseTabSeparated(*body);
    }
    return rows;
}

QString ClickHouseClient::shardTable(const QString &name) const
{
    return m_cluster.isEmpty() ? name : name + u"_local"_s;
}

QString ClickHouseClient::quoted(const QString &text)
{
    return u'\'' + QString(text).replace(u'\\', u"\\\\"_s).replace(u'\'', u"\\'"_s) + u'\'';
}

void ClickHouseClient::appendEscaped(QByteArray &out, const QByteArray &field)
{
    for (const char c : field) {
        switch (c) {
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        case '\0': out += "\\0"; break;
        default: out += c; break;
        }
    }
}
