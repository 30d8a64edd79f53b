#pragma once

#include "githubprotocol.h"

#include <QObject>
#include <QUrl>

class BronzeStore;
class Clock;
class QNetworkAccessManager;
class QNetworkReply;

// Fetches a repository's pull-request history once, newest first, through
// GET /repos/{owner}/{name}/pulls?state=all&sort=created&direction=desc&per_page=100,
// following Link, until the horizon (days or count). Pages go to bronze as they come.
class PullRequestBackfill : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl apiUrl;
        QString token;
        int horizonDays = 90;
        int horizonCount = 1000;
        int timeoutMs = 30000;
    };

    PullRequestBackfill(const Options &options, const QString &repository, BronzeStore *bronze,
                        Clock *clock, RateBudget *budget, QObject *parent = nullptr);

    void start();
    QString repository() const { return m_repository; }

signals:
    void pageStored(const QString &path);
    void finished(const QString &repository, int pullRequests);
    void failed(const QString &repository, const QString &message);

private:
    void request(const QUrl &url);
    void handleReply(QNetworkReply *reply);

    Options m_options;
    QString m_repository;
    BronzeStore *m_bronze;
    Clock *m_clock;
    RateBudget *m_budget;
    QNetworkAccessManager *m_network;
    int m_page = 0;
    int m_fetched = 0;
};
