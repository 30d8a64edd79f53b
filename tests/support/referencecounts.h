#pragma once

#include "query/metricsqueries.h"

#include <algorithm>
#include <map>

// The tests' own computation of a metric: the events with from <= created_at <= to
// counted by `field`, ranked count descending, then key; at most `limit` (all when < 0).
template <typename Events, typename Event>
QList<KeyCount> referenceCounts(const Events &events, qint64 from, qint64 to, QString Event::*field,
                                qsizetype limit = -1)
{
    std::map<QString, qint64> counts;
    for (const Event &event : events) {
        if (event.createdAt >= from && event.createdAt <= to)
            ++counts[event.*field];
    }
    QList<KeyCount> ranked;
    for (const auto &[key, count] : counts)
        ranked.append({key, count});
    std::sort(ranked.begin(), ranked.end(), [](const KeyCount &a, const KeyCount &b) {
        return a.count != b.count ? a.count > b.count : a.key < b.key;
    });
    if (limit >= 0 && ranked.size() > limit)
        ranked.resize(limit);
    return ranked;
}
