#pragma once

#include <QDateTime>
#include <QHash>
#include <QNetworkRequest>
#include <QUrl>

class QNetworkReply;

// The rate-limit headers of one GitHub response. Fields are -1 / invalid when absent.
struct RateLimitInfo
{
    int limit = -1;
    int remaining = -1;
    int used = -1;
    QDateTime reset; // UTC

    bool isKnown() const { return remaining >= 0 && reset.isValid(); }
};

namespace GitHubProtocol {

// Whether `url` has the scheme, host and port of `origin`.
bool isSameOrigin(const QUrl &url, const QUrl &origin);
// A GET with the headers GitHub asks for. The token goes as a bearer token only to `api`'s
// origin, and redirects may not leave that origin, so it never reaches another host.
QNetworkRequest request(const QUrl &url, const QUrl &api, const QString &token, int timeoutMs);
RateLimitInfo rateLimit(const QNetworkReply &reply);
// `Link: <url>; rel="next", <url>; rel="last"` as rel -> URL.
QHash<QString, QUrl> parseLink(const QByteArray &header);
// The reply's next page, if it has one on `api`'s origin; one elsewhere is refused and
// logged, so that following it cannot take the token there.
QUrl nextPage(const QNetworkReply &reply, const QUrl &api);
// Seconds from `Retry-After` (a delay or an HTTP date), or -1.
qint64 retryAfterSeconds(const QByteArray &header, const QDateTime &now);

} // namespace GitHubProtocol
