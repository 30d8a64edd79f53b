#pragma once

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <functional>

// Time source and timer for code that waits minutes between actions. Tests inject a
// ManualClock so that an hour of polling runs in milliseconds.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0; // UTC
    // Calls `action` in `context`'s thread after `delayMs`, unless `context` is gone.
    virtual void callAfter(qint64 delayMs, QObject *context, std::function<void()> action) = 0;

    static Clock *system();
};

// A clock that only moves when told to: advanceToNext() jumps to the earliest pending
// action and runs it.
class ManualClock : public Clock
{
public:
    explicit ManualClock(const QDateTime &start);

    QDateTime now() const override { return m_now; }
    void callAfter(qint64 delayMs, QObject *context, std::function<void()> action) override;

    bool hasPending() const { return !m_pending.isEmpty(); }
    qint64 nextDelayMs() const; // from now to the earliest pending action
    void advanceToNext();
    void advanceBy(qint64 ms); // runs nothing
    // Moves `ms` on, running each action due meanwhile at its time, in order.
    void runFor(qint64 ms);

private:
    struct Pending
    {
        QDateTime due;
        QPointer<QObject> context;
        std::function<void()> action;
    };
    QDateTime m_now;
    QList<Pending> m_pending;
};
