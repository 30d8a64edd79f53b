#include "collect/repositorywatcher.h"

#include "collect/watchlist.h"
#include "event/clock.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWatch, "ghm.watch")

namespace {

// A failed history is fetched again soon, then less and less often: 30 s, doubling to
// at most 30 minutes.
constexpr qint64 firstBackfillRetryMs = 30 * 1000;
constexpr qint64 lastBackfillRetryMs = 30 * 60 * 1000;

} // namespace

RepositoryWatcher::RepositoryWatcher(const PollerOptions &pollerOptions,
                                     const PullRequestBackfill::Options &backfillOptions,
                                     Watchlist *watchlist, BronzeStore *bronze, Clock *clock,
                                     RateBudget *budget, QObject *parent)
    : QObject(parent)
    , m_pollerOptions(pollerOptions)
    , m_backfillOptions(backfillOptions)
    , m_watchlist(watchlist)
    , m_bronze(bronze)
    , m_clock(clock)
    , m_budget(budget)
{
    connect(watchlist, &Watchlist::changed, this, &RepositoryWatcher::reconcile);
}

void RepositoryWatcher::reconcile()
{
    const QStringList names = m_watchlist->expanded();
    QSet<QString> wanted;
    int started = 0;
    for (const QString &name : names) {
        const QString key = name.toLower();
        wanted.insert(key);
        if (m_pollers.contains(key))
            continue;
        const bool organization = Watchlist::isOrganization(name);
        PollerOptions options = m_pollerOptions;
        options.path
            = organization ? "/orgs/"_L1 + name + "/events"_L1 : "/repos/"_L1 + name + "/events"_L1;
        options.bronzeFolder = (organization ? "orgs/"_L1 : "repos/"_L1) + name;
        options.budgetSource = organization ? u"organization"_s : u"repository"_s;
        auto *poller = new GitHubPoller(options, m_bronze, m_clock, m_budget, this);
        connect(poller, &GitHubPoller::pageStored, this, &RepositoryWatcher::pageStored);
        m_pollers.insert(key, poller);
        // Many added at once start a second apart, not in one burst.
        m_clock->callAfter(qint64(started++) * 1000, poller, [poller] { poller->start(); });
        if (organization) {
            startListing(name);
            continue;
        }
        startBackfill(name);
        startStars(name);
    }
    for (const QString &key : m_pollers.keys()) {
        if (!wanted.contains(key))
            forget(key);
    }
}

void RepositoryWatcher::forget(const QString &key)
{
    m_pollers.take(key)->deleteLater();
    for (QObject *fetch : {static_cast<QObject *>(m_stars.take(key)),
                           static_cast<QObject *>(m_listings.take(key))}) {
        if (fetch) {
            m_failures.remove(fetch);
            fetch->deleteLater();
        }
    }
    if (PullRequestBackfill *backfill = m_backfills.take(key)) {
        m_backfillQueue.removeAll(backfill);
        m_backfillFailures.remove(backfill);
        backfill->deleteLater();
        backfillDone(backfill);
    }
}

// Histories are fetched one repository at a time, so that however many are added at once
// they take one consumer's share of the rate limit, and the public feed keeps its pace.
void RepositoryWatcher::startBackfill(const QString &repository)
{
    auto *backfill
        = new PullRequestBackfill(m_backfillOptions, repository, m_bronze, m_clock, m_budget, this);
    m_backfills.insert(repository.toLower(), backfill);
    connect(backfill, &PullRequestBackfill::pageStored, this,
            [this](const QString &path) { emit pageStored(path, {}); });
    connect(backfill, &PullRequestBackfill::finished, this,
            [this, backfill](const QString &name, int count, bool refresh) {
                const QString time = m_clock->now().toString(u"HH:mm"_s);
                m_watchlist->setStatus(
                    name,
                    refresh ? tr("history: current at %1 UTC (%2 updated)").arg(time).arg(count)
                            : tr("history: %1 pull requests").arg(count));
                m_backfillFailures.remove(backfill);
                backfillDone(backfill);
                m_clock->callAfter(qint64(backfill->options().refreshMinutes) * 60 * 1000, backfill,
                                   [this, backfill] { queueBackfill(backfill); });
            });
    connect(
        backfill, &PullRequestBackfill::failed, this,
        [this, backfill](const QString &name, const QString &message) {
            const int failures = ++m_backfillFailures[backfill];
            const qint64 delayMs
                = std::min(firstBackfillRetryMs << std::min(failures - 1, 10), lastBackfillRetryMs);
            qCWarning(lcWatch).noquote()
                << "pull-request history of" << name << "failed:" << message << "- retrying in"
                << delayMs / 1000 << "s";
            m_watchlist->setStatus(
                name, tr("error: %1 (retrying in %2 s)").arg(message).arg(delayMs / 1000));
            backfillDone(backfill);
            m_clock->callAfter(delayMs, backfill, [this, backfill] { queueBackfill(backfill); });
        });
    m_watchlist->setStatus(repository, tr("waiting to fetch pull-request history"));
    queueBackfill(backfill);
}

