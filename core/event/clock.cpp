#include "event/clock.h"

#include <QTimer>

#include <algorithm>

namespace {

class SystemClock : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
    void callAfter(qint64 delayMs, QObject *context, std::function<void()> action) override
    {
        const auto clamped = std::clamp<qint64>(delayMs, 0, std::numeric_limits<int>::max());
        QTimer::singleShot(std::chrono::milliseconds(clamped), context, std::move(action));
    }
};

} // namespace

Clock *Clock::system()
{
    static SystemClock clock;
    return &clock;
}

ManualClock::ManualClock(const QDateTime &start)
    : m_now(start.toUTC())
{
}

void ManualClock::callAfter(qint64 delayMs, QObject *context, std::function<void()> action)
{
    m_pending.append({m_now.addMSecs(std::max<qint64>(delayMs, 0)), context, std::move(action)});
}

qint64 ManualClock::nextDelayMs() const
{
    const auto next
        = std::min_element(m_pending.cbegin(), m_pending.cend(),
                           [](const Pending &a, const Pending &b) { return a.due < b.due; });
    return next == m_pending.cend() ? -1 : m_now.msecsTo(next->due);
}

void ManualClock::advanceToNext()
{
    const auto next
        = std::min_element(m_pending.begin(), m_pending.end(),
                           [](const Pending &a, const Pending &b) { return a.due < b.due; });
    if (next == m_pending.end())
        return;
    Pending pending = std::move(*next);
    m_pending.erase(next);
    m_now = std::max(m_now, pending.due);
    if (pending.context)
        pending.action();
}

void ManualClock::advanceBy(qint64 ms)
{
    m_now = m_now.addMSecs(ms);
}

void ManualClock::runFor(qint64 ms)
{
    const QDateTime end = m_now.addMSecs(ms);
    for (qint64 next = nextDelayMs(); next >= 0 && m_now.addMSecs(next) <= end;
         next = nextDelayMs())
        advanceToNext();
    m_now = end;
}
