#pragma once

#include "config/config.h"

#include <QPointer>
#include <QTcpServer>

// The TCP side of the REST API, under ApiLimits, before QHttpServer reads a byte. Every
// request on a connection, pipelined ones included, is framed here first, strictly:
// a bare LF, a folded header, a malformed request line or header, a duplicate or invalid
// Content-Length or any Transfer-Encoding get 400; headers too long or too many 431; a
// body over the limit 413 (before it is read, and before the token is checked); more
// requests sent ahead of their answers than maxPipelined 429; a request that does not
// arrive whole in time 408. A refused connection's bytes never reach QHttpServer. Too many
// connections get 503, an idle connection is closed, and so is one whose client does not
// read a whole answer within answerTimeoutSeconds. QHttpServer binds to it.
class GuardedServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedServer(const ApiLimits &limits, QObject *parent = nullptr);
    int openConnections() const { return m_open; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    // The new connections' guards, once QHttpServer has taken their sockets.
    void follow();

    ApiLimits m_limits;
    int m_open = 0;
    QList<QPointer<QObject>> m_unfollowed; // guards of sockets QHttpServer has not taken yet
    bool m_following = false;
};
