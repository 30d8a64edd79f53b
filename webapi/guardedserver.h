#pragma once

#include "config.h"

#include <QTcpServer>

// The TCP side of the REST API, under ApiLimits, before QHttpServer reads a byte: too
// many connections get 503, headers too long or too many 431, a body over the limit 413
// (before it is read, and before the token is checked), a request that does not arrive
// whole in time 408, and an idle connection is closed. QHttpServer binds to it.
class GuardedServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedServer(const ApiLimits &limits, QObject *parent = nullptr);
    int openConnections() const { return m_open; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ApiLimits m_limits;
    int m_open = 0;
};
