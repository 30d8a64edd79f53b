#include "collect/repositorypages.h"

#include "collect/bronzestore.h"
#include "event/clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace {

// A page of 100 pull requests is a few hundred kilobytes: a page past this is not one of
// these lists, and is not read on.
constexpr qint64 maxPageBytes = 8 * 1024 * 1024;

} // namespace

RepositoryPages::RepositoryPages(const Connection &connection, const QString &repository,
                                 const QString &kind, const QString &what, BronzeStore *bronze,
                                 Clock *clock, RateBudget *budget, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_repository(repository)
    , m_kind(kind)
    , m_what(what)
    , m_bronze(bronze)
    , m_clock(clock)
    , m_budget(budget)
    , m_network(new QNetworkAccessManager(this))
{
    m_budget->join(m_kind);
}

RepositoryPages::~RepositoryPages()
{
    m_budget->leave(m_kind);
}

void RepositoryPages::requestFirst(const QString &path, const QString &query,
                                   const QString &pageKind, Shape shape)
{
    m_pageKind = pageKind.isEmpty() ? m_kind : pageKind;
    m_shape = shape;
    QUrl url = m_connection.apiUrl;
    url.setPath(url.path() + ownerFolder() + path);
    url.setQuery(query);
    m_page = 1;
    request(url);
}

// "/repos/{owner}/{name}", or "/orgs/{org}" for a name without a slash.
QString RepositoryPages::ownerFolder() const
{
    return (m_repository.contains(u'/') ? "/repos/"_L1 : "/orgs/"_L1) + m_repository;
}

void RepositoryPages::requestNext(const QUrl &url)
{
    ++m_page;
    request(url);
}

// Each page waits for its place in its kind's share of the budget.
void RepositoryPages::request(const QUrl &url)
{
    const qint64 waitMs = m_budget->reservePage(m_kind, m_clock->now());
    if (waitMs > 0)
        m_clock->callAfter(waitMs, this, [this, url] { send(url); });
    else
        send(url);
}

void RepositoryPages::send(const QUrl &url)
{
    const RateLimitInfo &rate = m_budget->info();
    if (rate.isKnown() && rate.remaining == 0 && rate.reset > m_clock->now()) {
        m_clock->callAfter(m_clock->now().msecsTo(rate.reset) + 1000, this,
                           [this, url] { send(url); });
        return;
    }
    QNetworkReply *reply = m_network->get(GitHubProtocol::request(
        url, m_connection.apiUrl, m_connection.token, m_connection.timeoutMs));
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received) {
        if (received > maxPageBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        handleReply(reply);
    });
}

void RepositoryPages::handleReply(QNetworkReply *reply)
{
    m_budget->update(GitHubProtocol::rateLimit(*reply));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0)
        m_budget->spend(m_kind, status == 304);
    if (status == 404) {
        emit failed(m_repository,
                    (m_repository.contains(u'/')
                         ? u"%1 is not a repository GitHub knows (404)"_s
                         : u"%1 is not an organization GitHub knows (404)"_s)
                        .arg(m_repository));
        return;
    }
    const QByteArray body = reply->readAll();
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (status != 200 || document.isArray() != (m_shape == Shape::List)
        || document.isObject() != (m_shape == Shape::Object)) {
        emit failed(m_repository,
                    status == 0 ? reply->errorString()
                                : u"HTTP %1 while fetching %2"_s.arg(status).arg(m_what));
        return;
    }
    PageLineage lineage {reply->url(),     status,        m_page, reply->rawHeader("ETag"),
                         m_budget->info(), m_clock->now()};
    QString error;
    const QString path
        = m_bronze->storePage(body, lineage, ownerFolder().mid(1), &error, m_pageKind);
    if (path.isEmpty()) {
        emit failed(m_repository, error);
        return;
    }
    emit pageStored(path);
    // An object (one repository) comes as a list of one.
    pageArrived(document.isArray() ? document.array() : QJsonArray {document.object()},
                GitHubProtocol::nextPage(*reply, m_connection.apiUrl));
}
