#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGINT and SIGTERM into a Qt signal, through a self-pipe, so that shutdown runs
// in the event loop rather than in a signal handler.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier;
};
