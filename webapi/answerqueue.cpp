#include "answerqueue.h"

#include <algorithm>

AnswerQueue::Ticket AnswerQueue::reserve(QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    if (!m_queues.contains(socket))
        connect(socket, &QObject::destroyed, this, [this, socket] { m_queues.remove(socket); });
    auto ticket = std::make_shared<Place>(Place {socket, socket, std::move(responder), {}});
    m_queues[socket].push_back(ticket);
    return ticket;
}

void AnswerQueue::fulfil(const Ticket &ticket, QHttpServerResponse &&response)
{
    const auto queue = m_queues.find(ticket->key);
    if (queue == m_queues.end()
        || std::find(queue->cbegin(), queue->cend(), ticket) == queue->cend())
        return; // its connection has gone
    ticket->response.emplace(std::move(response));
    while (!queue->empty() && queue->front()->response) {
        Place &place = *queue->front();
        if (place.socket && place.socket->bytesToWrite() > m_maxQueuedBytes)
            place.socket->abort(); // its client does not read what it asked for
        if (place.socket && place.socket->state() == QAbstractSocket::ConnectedState)
            place.response->write(std::move(place.responder));
        queue->pop_front();
    }
}
