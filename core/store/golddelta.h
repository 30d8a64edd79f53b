#pragma once

#include "event/eventparser.h"

#include <QByteArray>
#include <QHash>
#include <QList>

struct BatchResult
{
    qint64 inserted = 0;
    qint64 duplicates = 0;
    qint64 quarantined = 0;
    qint64 firstCreatedAt = -1; // span of the inserted events, -1 when none
    qint64 lastCreatedAt = -1;
};

// What a batch's newly inserted events add to gold, summed in memory so that each gold
// row is written once per batch. Names are interned: the per-event cost is hash lookups.
// Shared by every store dialect, so gold means the same on each.
class GoldDelta
{
public:
    struct Repository
    {
        QByteArray name; // exact spelling: one entry per spelling, folded into a key by SQL
        qint64 events = 0;
        qint64 lastEventAt = 0;
    };
    struct PullRequestOpened
    {
        int repository; // index into repositories()
        qint64 createdAt;
        qint64 eventId;
    };
    // A PullRequestEvent that opens, closes or reopens a pull request: the stores apply it
    // to the history of a repository that has one (a watched repository), so that history
    // is current before the next refresh.
    struct PullRequestChange
    {
        enum Kind { Opened, Closed, Reopened };
        Kind kind;
        int repository; // index into repositories()
        qint64 number;
        qint64 at; // the event's created_at
        bool merged; // Closed: the payload says merged (trimmed payloads do not say)
        QByteArray author; // Opened: the actor
    };
    using MinuteKey = std::pair<qint64, int>; // minute, type or repository index
    using SecondKey = std::pair<qint64, int>; // created_at, type or repository index

    void add(const EventView &event, BatchResult *batch);
    void clear();

    const QList<QByteArray> &types() const { return m_types; }
    const QList<Repository> &repositories() const { return m_repositories; }
    const QHash<SecondKey, qint64> &typeSeconds() const { return m_typeSeconds; }
    const QHash<SecondKey, qint64> &repositorySeconds() const { return m_repositorySeconds; }
    // The same counts by minute.
    QHash<MinuteKey, qint64> typeMinutes() const { return byMinute(m_typeSeconds); }
    QHash<MinuteKey, qint64> repositoryMinutes() const { return byMinute(m_repositorySeconds); }
    const QList<PullRequestOpened> &pullRequestsOpened() const { return m_pullRequestsOpened; }
    const QList<PullRequestChange> &pullRequestChanges() const { return m_pullRequestChanges; }

private:
    void addPullRequestChange(const EventView &event, int repository);
    static QHash<MinuteKey, qint64> byMinute(const QHash<SecondKey, qint64> &seconds);

    QHash<QByteArray, int> m_typeIndex;
    QList<QByteArray> m_types;
    QHash<QByteArray, int> m_repositoryIndex;
    QList<Repository> m_repositories;
    QHash<SecondKey, qint64> m_typeSeconds;
    QHash<SecondKey, qint64> m_repositorySeconds;
    QList<PullRequestOpened> m_pullRequestsOpened;
    QList<PullRequestChange> m_pullRequestChanges;
};
