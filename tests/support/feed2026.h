#pragma once

#include <QByteArray>
#include <QList>

// GitHub's public events as they are in late 2026 (../shared/GITHUB_2026.md), as a function
// of time: the same instant always gives the same answer. Events are numbered by arrival:
// event j reaches the feed at j / rate seconds after the epoch, `lag` after it was created.
namespace Feed2026 {

// The feed is served by this many partitions in turn, one a second; each shows the events
// that reached it in the last `shards` seconds. Requests one second apart therefore share no
// event, two in the same second get the same answer, and a poller recovers a share of the
// events that grows with its requests (OSS Insight's measurement of 2026-09-01).
constexpr int shards = 8;
// The feed holds 300 events: pages 1-3 at per_page=100, page 4 is an error.
constexpr int pages = 3;

struct Arrival
{
    qint64 index;
    qint64 arrivedAt; // epoch seconds
    qint64 createdAt;
    int page; // 1-3: the position block that carries it; 0: never in the global feed
    int shard;
};

Arrival arrival(qint64 index, double rate, quint32 seed);
// The events of `page` a request at `now` is answered with, newest first, at most perPage.
QList<QByteArray> page(qint64 now, int page, int perPage, double rate, quint32 seed);
// GH Archive's file of an hour since 2025-05-24: what its page-1 crawler read in the hour,
// filed by crawl hour.
QByteArray archiveHour(qint64 hourStart, double rate, quint32 seed);
// /repos/{name}/events: the repository's own events, every type, newest first, at most 300.
QList<QByteArray> repositoryEvents(const QByteArray &name, qint64 now, double rate, quint32 seed);
// /orgs/{owner}/events: the events of every repository of the owner, as above.
QList<QByteArray> organizationEvents(const QByteArray &owner, qint64 now, double rate,
                                     quint32 seed);

} // namespace Feed2026
