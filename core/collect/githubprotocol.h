#pragma once

#include <QDateTime>
#include <QHash>
#include <QMap>
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

// The rate limit shared by every poller of one token, all on one thread: the newest
// headers win, and pacing divides what remains among the consumers. It also counts what
// each source spent in the current rate window, so that the share of each is shown.
class RateBudget
{
public:
    // "feed", "repository", "pulls" or "stars".
    using Spending = QMap<QString, qint64>;

    void update(const RateLimitInfo &info)
    {
        if (info.remaining < 0)
            return;
        // A new window (its reset moved on): the spending starts again.
        if (m_info.reset.isValid() && info.reset.isValid() && info.reset > m_info.reset.addSecs(60))
            m_spent.clear();
        m_info = info;
    }
    const RateLimitInfo &info() const { return m_info; }
    void setConsumers(int consumers) { m_consumers = std::max(consumers, 1); }
    int consumers() const { return m_consumers; }

    // One answered request of `source`; a 304 is free: GitHub does not count it.
    void spend(const QString &source, bool notModified)
    {
        if (!notModified)
            ++m_spent[source];
    }
    // The requests each source spent since the rate window began.
    const Spending &spent() const { return m_spent; }
    // Each source's share of what was spent, largest first.
    static QList<std::pair<QString, double>> sharesOf(const Spending &spent)
    {
        qint64 total = 0;
        for (const qint64 requests : spent)
            total += requests;
        QList<std::pair<QString, double>> shares;
        for (auto it = spent.cbegin(); it != spent.cend(); ++it)
            shares.append({it.key(), double(it.value()) / double(total)});
        std::stable_sort(shares.begin(), shares.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        return shares;
    }

private:
    RateLimitInfo m_info;
    int m_consumers = 1;
    Spending m_spent;
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
