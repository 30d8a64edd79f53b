#pragma once

#include "collect/githubpoller.h"
#include "collect/organizationrepositories.h"
#include "collect/pullrequestbackfill.h"
#include "collect/starhistoryfetch.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class BronzeStore;
class Clock;
class Watchlist;

// For each watched repository: a poller of /repos/{owner}/{name}/events, a pull-request
// backfill, then its refreshes, and its star history, fetched again every day; for each
// watched organization, a poller of /orgs/{org}/events and the list of its repositories,
// read every day, which are watched as the entries are within the watch list's maximum.
// Lives in the collector thread beside the public poller and shares its rate budget.
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
    void forget(const QString &key);
    void startBackfill(const QString &repository);
    void queueBackfill(PullRequestBackfill *backfill);
    void backfillDone(PullRequestBackfill *backfill);
    void startNextBackfill();
    void startStars(const QString &repository);
    void startListing(const QString &organization);
    // Runs `fetch` again after its refresh, or after a failure, sooner then less often.
    void retryLater(QObject *fetch, const QString &what, const QString &name,
                    const QString &message, const std::function<void()> &restart);

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
    QHash<QObject *, int> m_failures; // in a row, for the back-off of stars and listings
    QHash<QString, OrganizationRepositories *> m_listings; // by lower-case organization
};
