#pragma once

#include <QList>

// A smoothed z-score (Brakel's "robust peak detection"): a value is a spike when it lies
// more than `threshold` standard deviations above the mean of the `lag` values before it,
// where values already found to be spikes enter that mean only with weight `influence`, so
// that one burst does not hide the next or raise the baseline for weeks. A floor on the
// deviation (`minimumDeviation`) and on the value (`minimumValue`) keeps a quiet series'
// 0 -> 3 from counting.
struct SpikeDetector
{
    int lag = 14;
    double threshold = 3.5;
    double influence = 0.3;
    double minimumDeviation = 1.0;
    double minimumValue = 10;

    // Whether each value is a spike; the first `lag` values never are.
    QList<bool> spikes(const QList<double> &values) const;
};
