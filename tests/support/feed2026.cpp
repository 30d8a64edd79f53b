#include "feed2026.h"

#include "gzip.h"
#include "syntheticevents.h"

#include <QRandomGenerator>

#include <cmath>
#include <functional>

namespace {

// A second random stream per event, apart from the one that draws its type and repository.
QRandomGenerator arrivalRandom(qint64 index, quint32 seed)
{
    return QRandomGenerator(~seed ^ quint32(index * 2246822519u) ^ quint32(index >> 32));
}

// "Depending on the time of day, event latency can be anywhere from 30s to 6h" (GitHub's
// REST docs, List public events, 2026), "some over a week" (GITHUB_2026.md): 90 % between
// 30 s and 6 h, 9 % up to a day, 1 % up to a week, log-uniform within each.
qint64 drawLag(QRandomGenerator &random)
{
    const double roll = random.generateDouble();
    const auto logUniform = [&random](double low, double high) {
        return qint64(low * std::pow(high / low, random.generateDouble()));
    };
    if (roll < 0.90)
        return logUniform(30, 6 * 3600);
    if (roll < 0.99)
        return logUniform(6 * 3600, 86400);
    return logUniform(86400, 7 * 86400);
}

// Which position block carries an event, if any. Offsets 1-100 are about 97 % PushEvent,
// the usual mix is at 101-300 (pingcap/ossinsight etl/config/initializers/fetch_event.rb;
// gharchive.org #310); most stars and issues never reach the feed: "a live 500-event
// sample returned zero WatchEvent and zero IssuesEvent", WatchEvents captured fell under
// 20 % of new stars (gharchive.org #320). Half the pushes go to page 1, and 4.4 % of the
// other types: page 1 is then 97 % pushes, as measured.
int drawPage(const char *type, QRandomGenerator &random)
{
    const bool push = qstrcmp(type, "PushEvent") == 0;
    const bool hidden = qstrcmp(type, "WatchEvent") == 0 || qstrcmp(type, "IssuesEvent") == 0;
    if (hidden && random.bounded(10) != 0)
        return 0;
    const double roll = random.generateDouble();
    if (roll < (push ? 0.5 : 0.044))
        return 1;
    return random.bounded(2) == 0 ? 2 : 3;
}

} // namespace

Feed2026::Arrival Feed2026::arrival(qint64 index, double rate, quint32 seed)
{
    QRandomGenerator random = arrivalRandom(index, seed);
    const qint64 arrivedAt = qint64(std::floor(double(index) / rate));
    const qint64 lag = drawLag(random);
    const int page = drawPage(SyntheticEvents::traits(index, seed).type, random);
    return {index, arrivedAt, arrivedAt - lag, page, int(random.bounded(shards))};
}

QList<QByteArray> Feed2026::page(qint64 now, int page, int perPage, double rate, quint32 seed)
{
    const int shard = int(now % shards);
    const qint64 first = qint64(std::ceil(double(now - shards + 1) * rate));
    const qint64 end = qint64(std::ceil(double(now + 1) * rate));
    QList<QByteArray> events;
    for (qint64 index = end - 1; index >= first && events.size() < perPage; --index) {
        const Arrival event = arrival(index, rate, seed);
        if (event.page == page && event.shard == shard)
            events << SyntheticEvents::event(index, event.createdAt, seed, true);
    }
    return events;
}

QByteArray Feed2026::archiveHour(qint64 hourStart, double rate, quint32 seed)
{
    QByteArray lines;
    const qint64 end = qint64(std::ceil(double(hourStart + 3600) * rate));
    for (qint64 index = qint64(std::ceil(double(hourStart) * rate)); index < end; ++index) {
        const Arrival event = arrival(index, rate, seed);
        if (event.page == 1)
            lines += SyntheticEvents::event(index, event.createdAt, seed, true) + '\n';
    }
    return gzipped(lines);
}

namespace {

// The newest events, up to a feed's 300, whose repository's name `matches`.
QList<QByteArray> feedOf(const std::function<bool(const QByteArray &name)> &matches, qint64 now,
                         double rate, quint32 seed)
{
    constexpr int feedSize = 300;
    constexpr qint64 scanned = 200000; // arrivals looked back through, at most
    QList<QByteArray> events;
    const qint64 last = qint64(std::ceil(double(now + 1) * rate)) - 1;
    for (qint64 index = last; index > last - scanned && events.size() < feedSize; --index) {
        const SyntheticEvents::Traits traits = SyntheticEvents::traits(index, seed);
        if (matches(SyntheticEvents::repositoryName(traits.repository)))
            events << SyntheticEvents::event(index, Feed2026::arrival(index, rate, seed).createdAt,
                                             seed, true);
    }
    return events;
}

} // namespace

QList<QByteArray> Feed2026::repositoryEvents(const QByteArray &name, qint64 now, double rate,
                                             quint32 seed)
{
    return feedOf(
        [&name](const QByteArray &repository) {
            return repository.compare(name, Qt::CaseInsensitive) == 0;
        },
        now, rate, seed);
}

QList<QByteArray> Feed2026::organizationEvents(const QByteArray &owner, qint64 now, double rate,
                                               quint32 seed)
{
    const QByteArray prefix = owner.toLower() + '/';
    return feedOf(
        [&prefix](const QByteArray &repository) { return repository.toLower().startsWith(prefix); },
        now, rate, seed);
}
