#include "fakegithub.h"

#include "event/clock.h"
#include "feed2026.h"
#include "gzip.h"
#include "syntheticevents.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr int feedSize = 300;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 502: return "Bad Gateway";
    default: return "Status";
    }
}

QByteArray weakEtag(const QByteArray &body)
{
    return "W/\"" + QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex() + '"';
}

} // namespace

FakeGitHub::FakeGitHub(Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_server(new QTcpServer(this))
{
    m_reset = m_clock->now().addSecs(m_windowSeconds);
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

FakeGitHub::~FakeGitHub() = default;

bool FakeGitHub::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

QUrl FakeGitHub::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->serverPort()));
}

bool FakeGitHub::loadRecordedPages(const QString &fixturesDir, QString *error)
{
    QFile headersFile(fixturesDir + "/recorded_events_response_headers.json"_L1);
    if (!headersFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1"_s.arg(headersFile.fileName());
        return false;
    }
    const QJsonObject recorded = QJsonDocument::fromJson(headersFile.readAll()).object();
    for (int page = 1; page <= 3; ++page) {
        QFile file(u"%1/octokit.rb_2016-09-29_events_page%2.json"_s.arg(fixturesDir).arg(page));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1"_s.arg(file.fileName());
            return false;
        }
        const QJsonObject headers = recorded.value(u"octokit.rb 2016 page%1"_s.arg(page))
                                        .toObject()
                                        .value("headers"_L1)
                                        .toObject();
        m_recordedBodies << file.readAll();
        m_recordedEtags << headers.value("Etag"_L1).toString().toLatin1();
    }
    return true;
}

void FakeGitHub::setSyntheticFeed(double eventsPerSecond, quint32 seed)
{
    m_rate = eventsPerSecond;
    m_seed = seed;
    m_feedStart = m_clock->now();
    m_released = 0;
}

// The synthetic feed is a function of time, as GitHub's is: its event k is created at
// k / rate seconds after the epoch, with id SyntheticEvents::idFor(k). A stand-in started
// again, or an archive hour served later, tells of the same events.
qint64 FakeGitHub::syntheticIndexAt(qint64 msecsSinceEpoch) const
{
    return qint64(std::ceil(double(msecsSinceEpoch) / 1000.0 * m_rate));
}

void FakeGitHub::setReplayFeed(const QList<QByteArray> &events, double eventsPerSecond)
{
    m_replay = events;
    setSyntheticFeed(eventsPerSecond);
}

void FakeGitHub::addRepository(const QString &name, int pullRequests, int spanDays, quint32 seed)
{
    QRandomGenerator random(seed);
    const qint64 now = m_clock->now().toSecsSinceEpoch();
    const qint64 step = qint64(spanDays) * 86400 / std::max(pullRequests, 1);
    QList<PullRequest> list;
    for (int number = pullRequests; number >= 1; --number) {
        PullRequest pr;
        pr.number = number;
        pr.createdAt = now - qint64(pullRequests - number) * step
            - random.bounded(int(std::max<qint64>(step / 2, 1)));
        pr.author = u"dev-%1"_s.arg(random.bounded(50));
        const int fate = random.bounded(3);
        if (fate < 2 && number < pullRequests) {
            pr.closedAt = pr.createdAt + 600 + random.bounded(72 * 3600);
            if (fate == 0 || random.bounded(4) > 0)
                pr.mergedAt = pr.closedAt;
            if (pr.closedAt > now) // not yet: still open
                pr.closedAt = pr.mergedAt = -1;
        }
        list.append(pr);
    }
    m_pulls.insert(name.toLower(), list);
    m_repositoryNames.insert(name.toLower(), name);
}

int FakeGitHub::openPullRequest(const QString &name, const QString &author)
{
    QList<PullRequest> &list = m_pulls[name.toLower()];
    PullRequest pr;
    pr.number = list.isEmpty() ? 1 : list.first().number + 1;
    pr.createdAt = m_clock->now().toSecsSinceEpoch();
    pr.author = author;
    list.prepend(pr);
    return pr.number;
}

