#include "collect/githubpoller.h"

#include "collect/bronzestore.h"
#include "event/clock.h"
#include "event/eventparser.h"
#include "event/parsedpage.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QStorageInfo>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPoller, "ghm.poller")

namespace {

// Set on a reply aborted because its page grew past maxPageBytes.
constexpr char tooLargeProperty[] = "ghm_too_large";
constexpr qsizetype maxRememberedIds = 20000;
constexpr qint64 secondaryLimitMinimumMs = 60 * 1000;

QString faultKind(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError: return u"timeout"_s;
    case QNetworkReply::RemoteHostClosedError: return u"connection_reset"_s;
    default: return u"connection"_s;
    }
}

} // namespace

QString PollerSnapshot::stateName(State state)
{
    switch (state) {
    case State::Idle: return u"idle"_s;
    case State::Polling: return u"polling"_s;
    case State::UpToDate: return u"up_to_date"_s;
    case State::RateLimited: return u"rate_limited"_s;
    case State::BackingOff: return u"backing_off"_s;
    case State::BadToken: return u"bad_token"_s;
    case State::Offline: return u"offline"_s;
    case State::StorageError: return u"storage_error"_s;
    }
    return {};
}

GitHubPoller::GitHubPoller(const PollerOptions &options, BronzeStore *bronze, Clock *clock,
                           RateBudget *budget, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_bronze(bronze)
    , m_clock(clock)
    , m_budget(budget ? budget : &m_ownBudget)
    , m_network(new QNetworkAccessManager(this))
    , m_parser(std::make_unique<EventParser>())
{
    m_budget->join(m_options.budgetSource);
    m_budget->setFixedShare(m_options.budgetSource, m_options.captureBudgetPercent);
}

GitHubPoller::~GitHubPoller()
{
    m_budget->leave(m_options.budgetSource);
}

void GitHubPoller::start()
{
    stop();
    // After a restart, the last pages stored are the poll before: a first poll that does
    // not reach them missed events, and says so.
    if (m_seenIds.isEmpty())
        m_seenIds = m_bronze->recentEventIds(m_options.bronzeFolder, m_options.maxPages);
    startCycle();
}

void GitHubPoller::pollNow()
{
    if (m_reply)
        return; // a poll is under way
    m_consecutiveFailures = 0;
    start();
}

void GitHubPoller::stop()
{
    ++m_generation;
    m_resumeUrl.clear();
    if (m_reply) {
        QNetworkReply *reply = std::exchange(m_reply, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

void GitHubPoller::reconfigure(const QString &token, int intervalSeconds, int maxPages,
                               int captureBudgetPercent)
{
    m_options.token = token;
    m_options.intervalSeconds = intervalSeconds;
    m_options.maxPages = maxPages;
    m_options.captureBudgetPercent = captureBudgetPercent;
    m_budget->setFixedShare(m_options.budgetSource, captureBudgetPercent);
    m_consecutiveFailures = 0;
    start();
}

void GitHubPoller::startCycle()
{
    const RateLimitInfo &rate = m_budget->info();
    if (rate.isKnown() && rate.remaining == 0 && rate.reset > m_clock->now()) {
        scheduleCycle(m_clock->now().msecsTo(rate.reset) + 1000,
                      PollerSnapshot::State::RateLimited);
        return;
    }
    m_snapshot.state = PollerSnapshot::State::Polling;
    if (m_resumeUrl.isValid()) {
        publish();
        request(std::exchange(m_resumeUrl, {}));
        return;
    }
    m_page = 1;
    m_cycleIds.clear();
    m_cycleEtag.clear();
    QUrl url = m_options.apiUrl;
    url.setPath(url.path() + m_options.path);
    url.setQuery(u"per_page=100"_s);
    publish();
    request(url);
}

void GitHubPoller::request(const QUrl &url)
{
    // A page that could not be stored would be fetched for nothing, and lost.
    const QStorageInfo storage(m_bronze->root());
    if (storage.isValid() && storage.bytesAvailable() < m_options.minimumFreeBytes) {
        fail(u"storage"_s,
             u"disk full: %1 MiB free where bronze is kept (%2), %3 MiB needed; nothing was "
             "fetched"_s.arg(storage.bytesAvailable() / (1024 * 1024))
                 .arg(m_bronze->root())
                 .arg(m_options.minimumFreeBytes / (1024 * 1024)),
             PollerSnapshot::State::StorageError);
        return;
    }
    QNetworkRequest request
        = GitHubProtocol::request(url, m_options.apiUrl, m_options.token, m_options.timeoutMs);
    if (m_page == 1 && !m_etag.isEmpty())
        request.setRawHeader("If-None-Match", m_etag);

    ++m_snapshot.requests;
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::downloadProgress, this,
            [this, reply = m_reply](qint64 received, qint64 total) {
                if (std::max(received, total) > m_options.maxPageBytes
                    && !reply->property(tooLargeProperty).toBool()) {
                    reply->setProperty(tooLargeProperty, true);
                    reply->abort();
                }
            });
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply] {
        if (reply != m_reply)
            return;
        m_reply = nullptr;
        reply->deleteLater();
        handleReply(reply);
    });
}

void GitHubPoller::handleReply(QNetworkReply *reply)
{
    if (reply->property(tooLargeProperty).toBool()) {
        fail(u"too_large"_s,
             u"page %1 is over %2 MiB: refused while it downloaded"_s.arg(m_page).arg(
                 m_options.maxPageBytes / (1024 * 1024)),
             PollerSnapshot::State::BackingOff);
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        fail(faultKind(reply->error()), reply->errorString(), PollerSnapshot::State::Offline);
        return;
    }
    m_budget->update(GitHubProtocol::rateLimit(*reply));
    m_budget->spend(m_options.budgetSource, status == 304);
    m_snapshot.rateLimit = m_budget->info();
    m_snapshot.budgetSpent = m_budget->spent();
    m_snapshot.budgetPlan = m_budget->plan();
    bool ok = false;
    const int pollInterval = reply->rawHeader("X-Poll-Interval").toInt(&ok);
    if (ok && pollInterval > 0)
        m_serverPollIntervalMs = qint64(pollInterval) * 1000;

    if (status == 304 && m_page == 1) {
        ++m_snapshot.notModified;
        finishCycle();
    } else if (status == 200) {
        handlePage(reply, reply->readAll());
    } else if (status == 401) {
        ++m_snapshot.faults[u"unauthorized"_s];
        m_snapshot.lastError = u"GitHub refused the token (401 Bad credentials)"_s;
        m_snapshot.lastErrorAt = m_clock->now();
        m_snapshot.state = PollerSnapshot::State::BadToken;
        m_snapshot.nextPoll = {};
        qCWarning(lcPoller) << "GitHub refused the token; polling stops until it is changed";
        publish();
    } else if (status == 403 || status == 429) {
        waitForRateLimit(reply);
    } else {
        fail(u"http_%1"_s.arg(status >= 500 ? u"5xx"_s : QString::number(status)),
             u"HTTP %1 from %2"_s.arg(QString::number(status), reply->url().path()),
             PollerSnapshot::State::BackingOff);
    }
}

void GitHubPoller::handlePage(QNetworkReply *reply, const QByteArray &body)
{
    PageLineage lineage {reply->url(),         200,           m_page, reply->rawHeader("ETag"),
                         m_snapshot.rateLimit, m_clock->now()};
    auto page = std::make_shared<ParsedPage>(body.size());
    QByteArray parseError;
    QByteArray padded = body;
    padded.reserve(body.size() + EventParser::padding);
    if (!m_parser->parsePage(padded.constData(), padded.size(), *page, &parseError)) {
        m_bronze->storeRejected(body, lineage, QString::fromUtf8(parseError));
        fail(u"bad_body"_s,
             u"page %1 is not a JSON array of events: %2"_s.arg(QString::number(m_page),
                                                                QString::fromUtf8(parseError)),
             PollerSnapshot::State::BackingOff);
        return;
    }
    const QList<qint64> ids = page->ids();
    const bool caughtUp = std::any_of(ids.cbegin(), ids.cend(),
                                      [this](qint64 id) { return m_seenIds.contains(id); });
    const QUrl next = GitHubProtocol::nextPage(*reply, m_options.apiUrl);
    const bool endsCycle = caughtUp || !next.isValid() || m_page >= m_options.maxPages;
    // The feed moved further than the pages read: events were certainly missed. Said in the
    // page's lineage, so that the gap is measured from bronze.
    lineage.missedBefore = endsCycle && !caughtUp && !m_seenIds.isEmpty();
    QString storeError;
    const QString path = m_bronze->storePage(body, lineage, m_options.bronzeFolder, &storeError);
    if (path.isEmpty()) {
        fail(u"storage"_s, storeError, PollerSnapshot::State::StorageError);
        return;
    }
    ++m_snapshot.pages;
    emit pageStored(path, page);

    for (qint64 id : ids) {
        if (!m_seenIds.contains(id))
            m_cycleIds.insert(id);
    }
    if (m_page == 1)
        m_cycleEtag = lineage.etag;

    if (endsCycle) {
        if (lineage.missedBefore) {
            ++m_snapshot.pollsWithoutOverlap;
            qCInfo(lcPoller).noquote()
                << m_options.path << ": no overlap with the previous poll, events were missed";
        }
        finishCycle();
        return;
    }
    if (m_budget->info().isKnown() && m_budget->info().remaining == 0) {
        // Out of budget mid-cycle: continue with the next page after the reset.
        m_resumeUrl = next;
        ++m_page;
        scheduleCycle(m_clock->now().msecsTo(m_budget->info().reset) + 1000,
                      PollerSnapshot::State::RateLimited);
        return;
    }
    ++m_page;
    publish();
    request(next);
}

void GitHubPoller::finishCycle()
{
    if (!m_cycleEtag.isEmpty())
        m_etag = m_cycleEtag;
    m_snapshot.eventsSeen += m_cycleIds.size();
    qCInfo(lcPoller).noquote() << u"%1: %2 new events in %3 page(s), %4 seen in all"_s.arg(
        m_options.path, QString::number(m_cycleIds.size()), QString::number(m_page),
        QString::number(m_snapshot.eventsSeen));
    m_seenIds.unite(m_cycleIds);
    if (m_seenIds.size() > maxRememberedIds) {
        QList<qint64> ids(m_seenIds.cbegin(), m_seenIds.cend());
        std::sort(ids.begin(), ids.end());
        m_seenIds = QSet<qint64>(ids.cend() - maxRememberedIds / 2, ids.cend());
    }
    m_consecutiveFailures = 0;
    m_snapshot.lastSuccess = m_clock->now();
    m_budget->pollEnded(m_options.budgetSource);
    scheduleCycle(pacedDelayMs(), PollerSnapshot::State::UpToDate);
}

void GitHubPoller::fail(const QString &kind, const QString &message, PollerSnapshot::State state)
{
    ++m_snapshot.faults[kind];
    m_snapshot.lastError = message;
    m_snapshot.lastErrorAt = m_clock->now();
    qCWarning(lcPoller).noquote() << "poll failed:" << kind << "-" << message;
    scheduleCycle(state == PollerSnapshot::State::StorageError ? m_options.storageRetryMs
                                                               : backoffMs(),
                  state);
}

void GitHubPoller::waitForRateLimit(QNetworkReply *reply)
{
    const QDateTime now = m_clock->now();
    const qint64 retryAfter
        = GitHubProtocol::retryAfterSeconds(reply->rawHeader("Retry-After"), now);
    const RateLimitInfo &rate = m_budget->info();
    qint64 delayMs;
    if (retryAfter >= 0)
        delayMs = retryAfter * 1000;
    else if (rate.isKnown() && rate.remaining == 0)
        delayMs = now.msecsTo(rate.reset) + 1000;
    else
        delayMs = std::max(secondaryLimitMinimumMs, backoffMs());
    ++m_snapshot.faults[u"rate_limited"_s];
    m_snapshot.lastError = u"rate-limited (HTTP %1)"_s.arg(
        reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
    m_snapshot.lastErrorAt = now;
    scheduleCycle(std::max<qint64>(delayMs, 1000), PollerSnapshot::State::RateLimited);
}

void GitHubPoller::scheduleCycle(qint64 delayMs, PollerSnapshot::State state)
{
    m_snapshot.state = state;
    m_snapshot.nextPoll = m_clock->now().addMSecs(delayMs);
    publish();
    m_clock->callAfter(delayMs, this, [this, generation = m_generation] {
        if (generation == m_generation)
            startCycle();
    });
}

// The larger of our interval, the server's X-Poll-Interval and the pace the budget's plan
// allows this source. With a capture budget, the pace that spends that share of the hourly
// limit replaces the first two.
qint64 GitHubPoller::pacedDelayMs() const
{
    const RateLimitInfo &rate = m_budget->info();
    qint64 delay = std::max(qint64(m_options.intervalSeconds) * 1000, m_serverPollIntervalMs);
    if (m_options.captureBudgetPercent > 0 && rate.isKnown() && rate.limit > 0) {
        const qint64 requestsAnHour = std::max<qint64>(
            qint64(rate.limit) * m_options.captureBudgetPercent / 100, m_options.maxPages);
        delay = std::max<qint64>(3600 * 1000 * m_options.maxPages / requestsAnHour, 1000);
    }
    return std::max(
        delay, m_budget->pollSpacingMs(m_options.budgetSource, m_options.maxPages, m_clock->now()));
}

qint64 GitHubPoller::backoffMs()
{
    const int exponent = std::min(m_consecutiveFailures++, 20);
    const qint64 ceiling = std::min(m_options.backoffBaseMs << exponent, m_options.backoffCapMs);
    // Full jitter over the upper half keeps many clients from retrying in step.
    return ceiling / 2 + QRandomGenerator::global()->bounded(ceiling / 2 + 1);
}

void GitHubPoller::publish()
{
    emit snapshotChanged(m_snapshot);
}
