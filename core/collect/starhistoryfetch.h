#pragma once

#include "collect/repositorypages.h"

// Fetches a watched repository's counts (GET /repos/{o}/{r}: stargazers_count) and its star
// history (GET /repos/{o}/{r}/stargazers/history, GitHub's since 2026-09-04: weeks newest
// first, seven daily counts each), following Link back past a horizon of weeks; pages go to
// bronze as they come. Each run reads back to the
// horizon again, so that a week's days are replaced as its stars change.
class StarHistoryFetch : public RepositoryPages
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl apiUrl;
        QString token;
        int horizonWeeks = 52;
        int timeoutMs = 30000;
        int refreshHours = 24; // between the end of one run and the next
    };

    StarHistoryFetch(const Options &options, const QString &repository, BronzeStore *bronze,
                     Clock *clock, RateBudget *budget, QObject *parent = nullptr);

    void start();
    const Options &options() const { return m_options; }

signals:
    void finished(const QString &repository, int weeks);

protected:
    void pageArrived(const QJsonArray &weeks, const QUrl &next) override;

private:
    Options m_options;
    int m_weeks = 0;
    bool m_readingCounts = false;
};
