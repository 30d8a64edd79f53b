#pragma once

#include "collect/repositorypages.h"
#include "event/pullrequesthorizon.h"

#include <QDateTime>

// Fetches a repository's pull-request history, following Link; pages go to bronze as they
// come. The first run reads newest first (sort=created) back to the horizon (days or
// count); each later run, a refresh, reads the most recently updated first (sort=updated)
// back to the start of the previous successful run.
class PullRequestBackfill : public RepositoryPages
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl apiUrl;
        QString token;
        int horizonDays = PullRequestHorizon::defaultDays;
        int horizonCount = PullRequestHorizon::defaultCount;
        int timeoutMs = 30000;
        int refreshMinutes = 15; // between the end of one run and the next refresh
    };

    PullRequestBackfill(const Options &options, const QString &repository, BronzeStore *bronze,
                        Clock *clock, RateBudget *budget, QObject *parent = nullptr);

    // A full fetch the first time, a refresh after a successful run.
    void start();
    bool isRefresh() const { return m_completedFrom.isValid(); }
    const Options &options() const { return m_options; }

signals:
    // `pullRequests`: fetched in this run (for a refresh, those updated since the last).
    void finished(const QString &repository, int pullRequests, bool refresh);

protected:
    void pageArrived(const QJsonArray &pulls, const QUrl &next) override;

private:
    QDateTime refreshFrom() const;
    bool reachedTheEnd(const QJsonArray &pulls) const;
    int countNew(const QJsonArray &pulls) const;

    Options m_options;
    int m_fetched = 0;
    QDateTime m_startedAt; // of this run
    QDateTime m_completedFrom; // the start of the last successful run; a refresh reads to it
};
