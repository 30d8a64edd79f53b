#pragma once

#include "collect/ratebudget.h"
#include "event/parsedpage.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <QUrl>

class BronzeStore;
class Clock;
class EventParser;
class QNetworkAccessManager;
class QNetworkReply;

struct PollerOptions
{
    QUrl apiUrl;
    QString path = QStringLiteral("/events"); // or /repos/{owner}/{name}/events
    QString bronzeFolder = QStringLiteral("events"); // or repos/{owner}/{name}
    QString budgetSource = QStringLiteral("feed"); // what RateBudget counts it as
    QString token;
    int intervalSeconds = 60;
    int maxPages = 3;
    // The share of the hourly rate limit this feed may spend, in percent. 0 obeys
    // X-Poll-Interval and intervalSeconds; more polls as often as that share allows: on
    // today's feed, which shares no event between requests, more requests recover more
    // events (GITHUB_2026.md).
    int captureBudgetPercent = 0;
    int timeoutMs = 30000;
    qint64 backoffBaseMs = 1000;
    qint64 backoffCapMs = 10 * 60 * 1000;
    // Storage faults are not GitHub's: they are retried on a short fixed period, so that
    // polling resumes within seconds of space returning.
    qint64 storageRetryMs = 5000;
    qint64 minimumFreeBytes = 64 * 1024 * 1024; // checked before each request
    // A page is refused past this size, while it downloads: GitHub's are under a few MB
    // (100 events), so more is a fault, not data, and must not grow the process.
    qint64 maxPageBytes = 8 * 1024 * 1024;
};

struct PollerSnapshot
{
    enum class State {
        Idle,
        Polling,
        UpToDate,
        RateLimited,
        BackingOff,
        BadToken,
        Offline,
        StorageError
    };

    State state = State::Idle;
    QString lastError;
    QDateTime lastErrorAt;
    QDateTime lastSuccess;
    QDateTime nextPoll;
    RateLimitInfo rateLimit;
    RateBudget::Spending budgetSpent; // by every source of the token, this rate window
    RateBudget::Shares budgetPlan; // each drawing source's share of the limit
    qint64 requests = 0;
    qint64 notModified = 0;
    qint64 pages = 0;
    qint64 eventsSeen = 0;
    // Polls that shared no event with the previous one: the feed moved on by more than the
    // pages read, so events were missed (the live feed is a sample; see GH Archive).
    qint64 pollsWithoutOverlap = 0;
    QMap<QString, qint64> faults; // by kind: timeout, connection, http_5xx, bad_body, ...

    static QString stateName(State state); // stable, for the API: "up_to_date", ...
};

// Polls GET {api}/events politely (ETag/304, Link, X-Poll-Interval, rate limits, back-off)
// and stores every valid page in bronze before announcing it.
class GitHubPoller : public QObject
{
    Q_OBJECT

public:
    // `budget` is shared with other pollers of the same token; null: a budget of its own.
    GitHubPoller(const PollerOptions &options, BronzeStore *bronze, Clock *clock,
                 RateBudget *budget = nullptr, QObject *parent = nullptr);
    ~GitHubPoller() override;

    void start();
    void stop();
    // The user's "Retry now": a poll at once, unless one is under way; back-off restarts.
    void pollNow();
    // New settings from the user: applied at once, with a fresh poll.
    void reconfigure(const QString &token, int intervalSeconds, int maxPages,
                     int captureBudgetPercent = 0);
    PollerSnapshot snapshot() const { return m_snapshot; }
    bool isRequestInFlight() const { return m_reply != nullptr; }

signals:
    void snapshotChanged(const PollerSnapshot &snapshot);
    // `page` is the page as parsed here, so that the ingest thread need not parse it again.
    void pageStored(const QString &path, const ParsedPagePtr &page);

private:
    void startCycle();
    void request(const QUrl &url);
    void handleReply(QNetworkReply *reply);
    void handlePage(QNetworkReply *reply, const QByteArray &body);
    void finishCycle();
    void fail(const QString &kind, const QString &message, PollerSnapshot::State state);
    void waitForRateLimit(QNetworkReply *reply);
    void scheduleCycle(qint64 delayMs, PollerSnapshot::State state);
    qint64 pacedDelayMs() const;
    qint64 backoffMs();
    void publish();

    PollerOptions m_options;
    BronzeStore *m_bronze;
    Clock *m_clock;
    RateBudget m_ownBudget;
    RateBudget *m_budget;
    QNetworkAccessManager *m_network;
    std::unique_ptr<EventParser> m_parser;
    QNetworkReply *m_reply = nullptr;
    PollerSnapshot m_snapshot;
    int m_generation = 0; // invalidates scheduled cycles after stop()

    // Committed only when a whole cycle succeeds, so a failed page 2 is fetched again.
    QByteArray m_etag;
    QSet<qint64> m_seenIds;
    QByteArray m_cycleEtag;
    QSet<qint64> m_cycleIds;
    QUrl m_resumeUrl; // the next page, when the budget ran out mid-cycle
    int m_page = 0;
    int m_consecutiveFailures = 0;
    qint64 m_serverPollIntervalMs = 0;
};
