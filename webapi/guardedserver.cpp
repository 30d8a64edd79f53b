#include "guardedserver.h"

#include "jsonanswer.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// Answers with a short JSON error and closes the connection.
void refuse(QTcpSocket *socket, int status, const char *reason, const QString &message)
{
    const QByteArray body = R"({"error":")" + message.toUtf8() + "\"}";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                  + "\r\nContent-Type: " + JsonAnswer::contentType + "\r\nContent-Length: "
                  + QByteArray::number(body.size()) + (status == 503 ? "\r\nRetry-After: 5" : "")
                  + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

// HTTP/1.1's request framing (RFC 9112), strict, fed every byte of a connection in order:
// heads are checked whole, bodies counted past. Needs no more memory than one head.
class RequestFramer
{
public:
    struct Refusal
    {
        int status = 0; // 0: none
        const char *reason = "";
        QString message;
    };

    explicit RequestFramer(const ApiLimits &limits)
        : m_limits(limits)
    {
    }

    // The first refusal the bytes earn, if any; `completed` counts the requests they end.
    Refusal feed(QByteArrayView bytes, int *completed)
    {
        for (qsizetype i = 0; i < bytes.size();) {
            if (m_bodyLeft > 0) {
                const qsizetype taken = qsizetype(std::min<qint64>(m_bodyLeft, bytes.size() - i));
                m_bodyLeft -= taken;
                i += taken;
                if (m_bodyLeft == 0)
                    ++*completed;
                continue;
            }
            const char c = bytes[i++];
            if (m_head.isEmpty() && (c == '\r' || c == '\n'))
                continue; // empty lines before a request line are allowed
            if (c == '\n' && !m_head.endsWith('\r'))
                return {400, "Bad Request", u"a line ends with a bare LF"_s};
            if (m_head.size() >= m_limits.maxHeaderBytes)
                return {431, "Request Header Fields Too Large",
                        u"the request's headers are over %1 bytes"_s.arg(m_limits.maxHeaderBytes)};
            m_head.append(c);
            if (m_head.endsWith("\r\n\r\n")) {
                const Refusal refusal = headEnded();
                if (refusal.status)
                    return refusal;
                if (m_bodyLeft == 0)
                    ++*completed;
            }
        }
        return {};
    }

    // Between requests: nothing of the next one has arrived.
    bool isIdle() const { return m_head.isEmpty() && m_bodyLeft == 0; }

private:
    Refusal headEnded()
    {
        const QList<QByteArray> lines = m_head.chopped(4).split('\n');
        m_head.clear();
        if (lines.size() - 1 > m_limits.maxHeaders)
            return {431, "Request Header Fields Too Large",
                    u"the request has over %1 headers"_s.arg(m_limits.maxHeaders)};
        if (!isRequestLine(lines.first().chopped(lines.size() > 1 ? 1 : 0)))
            return {400, "Bad Request", u"a malformed request line"_s};
        bool sawLength = false;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = i + 1 < lines.size() ? lines[i].chopped(1) : lines[i];
            if (line.startsWith(' ') || line.startsWith('\t'))
                return {400, "Bad Request", u"a folded header line (obs-fold)"_s};
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).toLower();
            if (colon <= 0 || !isToken(name))
                return {400, "Bad Request", u"a malformed header line"_s};
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "transfer-encoding")
                return {400, "Bad Request",
                        u"Transfer-Encoding is not accepted: send Content-Length"_s};
            if (name != "content-length")
                continue;
            bool ok = !sawLength && !value.isEmpty() && value.size() <= 18
                && std::all_of(value.cbegin(), value.cend(),
                               [](char c) { return c >= '0' && c <= '9'; });
            if (!ok)
                return {400, "Bad Request", u"a duplicate or invalid Content-Length"_s};
            sawLength = true;
            m_bodyLeft = value.toLongLong();
            if (m_bodyLeft > m_limits.maxBodyBytes)
                return {413, "Content Too Large",
                        u"request bodies are limited to %1 bytes"_s.arg(m_limits.maxBodyBytes)};
        }
        return {};
    }

    static bool isToken(QByteArrayView text)
    {
        static constexpr QByteArrayView extra = "!#$%&'*+-.^_`|~";
        return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || extra.contains(c);
        });
    }

    // METHOD SP target SP HTTP/1.x, with no control character or space in the target.
    static bool isRequestLine(const QByteArray &line)
    {
        const QList<QByteArray> parts = line.split(' ');
        return parts.size() == 3 && isToken(parts[0]) && !parts[1].isEmpty()
            && std::all_of(parts[1].cbegin(), parts[1].cend(),
                           [](char c) { return uchar(c) > 0x20 && uchar(c) != 0x7f; })
            && (parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0");
    }

    ApiLimits m_limits;
    QByteArray m_head;
    qint64 m_bodyLeft = 0;
};

