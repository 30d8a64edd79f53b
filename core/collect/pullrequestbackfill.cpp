#include "pullrequestbackfill.h"

#include "bronzestore.h"
#include "clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

PullRequestBackfill::PullRequestBackfill(const Options &options, const QString &repository,
                                         BronzeStore *bronze, Clock *clock, RateBudget *budget,
                                         QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_repository(repository)
    , m_bronze(bronze)
    , m_clock(clock)
    , m_budget(budget)
    , m_network(new QNetworkAccessManager(this))
{
}

void PullRequestBackfill::start()
{
    QUrl url = m_options.apiUrl;
    url.setPath(url.path() + "/repos/"_L1 + m_repository + "/pulls"_L1);
    url.setQuery(isRefresh() ? u"state=all&sort=updated&direction=desc&per_page=100"_s
                             : u"state=all&sort=created&direction=desc&per_page=100"_s);
    m_page = 1;
    m_fetched = 0;
    m_startedAt = m_clock->now();
    request(url);
}

void PullRequestBackfill::request(const QUrl &url)
{
    const RateLimitInfo &rate = m_budget->info();
    if (rate.isKnown() && rate.remaining == 0 && rate.reset > m_clock->now()) {
        m_clock->callAfter(m_clock->now().msecsTo(rate.reset) + 1000, this,
                           [this, url] { request(url); });
        return;
    }
    QNetworkReply *reply = m_network->get(
        GitHubProtocol::request(url, m_options.apiUrl, m_options.token, m_options.timeoutMs));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        handleReply(reply);
    });
}

// A refresh reads back to where the previous run began, less a minute for updates GitHub
// dated while that run was under way.
QDateTime PullRequestBackfill::refreshFrom() const
{
    return m_completedFrom.addSecs(-60);
}

// A full fetch ends at the horizon; a refresh at refreshFrom().
bool PullRequestBackfill::reachedTheEnd(const QJsonArray &pulls) const
{
    if (pulls.isEmpty())
        return true;
    const auto last = [&pulls](QLatin1StringView field) {
        return QDateTime::fromString(pulls.last()[field].toString(), Qt::ISODate);
    };
    if (isRefresh())
        return last("updated_at"_L1) < refreshFrom();
    return last("created_at"_L1) < m_clock->now().addDays(-m_options.horizonDays)
        || m_fetched >= m_options.horizonCount;
}

// What a page brings: every pull request of a full fetch, the updated ones of a refresh.
int PullRequestBackfill::countNew(const QJsonArray &pulls) const
{
    if (!isRefresh())
        return int(pulls.size());
    return int(std::count_if(pulls.begin(), pulls.end(), [this](const QJsonValue &pull) {
        return QDateTime::fromString(pull["updated_at"_L1].toString(), Qt::ISODate)
            >= refreshFrom();
    }));
}

void PullRequestBackfill::handleReply(QNetworkReply *reply)
{
    m_budget->update(GitHubProtocol::rateLimit(*reply));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 404) {
        emit failed(m_repository, u"%1 is not a repository GitHub knows (404)"_s.arg(m_repository));
        return;
    }
    const QByteArray body = reply->readAll();
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (status != 200 || !document.isArray()) {
        emit failed(m_repository,
                    status == 0 ? reply->errorString()
                                : u"HTTP %1 while fetching pull requests"_s.arg(status));
        return;
    }
    PageLineage lineage {reply->url(),     status,        m_page, reply->rawHeader("ETag"),
                         m_budget->info(), m_clock->now()};
    QString error;
    const QString path
        = m_bronze->storePage(body, lineage, u"repos/"_s + m_repository, &error, u"pulls"_s);
    if (path.isEmpty()) {
        emit failed(m_repository, error);
        return;
    }
    emit pageStored(path);

    const QJsonArray pulls = document.array();
    m_fetched += countNew(pulls);
    const QUrl next = GitHubProtocol::nextPage(*reply, m_options.apiUrl);
    if (!next.isValid() || reachedTheEnd(pulls)) {
        const bool refresh = isRefresh();
        m_completedFrom = m_startedAt;
        emit finished(m_repository, m_fetched, refresh);
        return;
    }
    ++m_page;
    request(next);
}
