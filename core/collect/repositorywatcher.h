#pragma once

#include "githubpoller.h"
#include "pullrequestbackfill.h"
#include "starhistoryfetch.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class BronzeStore;
class Clock;
class Watchlist;

// For each watched repository: a poller of /repos/{owner}/{name}/events, a pull-request
// backfill, then its refreshes, and its star history, fetched again every day; for each
// watched organization, a poller of /orgs/{org}/events. Lives in the collector thread
// beside the public poller and shares its rate budget.
class RepositoryWatcher : public QObject
{
    Q_OBJECT

public:
    RepositoryWatcher(const PollerOptions &pollerOptions,
                      const PullRequestBackfill::Options &backfillOptions, Watchlist *watchlist,
                      BronzeStore *bronze, Clock *clock, RateBudget *budget,
                      QObject *parent = nullptr);
    void setStarOptions(const StarHistoryFetch::Options &options) { m_starOptions = options; }

    // Starts and stops pollers to match the watch list.
    void reconcile();
    void stop();
    void reconfigure(const QString &token, int intervalSeconds, int maxPages);

signals:
    // `page`: as the poller parsed it; null for a pull-request page.
    void pageStored(const QString &path, const ParsedPagePtr &page);

private:
    void startBackfill(const QString &repository);
    void queueBackfill(PullRequestBackfill *backfill);
    void backfillDone(PullRequestBackfill *backfill);
    void startNextBackfill();
    void startStars(const QString &repository);

    PollerOptions m_pollerOptions;
    PullRequestBackfill::Options m_backfillOptions;
    Watchlist *m_watchlist;
    BronzeStore *m_bronze;
    Clock *m_clock;
    RateBudget *m_budget;
    QHash<QString, GitHubPoller *> m_pollers; // by lower-case name
    QHash<QString, PullRequestBackfill *> m_backfills;
    QList<QPointer<PullRequestBackfill>> m_backfillQueue; // waiting, oldest first
    QPointer<PullRequestBackfill> m_runningBackfill; // at most one at a time
    QHash<PullRequestBackfill *, int> m_backfillFailures; // in a row, for the back-off
    StarHistoryFetch::Options m_starOptions;
    QHash<QString, StarHistoryFetch *> m_stars; // by lower-case name
    QHash<StarHistoryFetch *, int> m_starFailures; // in a row, for the back-off
};