void FakeGitHub::mergePullRequest(const QString &name, int number)
{
    for (PullRequest &pr : m_pulls[name.toLower()]) {
        if (pr.number == number)
            pr.closedAt = pr.mergedAt = m_clock->now().toSecsSinceEpoch();
    }
}

void FakeGitHub::setRateLimit(int limit, int windowSeconds)
{
    m_limit = m_remaining = limit;
    m_windowSeconds = windowSeconds;
    m_reset = m_clock->now().addSecs(windowSeconds);
}

void FakeGitHub::setFaultProbability(Fault fault, double probability, quint32 seed)
{
    m_faultProbability.insert(fault, probability);
    m_random.seed(seed);
}

void FakeGitHub::onReadyRead(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        socket->setProperty("buffer", buffer);
        return;
    }
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Request request {requestLine.value(0), requestLine.value(1), {}};
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
    }
    socket->setProperty("buffer", QByteArray());
    m_requests.append(request);
    respond(socket, request);
}

void FakeGitHub::pause()
{
    releaseSyntheticEvents();
    m_paused = true;
    m_pausedAt = m_clock->now();
}

// A test's script for a stand-in running as a process of its own.
void FakeGitHub::control(QTcpSocket *socket, const Request &request, const QUrl &url)
{
    const QString year = QUrlQuery(url).queryItemValue(u"year"_s);
    if (url.path() == "/_control/pause"_L1)
        pause();
    else if (url.path() == "/_control/resume"_L1)
        resume();
    else if (url.path() == "/_control/era"_L1 && (year == "2024"_L1 || year == "2026"_L1))
        setEra(year == "2024"_L1 ? Era::Y2024 : Era::Y2026);
    else {
        send(socket, request, 400, R"({"message":"unknown control"})", {});
        return;
    }
    send(socket, request, 200, R"({"done":true})", {});
}

void FakeGitHub::respond(QTcpSocket *socket, const Request &request)
{
    const QUrl url = QUrl(QString::fromLatin1(request.target));
    if (url.path().startsWith("/_control/"_L1) && request.method == "POST") {
        control(socket, request, url);
        return;
    }
    if (url.path().endsWith(".json.gz"_L1)) {
        respondArchive(socket, url.path().mid(1), request);
        return;
    }
    const QStringList parts = url.path().split(u'/');
    const bool repositoryList = parts.size() == 5 && parts[1] == "repos"_L1
        && (parts[4] == "events"_L1 || parts[4] == "pulls"_L1);
    const bool starHistory = parts.size() == 6 && parts[1] == "repos"_L1
        && parts[4] == "stargazers"_L1 && parts[5] == "history"_L1;
    const bool repositoryObject = parts.size() == 4 && parts[1] == "repos"_L1;
    const bool known
        = parts.size() >= 4 && m_pulls.contains((parts[2] + u'/' + parts[3]).toLower());
    const bool organizationFeed = parts.size() == 4 && parts[1] == "orgs"_L1
        && (parts[3] == "events"_L1 || parts[3] == "repos"_L1) && isOrganization(parts[2]);
    if (url.path() != "/events"_L1 && !organizationFeed
        && !((repositoryList || starHistory || repositoryObject) && known)) {
        send(socket, request, 404, R"({"message":"Not Found"})", {});
        return;
    }
    if (m_redirect.isValid()) {
        send(socket, request, 302, {}, {{"Location", m_redirect.toEncoded()}});
        return;
    }
    const Fault fault = nextFault(true);
    if (fault == Fault::Reset) {
        socket->abort();
        return;
    }
    if (fault == Fault::Slow) {
        QTimer::singleShot(m_slowDelayMs, socket, [this, socket, url, request] {
            respondEvents(socket, url, request, Fault::None);
        });
        return;
    }
    respondEvents(socket, url, request, fault);
}

