#include "collect/githubprotocol.h"

#include <QLoggingCategory>
#include <QNetworkReply>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcGitHub, "ghm.github")

namespace {

int headerInt(const QNetworkReply &reply, const char *name)
{
    bool ok = false;
    const int value = reply.rawHeader(name).trimmed().toInt(&ok);
    return ok ? value : -1;
}

} // namespace

bool GitHubProtocol::isSameOrigin(const QUrl &url, const QUrl &origin)
{
    return url.scheme() == origin.scheme()
        && url.host().compare(origin.host(), Qt::CaseInsensitive) == 0
        && url.port(url.scheme() == "https"_L1 ? 443 : 80)
        == origin.port(origin.scheme() == "https"_L1 ? 443 : 80);
}

QNetworkRequest GitHubProtocol::request(const QUrl &url, const QUrl &api, const QString &token,
                                        int timeoutMs)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/vnd.github+json");
    request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
    request.setRawHeader("User-Agent", "ghmonitor/" GHM_VERSION);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    if (!token.isEmpty() && isSameOrigin(url, api))
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    return request;
}

QUrl GitHubProtocol::nextPage(const QNetworkReply &reply, const QUrl &api)
{
    const QUrl next = parseLink(reply.rawHeader("Link")).value(u"next"_s);
    if (!next.isValid() || isSameOrigin(next, api))
        return next;
    qCWarning(lcGitHub).noquote() << "refused a next page on another origin:"
                                  << next.adjusted(QUrl::RemoveQuery | QUrl::RemovePath).toString();
    return {};
}

RateLimitInfo GitHubProtocol::rateLimit(const QNetworkReply &reply)
{
    RateLimitInfo info;
    info.limit = headerInt(reply, "X-RateLimit-Limit");
    info.remaining = headerInt(reply, "X-RateLimit-Remaining");
    info.used = headerInt(reply, "X-RateLimit-Used");
    bool ok = false;
    const qint64 reset = reply.rawHeader("X-RateLimit-Reset").trimmed().toLongLong(&ok);
    if (ok)
        info.reset = QDateTime::fromSecsSinceEpoch(reset, Qt::UTC);
    return info;
}

QHash<QString, QUrl> GitHubProtocol::parseLink(const QByteArray &header)
{
    static const QRegularExpression part(uR"re(<([^>]*)>\s*;\s*rel="?([a-z]+)"?)re"_s);
    QHash<QString, QUrl> links;
    auto it = part.globalMatch(QString::fromLatin1(header));
    while (it.hasNext()) {
        const auto match = it.next();
        links.insert(match.captured(2), QUrl(match.captured(1)));
    }
    return links;
}

qint64 GitHubProtocol::retryAfterSeconds(const QByteArray &header, const QDateTime &now)
{
    if (header.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = header.trimmed().toLongLong(&ok);
    if (ok)
        return std::max<qint64>(seconds, 0);
    const QDateTime date = QDateTime::fromString(QString::fromLatin1(header), Qt::RFC2822Date);
    return date.isValid() ? std::max<qint64>(now.secsTo(date), 0) : -1;
}