// One connection's watch: its slot reads every arriving byte before QHttpServer's, frames
// each request, and drains a refused connection so that QHttpServer parses nothing of it.
// QHttpServer reads one request at a time and signals readyRead again for the rest, so the
// guard remembers how many of the bytes left unread it has framed already.
class ConnectionGuard : public QObject
{
public:
    // Connects the slot that runs after QHttpServer's: call once QHttpServer has the socket.
    void followServer()
    {
        connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::afterServerRead);
    }

    ConnectionGuard(QTcpSocket *socket, const ApiLimits &limits)
        : QObject(socket)
        , m_socket(socket)
        , m_limits(limits)
        , m_framer(limits)
    {
        for (QTimer *timer : {&m_idle, &m_request, &m_answer})
            timer->setSingleShot(true);
        m_idle.setInterval(limits.idleTimeoutSeconds * 1000);
        connect(&m_idle, &QTimer::timeout, socket, &QTcpSocket::abort);
        m_request.setInterval(limits.requestTimeoutSeconds * 1000);
        connect(&m_request, &QTimer::timeout, this, [this] {
            refuse({408, "Request Timeout", u"the request did not arrive in time"_s});
        });
        // The whole answer, not each byte of it: a client reading a byte a second is
        // closed all the same.
        m_answer.setInterval(limits.answerTimeoutSeconds * 1000);
        connect(&m_answer, &QTimer::timeout, socket, &QTcpSocket::abort);
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onBytesWritten);
        m_idle.start();
    }

private:
    void onReadyRead()
    {
        if (m_refused) {
            m_socket->readAll();
            return;
        }
        m_idle.stop();
        const qint64 available = m_socket->bytesAvailable();
        const QByteArray unseen
            = m_socket->peek(available).sliced(qsizetype(std::min(m_framedUnread, available)));
        m_framedUnread = available;
        int completed = 0;
        const RequestFramer::Refusal refusal = m_framer.feed(unseen, &completed);
        m_unanswered += completed;
        if (refusal.status) {
            refuse(refusal);
        } else if (m_unanswered > m_limits.maxPipelined) {
            refuse({429, "Too Many Requests",
                    u"over %1 requests sent ahead of their answers"_s.arg(m_limits.maxPipelined)});
        } else if (m_framer.isIdle()) {
            m_request.stop();
        } else if (!m_request.isActive()) {
            m_request.start();
        }
    }

    // After QHttpServer's slot: what it left unread has been framed.
    void afterServerRead() { m_framedUnread = m_socket->bytesAvailable(); }

    void onBytesWritten()
    {
        if (m_socket->bytesToWrite() > 0) {
            if (!m_answer.isActive())
                m_answer.start();
            return;
        }
        // Everything written: the answers so far are out.
        m_answer.stop();
        m_unanswered = 0;
        if (m_framer.isIdle() && !m_refused)
            m_idle.start();
    }

    void refuse(const RequestFramer::Refusal &refusal)
    {
        m_refused = true;
        m_socket->readAll(); // nothing of it reaches QHttpServer
        m_request.stop();
        ::refuse(m_socket, refusal.status, refusal.reason, refusal.message);
        // A client that reads nothing would hold the connection, and its unread answers,
        // until the answer timeout: two seconds to take the refusal, then it is cut.
        m_answer.start(2000);
    }

    QTcpSocket *m_socket;
    ApiLimits m_limits;
    RequestFramer m_framer;
    QTimer m_idle;
    QTimer m_request;
    QTimer m_answer;
    int m_unanswered = 0; // requests complete since the last answer went out whole
    qint64 m_framedUnread = 0; // bytes framed that QHttpServer has not read yet
    bool m_refused = false;
};

} // namespace

GuardedServer::GuardedServer(const ApiLimits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
}

void GuardedServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_open >= m_limits.maxConnections) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        refuse(socket, 503, "Service Unavailable",
               u"too many connections (%1); try again shortly"_s.arg(m_limits.maxConnections));
        return;
    }
    ++m_open;
    connect(socket, &QObject::destroyed, this, [this] { --m_open; });
    m_unfollowed << new ConnectionGuard(socket, m_limits);
    // QHttpServer takes the socket on this signal, bound before the first connection came:
    // a slot connected now runs after its own.
    if (!std::exchange(m_following, true))
        connect(this, &QTcpServer::pendingConnectionAvailable, this, &GuardedServer::follow);
    addPendingConnection(socket);
}

void GuardedServer::follow()
{
    for (const QPointer<QObject> &guard : std::exchange(m_unfollowed, {})) {
        if (guard)
            static_cast<ConnectionGuard *>(guard.data())->followServer();
    }
}