void FakeGitHub::respondEvents(QTcpSocket *socket, const QUrl &url, const Request &request,
                               Fault fault)
{
    const QByteArray authorization = request.headers.value("authorization");
    if (fault == Fault::Unauthorized
        || (!m_requiredToken.isEmpty() && authorization != "Bearer " + m_requiredToken)) {
        send(socket, request, 401, R"({"message":"Bad credentials"})", {});
        return;
    }
    if (fault == Fault::ServerError) {
        send(socket, request, 502, R"({"message":"Server Error"})", rateHeaders());
        return;
    }
    if (fault == Fault::RetryAfter) {
        send(socket, request, 429, R"({"message":"secondary rate limit"})",
             rateHeaders() << qMakePair(QByteArray("Retry-After"), QByteArray("2")));
        return;
    }
    if (fault == Fault::RateLimited) {
        m_remaining = 0;
        m_reset = m_clock->now().addSecs(3);
    }

    const QUrlQuery query(url);
    const int perPage = std::clamp(query.queryItemValue(u"per_page"_s).toInt(), 1, 100);
    const int number = std::max(query.queryItemValue(u"page"_s).toInt(), 1);
    releaseSyntheticEvents();
    const QStringList parts = url.path().split(u'/');
    const int size = query.hasQueryItem(u"per_page"_s) ? perPage : 30;
    std::optional<Page> served;
    if (parts.size() == 4 && parts[1] == "orgs"_L1) {
        served = listPage(parts[3] == "repos"_L1 ? organizationRepositories(parts[2])
                                                 : organizationEvents(parts[2]),
                          number, size);
    } else if (parts.size() == 4) {
        const QByteArray body = repositoryObject(parts[2] + u'/' + parts[3]);
        served = Page {body, weakEtag(body), 1};
    } else if (parts.size() == 6) {
        // At most 30 weeks a page, and 100 pages.
        served = number > 100
            ? std::nullopt
            : listPage(starWeeks(parts[2] + u'/' + parts[3]), number, std::min(size, 30));
    } else if (parts.size() == 5) {
        const QString repository = parts[2] + u'/' + parts[3];
        const bool byUpdate = query.queryItemValue(u"sort"_s) == "updated"_L1;
        served = listPage(parts[4] == "pulls"_L1 ? pullRequestObjects(repository, byUpdate)
                                                 : repositoryEvents(repository),
                          number, size);
    } else if (m_era == Era::Y2026 && m_rate > 0 && m_replay.isEmpty()) {
        served = page2026(number, size);
    } else {
        served = page(number, size);
    }
    if (!served) {
        send(
            socket, request, 422,
            R"({"message":"In order to keep the API fast for everyone, pagination is limited for this resource."})",
            rateHeaders());
        return;
    }
    const QList<QPair<QByteArray, QByteArray>> pollHeader {
        {"X-Poll-Interval", QByteArray::number(m_pollInterval)}, {"ETag", served->etag}};
    if (number == 1 && request.headers.value("if-none-match") == served->etag) {
        send(socket, request, 304, {}, rateHeaders() << pollHeader);
        return;
    }
    if (m_clock->now() >= m_reset) {
        m_remaining = m_limit;
        m_reset = m_clock->now().addSecs(m_windowSeconds);
    }
    if (m_remaining <= 0) {
        ++m_refused;
        send(socket, request, 403, R"({"message":"API rate limit exceeded"})", rateHeaders());
        return;
    }
    --m_remaining;
    auto headers
        = rateHeaders() << pollHeader
                        << qMakePair(QByteArray("Link"),
                                     linkHeader(url.path(), number, served->lastPage, perPage));
    if (fault == Fault::Truncated) {
        send(socket, request, 200, served->body.left(served->body.size() / 2), headers);
        return;
    }
    recordServed(served->body);
    send(socket, request, 200, served->body, headers);
}

