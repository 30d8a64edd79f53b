#include "collect/starhistoryfetch.h"

#include "event/clock.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

StarHistoryFetch::StarHistoryFetch(const Options &options, const QString &repository,
                                   BronzeStore *bronze, Clock *clock, RateBudget *budget,
                                   QObject *parent)
    : RepositoryPages({options.apiUrl, options.token, options.timeoutMs}, repository, u"stars"_s,
                      u"star history"_s, bronze, clock, budget, parent)
    , m_options(options)
{
}

// The repository's counts first (stargazers_count), then its history.
void StarHistoryFetch::start()
{
    m_weeks = 0;
    m_readingCounts = true;
    requestFirst({}, {}, u"repo"_s, Shape::Object);
}

void StarHistoryFetch::pageArrived(const QJsonArray &weeks, const QUrl &next)
{
    if (std::exchange(m_readingCounts, false)) {
        requestFirst(u"/stargazers/history"_s, u"per_page=30"_s); // GitHub's most
        return;
    }
    m_weeks += int(weeks.size());
    const qint64 horizon
        = clock()->now().toSecsSinceEpoch() - qint64(m_options.horizonWeeks) * 7 * 86400;
    const bool past = weeks.isEmpty() || weeks.last()["week"_L1].toInteger() < horizon;
    if (!next.isValid() || past) {
        emit finished(repository(), m_weeks);
        return;
    }
    requestNext(next);
}
