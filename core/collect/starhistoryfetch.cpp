#include "starhistoryfetch.h"

#include "bronzestore.h"
#include "clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace {

// 30 weeks are about 3 KB: a page past this is not star history, and is not read on.
constexpr qint64 maxPageBytes = 1 << 20;

} // namespace

StarHistoryFetch::StarHistoryFetch(const Options &options, const QString &repository,
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

void StarHistoryFetch::start()
{
    QUrl url = m_options.apiUrl;
    url.setPath(url.path() + "/repos/"_L1 + m_repository + "/stargazers/history"_L1);
    url.setQuery(u"per_page=30"_s); // GitHub's most
    m_page = 1;
    m_weeks = 0;
    request(url);
}

void StarHistoryFetch::request(const QUrl &url)
{
    const RateLimitInfo &rate = m_budget->info();
    if (rate.isKnown() && rate.remaining == 0 && rate.reset > m_clock->now()) {
        m_clock->callAfter(m_clock->now().msecsTo(rate.reset) + 1000, this,
                           [this, url] { request(url); });
        return;
    }
    QNetworkReply *reply = m_network->get(
        GitHubProtocol::request(url, m_options.apiUrl, m_options.token, m_options.timeoutMs));
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received) {
        if (received > maxPageBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        handleReply(reply);
    });
}

void StarHistoryFetch::handleReply(QNetworkReply *reply)
{
    m_budget->update(GitHubProtocol::rateLimit(*reply));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (status != 200 || !document.isArray()) {
        emit failed(m_repository,
                    status == 0 ? reply->errorString()
                                : u"HTTP %1 while fetching star history"_s.arg(status));
        return;
    }
    PageLineage lineage {reply->url(),     status,        m_page, reply->rawHeader("ETag"),
                         m_budget->info(), m_clock->now()};
    QString error;
    const QString path
        = m_bronze->storePage(body, lineage, u"repos/"_s + m_repository, &error, u"stars"_s);
    if (path.isEmpty()) {
        emit failed(m_repository, error);
        return;
    }
    emit pageStored(path);

    const QJsonArray weeks = document.array();
    m_weeks += int(weeks.size());
    const qint64 horizon
        = m_clock->now().toSecsSinceEpoch() - qint64(m_options.horizonWeeks) * 7 * 86400;
    const bool past = weeks.isEmpty() || weeks.last()["week"_L1].toInteger() < horizon;
    const QUrl next = GitHubProtocol::nextPage(*reply, m_options.apiUrl);
    if (!next.isValid() || past) {
        emit finished(m_repository, m_weeks);
        return;
    }
    ++m_page;
    request(next);
}
