#include "roundtimeaxis.h"

#include <QDateTime>
#include <QFontMetrics>

using namespace Qt::StringLiterals;

namespace {

// Round steps of the clock, in seconds, then of the calendar, in months.
constexpr qint64 clockSteps[] = {1,    5,    10,   15,    30,    60,    120,   300,    600,   900,
                                 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
constexpr int monthSteps[] = {1, 2, 3, 6, 12, 24, 60, 120};

QString clockLabel(const QDateTime &time, qint64 step)
{
    if (step >= 86400 || time.time() == QTime(0, 0))
        return time.date().month() == 1 && time.date().day() == 1 ? time.toString(u"yyyy"_s)
                                                                  : time.toString(u"d MMM"_s);
    return time.toString(step < 60 ? u"HH:mm:ss"_s : u"HH:mm"_s);
}

} // namespace

RoundTimeAxis::RoundTimeAxis(QObject *parent)
    : QCategoryAxis(parent)
{
    setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
}

RoundTimeAxis::Ticks RoundTimeAxis::ticksFor(const TimeWindow &window, qint64 stepSeconds,
                                             int stepMonths)
{
    Ticks ticks;
    const auto add = [&ticks](qint64 time, QString label) {
        // Labels must differ: a repeated clock time gets its date.
        if (ticks.labels.contains(label))
            label = QDateTime::fromSecsSinceEpoch(time).toString(u"d MMM HH:mm"_s);
        ticks.times << time;
        ticks.labels << label;
    };
    if (stepMonths > 0) {
        const QDate first = QDateTime::fromSecsSinceEpoch(window.from).date();
        QDate month(first.year(), 1, 1);
        while (month.addMonths(stepMonths).startOfDay().toSecsSinceEpoch() <= window.from)
            month = month.addMonths(stepMonths);
        for (; month.startOfDay().toSecsSinceEpoch() <= window.to;
             month = month.addMonths(stepMonths)) {
            const qint64 time = month.startOfDay().toSecsSinceEpoch();
            if (time >= window.from)
                add(time, month.toString(stepMonths >= 12 ? u"yyyy"_s : u"MMM yyyy"_s));
        }
        return ticks;
    }
    // Aligned to the local clock: the offset from UTC at the window's start.
    const qint64 offset = QDateTime::fromSecsSinceEpoch(window.from).offsetFromUtc();
    const qint64 local = window.from + offset;
    qint64 time = (local + stepSeconds - 1) / stepSeconds * stepSeconds - offset;
    for (; time <= window.to && ticks.times.size() <= 50; time += stepSeconds)
        add(time, clockLabel(QDateTime::fromSecsSinceEpoch(time), stepSeconds));
    return ticks;
}

void RoundTimeAxis::setSpan(const TimeWindow &window, int width)
{
    const QFontMetrics metrics(labelsFont());
    const auto fits = [&](const Ticks &ticks) {
        int widest = 0;
        for (const QString &label : ticks.labels)
            widest = std::max(widest, metrics.horizontalAdvance(label));
        return ticks.times.size() >= 2 && qint64(ticks.times.size()) * (widest + 16) <= width;
    };
    Ticks chosen;
    for (const qint64 step : clockSteps) {
        if ((window.to - window.from) / step > 12)
            continue;
        chosen = ticksFor(window, step, 0);
        if (fits(chosen))
            break;
        chosen = {};
    }
    for (int months = 0; chosen.times.isEmpty() && months < int(std::size(monthSteps)); ++months) {
        const Ticks ticks = ticksFor(window, 0, monthSteps[months]);
        if (fits(ticks) || months == int(std::size(monthSteps)) - 1)
            chosen = ticks;
    }
    for (const QString &label : categoriesLabels())
        remove(label);
    setRange(double(window.from) * 1000, double(window.to) * 1000);
    setStartValue(double(window.from) * 1000);
    for (qsizetype i = 0; i < chosen.times.size(); ++i)
        append(chosen.labels[i], double(chosen.times[i]) * 1000);
    m_ticks = chosen.times;
}
