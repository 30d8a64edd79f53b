#pragma once

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QUrl>

class Clock;
class QTcpServer;
class QTcpSocket;

// A stand-in for api.github.com's public events feed, on 127.0.0.1. It speaks the real
// protocol (newest first, at most 300 events, per_page <= 100, Link, ETag/304,
// X-Poll-Interval, a counted rate-limit budget, 422 past the end) and injects faults.
class FakeGitHub : public QObject
{
    Q_OBJECT

public:
    enum class Fault {
        None,
        ServerError,
        RateLimited,
        RetryAfter,
        Truncated,
        Slow,
        Reset,
        Unauthorized
    };

    struct Request
    {
        QByteArray method;
        QByteArray target;
        QHash<QByteArray, QByteArray> headers; // lower-case names
    };

    explicit FakeGitHub(Clock *clock, QObject *parent = nullptr);
    ~FakeGitHub() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl url() const;

    // Serves the recorded octokit.rb 2016 pages 1-3 with their recorded headers.
    bool loadRecordedPages(const QString &fixturesDir, QString *error);
    // A moving feed: `eventsPerSecond` synthetic events released from now on.
    void setSyntheticFeed(double eventsPerSecond, quint32 seed = 1);
    // Which GitHub the synthetic feed is. 2024: one ordered window of 300 events that
    // moves, so polls overlap; the full mix at every position; full payloads; GH Archive
    // hours filed by created_at. 2026 (GITHUB_2026.md, modelled in Feed2026): partitioned
    // by position, no overlap between requests, events 30 s to days late, trimmed
    // payloads, most stars and issues missing; GH Archive filed by crawl hour.
    enum class Era { Y2024, Y2026 };
    // Also POST /_control/era?year=2024 or 2026, on a running stand-in.
    void setEra(Era era) { m_era = era; }
    // A moving feed that replays these events (JSON objects, oldest first), then stops.
    void setReplayFeed(const QList<QByteArray> &events, double eventsPerSecond);
    // Stops releasing new events: the feed stays as it is (also POST /_control/pause).
    void pause();
    // Releases events again, those created meanwhile first (also POST /_control/resume).
    void resume() { m_paused = false; }

    // A repository the stand-in knows: /repos/{name}/events and /repos/{name}/pulls answer
    // for it (others get 404), and /orgs/{owner}/events and /orgs/{owner}/repos with its
    // owner's other ones. Its
    // `pullRequests` are created evenly over `spanDays` before now, about two thirds merged a few
    // hours later.
    struct PullRequest
    {
        int number = 0;
        qint64 createdAt = 0;
        qint64 closedAt = -1;
        qint64 mergedAt = -1;
        QString author;
        qint64 updatedAt() const { return std::max({createdAt, closedAt, mergedAt}); }
    };
    void addRepository(const QString &name, int pullRequests, int spanDays, quint32 seed = 3);
    // Changes to a known repository's pull requests, dated now: /pulls?sort=updated lists
    // them first. Returns the new pull request's number.
    int openPullRequest(const QString &name, const QString &author);
    void mergePullRequest(const QString &name, int number);
    // /orgs/{owner}/repos lists it as archived.
    void archiveRepository(const QString &name) { m_archived.insert(name.toLower()); }
    QList<PullRequest> pullRequests(const QString &name) const
    {
        return m_pulls.value(name.toLower());
    }

    // A known repository's stars, scripted: those still present, by the UTC day they were
    // given, from `starHistoryDays` before now. GET /repos/{o}/{r} answers their sum as
    // `stargazers_count`, and /stargazers/history answers them as GitHub does since
    // 2026-09-04: weeks newest first, each {"week", "total", "days": [Sunday..Saturday]},
    // at most 30 weeks a page and 100 pages. They are the reference of the star tests.
    static constexpr int starHistoryDays = 400;
    int starsOn(const QString &name, const QDate &day) const;
    // A day's stars set by the script, in place of the drawn ones.
    void setStarsOn(const QString &name, const QDate &day, int stars)
    {
        m_scriptedStars.insert({name.toLower(), day}, stars);
    }
    // Without the bursts now and then: every repository's stars are a steady series.
    void setSteadyStars(bool steady) { m_steadyStars = steady; }
    int starCount(const QString &name) const;

    // GH Archive: /YYYY-MM-DD-H.json.gz answers with these bytes (Range honoured), and 404
    // for an hour not set yet.
    enum class ArchiveFault {
        None,
        Cut, // the connection closes halfway through the body
        Truncated, // a complete 200 of the first half of the file
        Trickle, // the file's length announced, then a byte every 100 ms
        Endless // no length, and 1 MiB after 1 MiB for as long as it is read
    };
    void setArchiveHour(const QDateTime &hour, const QByteArray &gzip)
    {
        m_archive.insert(hour.toSecsSinceEpoch(), gzip);
    }
    void queueArchiveFault(ArchiveFault fault) { m_archiveFaults.append(fault); }
    // Every hour that has ended is served from the synthetic feed, extended into the past
    // at its rate: the events the feed released in that hour are in its archive, as on
    // GitHub. Needs setSyntheticFeed().
    void setSyntheticArchive(bool on) { m_syntheticArchive = on; }

