#pragma once

#include "query/metrictypes.h"

#include <QCategoryAxis>

// A time axis whose ticks fall on round clock times (14:00, 14:15, 14:30; the 1st of a
// month), in local time, labelled as precisely as the step needs: QDateTimeAxis only
// spaces its ticks evenly from edge to edge (14:12, 05:59). Values are epoch
// milliseconds, as the series carry them.
class RoundTimeAxis : public QCategoryAxis
{
    Q_OBJECT

public:
    explicit RoundTimeAxis(QObject *parent = nullptr);
    // The window's span, with the shortest round step whose labels fit `width` pixels.
    void setSpan(const TimeWindow &window, int width);
    QList<qint64> tickTimes() const { return m_ticks; } // epoch seconds

    // The ticks and labels of a span at a step, for the step's choice and for tests.
    struct Ticks
    {
        QList<qint64> times;
        QStringList labels;
    };
    static Ticks ticksFor(const TimeWindow &window, qint64 stepSeconds, int stepMonths);

private:
    QList<qint64> m_ticks;
};