// GH Archive's names: 2025-01-01-5.json.gz, the hour without a leading zero.
void FakeGitHub::respondArchive(QTcpSocket *socket, const QString &name, const Request &request)
{
    static const QRegularExpression pattern(uR"(^(\d{4}-\d\d-\d\d)-([1-9]\d|\d)\.json\.gz$)"_s);
    const QRegularExpressionMatch match = pattern.match(name);
    const QDateTime hour = match.hasMatch()
        ? QDateTime(QDate::fromString(match.captured(1), Qt::ISODate),
                    QTime(match.captured(2).toInt(), 0), Qt::UTC)
        : QDateTime();
    if (hour.isValid() && m_syntheticArchive && m_rate > 0 && hour.addSecs(3600) <= m_clock->now()
        && !m_archive.contains(hour.toSecsSinceEpoch()))
        m_archive.insert(hour.toSecsSinceEpoch(),
                         m_era == Era::Y2026
                             ? Feed2026::archiveHour(hour.toSecsSinceEpoch(), m_rate, m_seed)
                             : syntheticHour(hour.toSecsSinceEpoch()));
    const auto file = m_archive.constFind(hour.isValid() ? hour.toSecsSinceEpoch() : -1);
    if (file == m_archive.cend()) {
        send(socket, request, 404, "<Error>NoSuchKey</Error>", {});
        return;
    }
    if (request.method == "HEAD") { // the size alone; a queued fault waits for a GET
        send(socket, request, 200, *file, {{"Accept-Ranges", "bytes"}});
        return;
    }
    const ArchiveFault fault
        = m_archiveFaults.isEmpty() ? ArchiveFault::None : m_archiveFaults.takeFirst();
    QByteArray body = fault == ArchiveFault::Truncated ? file->left(file->size() / 2) : *file;
    QList<QPair<QByteArray, QByteArray>> headers {{"Accept-Ranges", "bytes"}};
    int status = 200;
    const QByteArray range = request.headers.value("range");
    if (range.startsWith("bytes=") && range.endsWith('-')) {
        const qint64 from = range.mid(6).chopped(1).toLongLong();
        headers << qMakePair(QByteArray("Content-Range"),
                             "bytes " + QByteArray::number(from) + '-'
                                 + QByteArray::number(body.size() - 1) + '/'
                                 + QByteArray::number(body.size()));
        body = body.mid(from);
        status = 206;
    }
    if (fault == ArchiveFault::Trickle || fault == ArchiveFault::Endless) {
        stream(socket, request, fault, body);
        return;
    }
    if (fault != ArchiveFault::Cut) {
        send(socket, request, status, body, headers);
        return;
    }
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status)
        + " OK\r\nContent-Type: application/gzip\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body.left(body.size() / 2);
    socket->write(response);
    socket->flush();
    QTimer::singleShot(50, socket, [socket] { socket->abort(); });
    emit responded(request.target, status);
}