// Stars are a page or two a day: fetched beside the histories, not queued behind them.
void RepositoryWatcher::startStars(const QString &repository)
{
    if (m_starOptions.apiUrl.isEmpty())
        m_starOptions.apiUrl = m_backfillOptions.apiUrl;
    m_starOptions.token = m_backfillOptions.token;
    auto *stars
        = new StarHistoryFetch(m_starOptions, repository, m_bronze, m_clock, m_budget, this);
    m_stars.insert(repository.toLower(), stars);
    connect(stars, &StarHistoryFetch::pageStored, this,
            [this](const QString &path) { emit pageStored(path, {}); });
    const auto restart = [stars] { stars->start(); };
    connect(stars, &StarHistoryFetch::finished, this,
            [this, stars, restart] { retryLater(stars, {}, {}, {}, restart); });
    connect(stars, &StarHistoryFetch::failed, this,
            [this, stars, restart](const QString &name, const QString &message) {
                retryLater(stars, u"star history"_s, name, message, restart);
            });
    stars->start();
}

// An organization's repositories, listed now and every day, up to the watch list's maximum.
void RepositoryWatcher::startListing(const QString &organization)
{
    auto *listing = new OrganizationRepositories(
        {m_backfillOptions.apiUrl, m_backfillOptions.token, m_backfillOptions.timeoutMs},
        organization, m_bronze, m_clock, m_budget, this);
    m_listings.insert(organization.toLower(), listing);
    const auto restart = [this, listing] { listing->start(m_watchlist->maximum()); };
    connect(listing, &OrganizationRepositories::listed, this,
            [this, listing, restart](const QString &name, const QStringList &repositories) {
                const QString time = m_clock->now().toString(u"HH:mm"_s);
                m_watchlist->setStatus(name,
                                       repositories.size() == 1
                                           ? tr("1 public repository listed at %1 UTC").arg(time)
                                           : tr("%1 public repositories listed at %2 UTC")
                                                 .arg(repositories.size())
                                                 .arg(time));
                m_watchlist->setListed(name, repositories);
                retryLater(listing, {}, {}, {}, restart);
            });
    connect(listing, &OrganizationRepositories::failed, this,
            [this, listing, restart](const QString &name, const QString &message) {
                m_watchlist->setStatus(name, tr("error listing repositories: %1").arg(message));
                retryLater(listing, u"repository list"_s, name, message, restart);
            });
    restart();
}

// After a success (`what` empty), the next run a day on; after a failure, 30 s, doubling
// to at most 30 minutes.
void RepositoryWatcher::retryLater(QObject *fetch, const QString &what, const QString &name,
                                   const QString &message, const std::function<void()> &restart)
{
    qint64 delayMs = qint64(m_starOptions.refreshHours) * 3600 * 1000;
    if (what.isEmpty()) {
        m_failures.remove(fetch);
    } else {
        const int failures = ++m_failures[fetch];
        delayMs = std::min(firstBackfillRetryMs << std::min(failures - 1, 10), lastBackfillRetryMs);
        qCWarning(lcWatch).noquote() << what << "of" << name << "failed:" << message
                                     << "- retrying in" << delayMs / 1000 << "s";
    }
    m_clock->callAfter(delayMs, fetch, restart);
}

void RepositoryWatcher::queueBackfill(PullRequestBackfill *backfill)
{
    m_backfillQueue.append(backfill);
    startNextBackfill();
}

void RepositoryWatcher::backfillDone(PullRequestBackfill *backfill)
{
    if (m_runningBackfill == backfill)
        m_runningBackfill = nullptr;
    startNextBackfill();
}

void RepositoryWatcher::startNextBackfill()
{
    while (!m_runningBackfill && !m_backfillQueue.isEmpty()) {
        PullRequestBackfill *next = m_backfillQueue.takeFirst();
        if (!next) // the repository was removed while it waited
            continue;
        m_runningBackfill = next;
        m_watchlist->setStatus(next->repository(), tr("fetching pull-request history"));
        next->start();
    }
}

void RepositoryWatcher::reconfigure(const QString &token, int intervalSeconds, int maxPages)
{
    m_pollerOptions.token = m_backfillOptions.token = m_starOptions.token = token;
    m_pollerOptions.intervalSeconds = intervalSeconds;
    m_pollerOptions.maxPages = maxPages;
    for (GitHubPoller *poller : std::as_const(m_pollers))
        poller->reconfigure(token, intervalSeconds, maxPages);
    // The lists under way, and those waiting for their next run, use the new token too.
    for (PullRequestBackfill *backfill : std::as_const(m_backfills))
        backfill->setToken(token);
    for (StarHistoryFetch *stars : std::as_const(m_stars))
        stars->setToken(token);
    for (OrganizationRepositories *listing : std::as_const(m_listings))
        listing->setToken(token);
}

void RepositoryWatcher::stop()
{
    for (GitHubPoller *poller : std::as_const(m_pollers))
        poller->stop();
}
