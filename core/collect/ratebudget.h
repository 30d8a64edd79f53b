#pragma once

#include "collect/githubprotocol.h"

#include <QMap>

// The rate limit shared by every request of one token, all on one thread, and the plan
// that spends it: each source (the public feed, watched repositories and organizations,
// pull-request lists, star history) has a share of the limit, and the shares of sources
// nobody draws on go to the others. The newest rate headers win. 304s are free, as on
// GitHub, so a source whose polls are mostly 304 polls more often within its share.
class RateBudget
{
public:
    using Spending = QMap<QString, qint64>; // requests by source
    using Shares = QMap<QString, double>; // fraction of the limit by source, summing to 1

    // When every source wants more than it gets: "feed" 40 %, "repository" 30 %,
    // "organization" 10 %, "pulls" 15 %, "stars" 5 %.
    static const Shares &defaultShares();

    void update(const RateLimitInfo &info);
    const RateLimitInfo &info() const { return m_info; }

    // A poller or list of `source` starts or stops drawing on the budget.
    void join(const QString &source) { ++m_members[source]; }
    void leave(const QString &source);
    int members(const QString &source) const { return m_members.value(source); }
    // A share of the limit, in percent, fixed by the user (the feed's capture budget), or 0
    // for the default; the other sources share out the rest.
    void setFixedShare(const QString &source, int percent);
    // Each drawing source's share now.
    Shares plan() const;

    // One answered request of `source`; a 304 is free: GitHub does not count it.
    void spend(const QString &source, bool notModified);
    // One poll of `source` ended, whatever it cost: the cost of a poll is measured.
    void pollEnded(const QString &source) { ++m_polls[source]; }
    // The requests each source spent since the rate window began.
    const Spending &spent() const { return m_spent; }
    // Each source's share of what was spent, largest first.
    static QList<std::pair<QString, double>> sharesOf(const Spending &spent);

    // The least time between two polls of one member of `source`, each reading at most
    // `maxPages`, so that its members together spend no more than the source's share of what
    // remains until the reset; 0 until the limit is known.
    qint64 pollSpacingMs(const QString &source, int maxPages, const QDateTime &now) const;
    // How long the next page of a list of `source` must wait, so that the source stays
    // within its share of the hourly limit after a burst of `burstMinutes` of its share;
    // the page's place is taken.
    qint64 reservePage(const QString &source, const QDateTime &now);

    static constexpr int burstMinutes = 10;

private:
    double shareOf(const QString &source) const { return plan().value(source); }

    RateLimitInfo m_info;
    QMap<QString, int> m_members;
    QMap<QString, int> m_fixedPercent;
    Spending m_spent;
    Spending m_reserved; // pages of lists sent, for reservePage
    Spending m_polls;
};
