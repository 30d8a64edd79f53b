#include "guardedserver.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

// Answers with a short JSON error and closes the connection.
void refuse(QTcpSocket *socket, int status, const char *reason, const QString &message)
{
    const QByteArray body = R"({"error":")" + message.toUtf8() + "\"}";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                  + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "
                  + QByteArray::number(body.size()) + (status == 503 ? "\r\nRetry-After: 5" : "")
                  + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

// One connection's watch: it reads along with QHttpServer (its slot runs first), and
// only looks at the head of each request.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const ApiLimits &limits)
        : QObject(socket)
        , m_socket(socket)
        , m_limits(limits)
    {
        m_idle.setSingleShot(true);
        m_idle.setInterval(limits.idleTimeoutSeconds * 1000);
        connect(&m_idle, &QTimer::timeout, socket, &QTcpSocket::abort);
        m_request.setSingleShot(true);
        m_request.setInterval(limits.requestTimeoutSeconds * 1000);
        connect(&m_request, &QTimer::timeout, this, [this] {
            refuse(m_socket, 408, "Request Timeout", u"the request did not arrive in time"_s);
        });
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        // An answer ends the request: the next one starts with its head.
        connect(socket, &QTcpSocket::bytesWritten, this, [this] {
            m_inHead = true;
            m_request.stop();
            m_idle.start();
        });
        m_idle.start();
    }

private:
    // Between requests the idle timeout runs; from a request's first byte to its answer,
    // the request timeout.
    void onReadyRead()
    {
        m_idle.stop();
        if (!m_request.isActive())
            m_request.start();
        if (!m_inHead)
            return;
        const QByteArray peeked = m_socket->peek(m_limits.maxHeaderBytes + 4);
        const qsizetype end = peeked.indexOf("\r\n\r\n");
        if (end < 0) {
            if (peeked.size() > m_limits.maxHeaderBytes)
                tooLarge(u"the request's headers are over %1 bytes"_s.arg(m_limits.maxHeaderBytes));
            return;
        }
        const QList<QByteArray> lines = peeked.left(end).split('\n');
        if (lines.size() - 1 > m_limits.maxHeaders) {
            tooLarge(u"the request has over %1 headers"_s.arg(m_limits.maxHeaders));
            return;
        }
        for (const QByteArray &line : lines) {
            const QByteArray header = line.trimmed().toLower();
            if (header.startsWith("transfer-encoding:")
                || (header.startsWith("content-length:")
                    && header.mid(15).trimmed().toLongLong() > m_limits.maxBodyBytes)) {
                refuse(m_socket, 413, "Content Too Large",
                       u"request bodies are limited to %1 bytes"_s.arg(m_limits.maxBodyBytes));
                return;
            }
        }
        m_inHead = false;
    }

    void tooLarge(const QString &message)
    {
        refuse(m_socket, 431, "Request Header Fields Too Large", message);
    }

    QTcpSocket *m_socket;
    ApiLimits m_limits;
    QTimer m_idle;
    QTimer m_request;
    bool m_inHead = true;
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
    new ConnectionGuard(socket, m_limits);
    addPendingConnection(socket);
}
