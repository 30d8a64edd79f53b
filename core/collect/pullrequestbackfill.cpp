#include "collect/pullrequestbackfill.h"

#include "event/clock.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

PullRequestBackfill::PullRequestBackfill(const Options &options, const QString &repository,
                                         BronzeStore *bronze, Clock *clock, RateBudget *budget,
                                         QObject *parent)
    : RepositoryPages({options.apiUrl, options.token, options.timeoutMs}, repository, u"pulls"_s,
                      u"pull requests"_s, bronze, clock, budget, parent)
    , m_options(options)
{
}

void PullRequestBackfill::start()
{
    m_fetched = 0;
    m_startedAt = clock()->now();
    requestFirst(u"/pulls"_s,
                 isRefresh() ? u"state=all&sort=updated&direction=desc&per_page=100"_s
                             : u"state=all&sort=created&direction=desc&per_page=100"_s);
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
    return last("created_at"_L1) < clock()->now().addDays(-m_options.horizonDays)
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

void PullRequestBackfill::pageArrived(const QJsonArray &pulls, const QUrl &next)
{
    m_fetched += countNew(pulls);
    if (!next.isValid() || reachedTheEnd(pulls)) {
        const bool refresh = isRefresh();
        m_completedFrom = m_startedAt;
        emit finished(repository(), m_fetched, refresh);
        return;
    }
    requestNext(next);
}
