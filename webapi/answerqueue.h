#pragma once

#include <QHash>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <deque>
#include <memory>
#include <optional>

// The answers of each connection, written in the order its requests came. A client may
// send its next request before the last one is answered (HTTP pipelining), and reader
// threads finish in any order. Lives on the server thread.
class AnswerQueue : public QObject
{
public:
    using QObject::QObject;

    struct Place
    {
        QPointer<QTcpSocket> socket;
        QTcpSocket *key;
        QHttpServerResponder responder;
        std::optional<QHttpServerResponse> response;
    };
    using Ticket = std::shared_ptr<Place>;

    // A connection whose unread answers exceed this is closed: its client does not read.
    void setMaxQueuedBytes(qint64 bytes) { m_maxQueuedBytes = bytes; }
    // The next place in line on the responder's connection.
    Ticket reserve(QHttpServerResponder &&responder);
    // Writes `response` in its place: after every earlier answer on its connection, and
    // not at all once the connection is gone.
    void fulfil(const Ticket &ticket, QHttpServerResponse &&response);

private:
    QHash<QTcpSocket *, std::deque<Ticket>> m_queues;
    qint64 m_maxQueuedBytes = 8 * 1024 * 1024;
};