    void setPollInterval(int seconds) { m_pollInterval = seconds; }
    void setRateLimit(int limit, int windowSeconds);
    void setRequiredToken(const QByteArray &token) { m_requiredToken = token; }
    void setSlowDelayMs(int ms) { m_slowDelayMs = ms; }
    // Link headers point at `base` instead of this server (another origin, as an attacker's).
    void setLinkBase(const QUrl &base) { m_linkBase = base; }
    // Every /events request is answered with a 302 to `target`.
    void setRedirect(const QUrl &target) { m_redirect = target; }
    void queueFault(Fault fault) { m_queuedFaults.append(fault); }
    void setFaultEvery(Fault fault, int n) { m_faultEvery.insert(fault, n); }
    void setFaultProbability(Fault fault, double probability, quint32 seed = 7);
    // Appends the id of every event served in a complete 200 body, one per line, and a
    // line "body <sha1>" for each such body.
    void setServedLog(const QString &path) { m_servedLogPath = path; }

    int requestCount() const { return m_requests.size(); }
    const QList<Request> &requests() const { return m_requests; }
    int refusedCount() const { return m_refused; }
    QSet<qint64> servedIds() const { return m_servedIds; }

signals:
    void responded(const QByteArray &target, int status);

private:
    struct Page
    {
        QByteArray body;
        QByteArray etag;
        int lastPage = 1;
    };

    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const Request &request);
    void control(QTcpSocket *socket, const Request &request, const QUrl &url);
    void respondEvents(QTcpSocket *socket, const QUrl &url, const Request &request, Fault fault);
    void respondArchive(QTcpSocket *socket, const QString &name, const Request &request);
    // Trickle and Endless: the body keeps coming on a timer until the client leaves.
    void stream(QTcpSocket *socket, const Request &request, ArchiveFault fault,
                const QByteArray &body);
    QList<QByteArray> repositoryEvents(const QString &repository);
    // /orgs/{owner}/events answers for an owner of a known repository (addRepository).
    bool isOrganization(const QString &owner) const;
    QList<QByteArray> organizationEvents(const QString &owner);
    QList<QByteArray> organizationRepositories(const QString &owner) const;
    QList<QByteArray> pullRequestObjects(const QString &repository, bool byUpdate) const;
    QByteArray repositoryObject(const QString &repository) const;
    QList<QByteArray> starWeeks(const QString &repository) const;
    void send(QTcpSocket *socket, const Request &request, int status, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers);
    Fault nextFault(bool isPage);
    std::optional<Page> page(int number, int perPage);
    std::optional<Page> page2026(int number, int perPage) const;
    static std::optional<Page> listPage(const QList<QByteArray> &items, int number, int perPage);
    QByteArray linkHeader(const QString &path, int page, int lastPage, int perPage) const;
    QList<QPair<QByteArray, QByteArray>> rateHeaders();
    void releaseSyntheticEvents();
    qint64 syntheticIndexAt(qint64 msecsSinceEpoch) const; // the first event at or after
    QByteArray syntheticHour(qint64 hourStart) const;
    void recordServed(const QByteArray &body);

    Clock *m_clock;
    QTcpServer *m_server;
    QList<Request> m_requests;
    int m_pageRequests = 0;

    QList<QByteArray> m_recordedBodies; // page 1..n
    QList<QByteArray> m_recordedEtags;
    QList<QByteArray> m_synthetic; // newest last
    double m_rate = 0;
    qint64 m_released = 0;
    QDateTime m_feedStart;
    quint32 m_seed = 1;
    QList<QByteArray> m_replay;
    QHash<QString, QList<PullRequest>> m_pulls; // by lower-case name, newest first
    QHash<QString, QString> m_repositoryNames; // lower-case -> as created
    QSet<QString> m_archived; // lower-case
    QMap<std::pair<QString, QDate>, int> m_scriptedStars;
    bool m_steadyStars = false;
    bool m_paused = false;
    QDateTime m_pausedAt; // the 2026 feed stays as it was then
    Era m_era = Era::Y2024;

    int m_pollInterval = 60;
    int m_limit = 5000;
    int m_remaining = 5000;
    int m_windowSeconds = 3600;
    QDateTime m_reset;
    int m_refused = 0;
    QByteArray m_requiredToken;
    int m_slowDelayMs = 3000;
    QList<Fault> m_queuedFaults;
    QHash<Fault, int> m_faultEvery;
    QHash<Fault, double> m_faultProbability;
    QRandomGenerator m_random;
    QSet<qint64> m_servedIds;
    QString m_servedLogPath;
    QHash<qint64, QByteArray> m_archive; // by the hour's epoch seconds
    QList<ArchiveFault> m_archiveFaults;
    bool m_syntheticArchive = false;
    QUrl m_linkBase;
    QUrl m_redirect;
};