void FakeGitHub::stream(QTcpSocket *socket, const Request &request, ArchiveFault fault,
                        const QByteArray &body)
{
    const bool trickle = fault == ArchiveFault::Trickle;
    socket->write(
        "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nConnection: close\r\n"
        + (trickle ? "Content-Length: " + QByteArray::number(body.size()) + "\r\n" : QByteArray())
        + "\r\n");
    auto *timer = new QTimer(socket);
    auto sent = std::make_shared<qsizetype>(0);
    connect(timer, &QTimer::timeout, socket, [socket, trickle, body, sent] {
        if (socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (trickle) {
            socket->write(body.mid((*sent)++ % body.size(), 1));
        } else if (socket->bytesToWrite() < 4 * 1024 * 1024) {
            socket->write(QByteArray(1024 * 1024, 'x'));
        }
    });
    timer->start(trickle ? 100 : 5);
    emit responded(request.target, 200);
}

void FakeGitHub::send(QTcpSocket *socket, const Request &request, int status,
                      const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nServer: FakeGitHub\r\nConnection: close\r\n";
    if (status != 304)
        response += "Content-Type: application/json; charset=utf-8\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    for (const auto &[name, value] : headers)
        response += name + ": " + value + "\r\n";
    response += "\r\n" + (request.method == "HEAD" ? QByteArray() : body);
    socket->write(response);
    socket->disconnectFromHost();
    emit responded(request.target, status);
}

FakeGitHub::Fault FakeGitHub::nextFault(bool isPage)
{
    if (!m_queuedFaults.isEmpty())
        return m_queuedFaults.takeFirst();
    if (!isPage)
        return Fault::None;
    ++m_pageRequests;
    for (auto it = m_faultEvery.cbegin(); it != m_faultEvery.cend(); ++it) {
        if (it.value() > 0 && m_pageRequests % it.value() == 0)
            return it.key();
    }
    for (auto it = m_faultProbability.cbegin(); it != m_faultProbability.cend(); ++it) {
        if (m_random.generateDouble() < it.value())
            return it.key();
    }
    return Fault::None;
}

std::optional<FakeGitHub::Page> FakeGitHub::page(int number, int perPage)
{
    if (!m_recordedBodies.isEmpty()) {
        if (number > m_recordedBodies.size())
            return std::nullopt;
        return Page {m_recordedBodies[number - 1], m_recordedEtags[number - 1],
                     int(m_recordedBodies.size())};
    }
    QList<QByteArray> newestFirst;
    for (qsizetype i = m_synthetic.size() - 1; i >= 0 && newestFirst.size() < feedSize; --i)
        newestFirst << m_synthetic[i];
    return listPage(newestFirst, number, perPage);
}

std::optional<FakeGitHub::Page> FakeGitHub::listPage(const QList<QByteArray> &items, int number,
                                                     int perPage)
{
    const int lastPage = std::max(1, int((items.size() + perPage - 1) / perPage));
    if (number > lastPage)
        return std::nullopt;
    const QByteArray body
        = '[' + items.mid(qsizetype(number - 1) * perPage, perPage).join(',') + ']';
    return Page {body, weakEtag(body), lastPage};
}

std::optional<FakeGitHub::Page> FakeGitHub::page2026(int number, int perPage) const
{
    if (number > Feed2026::pages)
        return std::nullopt;
    const QByteArray body = '['
        + Feed2026::page((m_paused ? m_pausedAt : m_clock->now()).toSecsSinceEpoch(), number,
                         perPage, m_rate, m_seed)
              .join(',')
        + ']';
    return Page {body, weakEtag(body), Feed2026::pages};
}

int FakeGitHub::starsOn(const QString &name, const QDate &day) const
{
    const QDate today = m_clock->now().toUTC().date();
    if (!m_pulls.contains(name.toLower()) || day > today || day < today.addDays(-starHistoryDays))
        return 0;
    if (const auto scripted = m_scriptedStars.constFind({name.toLower(), day});
        scripted != m_scriptedStars.cend())
        return *scripted;
    // A repository's own pace, a weekly swell, and a burst now and then.
    const quint32 seed = qHash(name.toLower(), 17) ^ quint32(day.toJulianDay());
    QRandomGenerator random(seed);
    const int pace = int(qHash(name.toLower(), 5) % 12);
    const int burst = random.bounded(30) == 0 ? 40 + random.bounded(60) : 0;
    return random.bounded(pace + 1) + (day.dayOfWeek() <= 5 ? 2 : 0) + (m_steadyStars ? 0 : burst);
}

int FakeGitHub::starCount(const QString &name) const
{
    const QDate today = m_clock->now().toUTC().date();
    int total = 0;
    for (int back = 0; back <= starHistoryDays; ++back)
        total += starsOn(name, today.addDays(-back));
    return total;
}

QByteArray FakeGitHub::repositoryObject(const QString &repository) const
{
    const QString name = m_repositoryNames.value(repository.toLower(), repository);
    int open = 0;
    for (const PullRequest &pr : m_pulls.value(repository.toLower()))
        open += pr.closedAt < 0;
    return QJsonDocument(QJsonObject {{u"full_name"_s, name},
                                      {u"stargazers_count"_s, starCount(name)},
                                      {u"forks_count"_s, starCount(name) / 9},
                                      {u"open_issues_count"_s, open},
                                      {u"subscribers_count"_s, starCount(name) / 20}})
        .toJson(QJsonDocument::Compact);
}

// The owner's known repositories, most recently pushed first: the one whose newest pull
// request changed last.
QList<QByteArray> FakeGitHub::organizationRepositories(const QString &owner) const
{
    QList<std::pair<qint64, QString>> pushed;
    const QString prefix = owner.toLower() + u'/';
    for (auto it = m_pulls.cbegin(); it != m_pulls.cend(); ++it) {
        if (!it.key().startsWith(prefix))
            continue;
        qint64 last = 0;
        for (const PullRequest &pr : it.value())
            last = std::max(last, pr.updatedAt());
        pushed.append({last, it.key()});
    }
    std::sort(pushed.begin(), pushed.end(), std::greater<>());
    QList<QByteArray> repositories;
    for (const auto &[at, key] : pushed) {
        QJsonObject object = QJsonDocument::fromJson(repositoryObject(key)).object();
        object.insert(u"archived"_s, m_archived.contains(key));
        object.insert(u"pushed_at"_s,
                      QDateTime::fromSecsSinceEpoch(at, Qt::UTC).toString(Qt::ISODate));
        repositories << QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    return repositories;
}

// Weeks from Sunday 00:00 UTC, newest first, back to the script's first day.
QList<QByteArray> FakeGitHub::starWeeks(const QString &repository) const
{
    const QString name = m_repositoryNames.value(repository.toLower(), repository);
    const QDate today = m_clock->now().toUTC().date();
    QDate sunday = today.addDays(-(today.dayOfWeek() % 7));
    const QDate first = today.addDays(-starHistoryDays);
    QList<QByteArray> weeks;
    for (; sunday.addDays(6) >= first; sunday = sunday.addDays(-7)) {
        QJsonArray days;
        int total = 0;
        for (int day = 0; day < 7; ++day) {
            const int stars = starsOn(name, sunday.addDays(day));
            days.append(stars);
            total += stars;
        }
        weeks.append(
            QJsonDocument(QJsonObject {{u"week"_s, sunday.startOfDay(Qt::UTC).toSecsSinceEpoch()},
                                       {u"total"_s, total},
                                       {u"days"_s, days}})
                .toJson(QJsonDocument::Compact));
    }
    return weeks;
}

QList<QByteArray> FakeGitHub::repositoryEvents(const QString &repository)
{
    if (m_era == Era::Y2026 && m_rate > 0)
        return Feed2026::repositoryEvents(m_repositoryNames.value(repository.toLower()).toUtf8(),
                                          m_clock->now().toSecsSinceEpoch(), m_rate, m_seed);
    const QByteArray needle
        = "\"name\":\"" + m_repositoryNames.value(repository.toLower()).toUtf8() + '"';
    QList<QByteArray> newestFirst;
    for (qsizetype i = m_synthetic.size() - 1; i >= 0 && newestFirst.size() < feedSize; --i) {
        if (m_synthetic[i].contains(needle))
            newestFirst << m_synthetic[i];
    }
    return newestFirst;
}

bool FakeGitHub::isOrganization(const QString &owner) const
{
    const QString prefix = owner.toLower() + u'/';
    const QList<QString> known = m_pulls.keys();
    return std::any_of(known.cbegin(), known.cend(),
                       [&prefix](const QString &name) { return name.startsWith(prefix); });
}

// The events of every known repository of `owner`, newest first, at most the feed's 300.
QList<QByteArray> FakeGitHub::organizationEvents(const QString &owner)
{
    if (m_era == Era::Y2026 && m_rate > 0)
        return Feed2026::organizationEvents(owner.toUtf8(), m_clock->now().toSecsSinceEpoch(),
                                            m_rate, m_seed);
    const QByteArray needle = "\"name\":\"" + owner.toUtf8() + '/';
    QList<QByteArray> newestFirst;
    for (qsizetype i = m_synthetic.size() - 1; i >= 0 && newestFirst.size() < feedSize; --i) {
        if (m_synthetic[i].contains(needle))
            newestFirst << m_synthetic[i];
    }
    return newestFirst;
}

// Newest first, by creation or by last update.
QList<QByteArray> FakeGitHub::pullRequestObjects(const QString &repository, bool byUpdate) const
{
    const auto time = [](qint64 seconds) -> QJsonValue {
        return seconds < 0
            ? QJsonValue()
            : QJsonValue(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate));
    };
    QList<PullRequest> pulls = m_pulls.value(repository.toLower());
    if (byUpdate)
        std::stable_sort(pulls.begin(), pulls.end(),
                         [](const PullRequest &a, const PullRequest &b) {
                             return a.updatedAt() > b.updatedAt();
                         });
    QList<QByteArray> objects;
    for (const PullRequest &pr : std::as_const(pulls)) {
        const QJsonObject object {{u"number"_s, pr.number},
                                  {u"state"_s, pr.closedAt < 0 ? u"open"_s : u"closed"_s},
                                  {u"title"_s, u"Change %1"_s.arg(pr.number)},
                                  {u"user"_s, QJsonObject {{u"login"_s, pr.author}}},
                                  {u"created_at"_s, time(pr.createdAt)},
                                  {u"closed_at"_s, time(pr.closedAt)},
                                  {u"merged_at"_s, time(pr.mergedAt)},
                                  {u"updated_at"_s, time(pr.updatedAt())}};
        objects << QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    return objects;
}

QByteArray FakeGitHub::linkHeader(const QString &path, int page, int lastPage, int perPage) const
{
    const QByteArray base = (m_linkBase.isValid() ? m_linkBase : url()).toEncoded() + path.toUtf8()
        + "?per_page=" + QByteArray::number(perPage);
    const auto link = [&base](int target, const char *rel) {
        QByteArray text = "<" + base;
        text += "&page=" + QByteArray::number(target);
        text += ">; rel=\"" + QByteArray(rel) + '"';
        return text;
    };
    QByteArrayList parts;
    if (page < lastPage)
        parts << link(page + 1, "next") << link(lastPage, "last");
    if (page > 1)
        parts << link(1, "first") << link(page - 1, "prev");
    return parts.join(", ");
}

QList<QPair<QByteArray, QByteArray>> FakeGitHub::rateHeaders()
{
    if (m_clock->now() >= m_reset) {
        m_remaining = m_limit;
        m_reset = m_clock->now().addSecs(m_windowSeconds);
    }
    return {{"X-RateLimit-Limit", QByteArray::number(m_limit)},
            {"X-RateLimit-Remaining", QByteArray::number(m_remaining)},
            {"X-RateLimit-Used", QByteArray::number(m_limit - m_remaining)},
            {"X-RateLimit-Reset", QByteArray::number(m_reset.toSecsSinceEpoch())}};
}

void FakeGitHub::releaseSyntheticEvents()
{
    if (m_rate <= 0 || m_paused)
        return;
    const qint64 first = syntheticIndexAt(m_feedStart.toMSecsSinceEpoch());
    qint64 due = syntheticIndexAt(m_clock->now().toMSecsSinceEpoch()) - first;
    if (!m_replay.isEmpty())
        due = std::min<qint64>(due, m_replay.size());
    for (; m_released < due; ++m_released) {
        if (!m_replay.isEmpty()) {
            m_synthetic.append(m_replay[m_released]);
            continue;
        }
        const qint64 index = first + m_released;
        const qint64 createdAt = qint64(std::floor(double(index) / m_rate));
        m_synthetic.append(SyntheticEvents::event(index, createdAt, m_seed));
    }
    // Only the newest events can ever be served again.
    if (m_synthetic.size() > 4 * feedSize)
        m_synthetic.remove(0, m_synthetic.size() - feedSize);
}

// Every event of the synthetic feed created in the hour.
QByteArray FakeGitHub::syntheticHour(qint64 hourStart) const
{
    QByteArray lines;
    for (qint64 k = syntheticIndexAt(hourStart * 1000);
         k < syntheticIndexAt((hourStart + 3600) * 1000); ++k)
        lines += SyntheticEvents::event(k, qint64(std::floor(double(k) / m_rate)), m_seed) + '\n';
    return gzipped(lines);
}

void FakeGitHub::recordServed(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    QFile log(m_servedLogPath);
    const bool logging = !m_servedLogPath.isEmpty() && log.open(QIODevice::Append);
    if (logging)
        log.write("body " + QCryptographicHash::hash(body, QCryptographicHash::Sha1).toHex()
                  + '\n');
    for (const QJsonValue &event : document.array()) {
        const qint64 id = event.toObject().value("id"_L1).toString().toLongLong();
        if (!m_servedIds.contains(id) && logging)
            log.write(QByteArray::number(id) + '\n');
        m_servedIds.insert(id);
    }
}
