#include "alert/spikedetector.h"

#include <cmath>
#include <numeric>

QList<bool> SpikeDetector::spikes(const QList<double> &values) const
{
    QList<bool> found(values.size(), false);
    QList<double> filtered = values;
    for (qsizetype i = lag; i < values.size(); ++i) {
        const auto from = filtered.cbegin() + (i - lag);
        const double mean = std::accumulate(from, from + lag, 0.0) / lag;
        double squares = 0;
        for (auto it = from; it != from + lag; ++it)
            squares += (*it - mean) * (*it - mean);
        const double deviation = std::max(std::sqrt(squares / lag), minimumDeviation);
        found[i] = values[i] >= minimumValue && values[i] - mean > threshold * deviation;
        if (found[i])
            filtered[i] = influence * values[i] + (1 - influence) * filtered[i - 1];
    }
    return found;
}
