#pragma once

#include "githubprotocol.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

class BronzeStore;
class Clock;
class QNetworkAccessManager;
class QNetworkReply;

// Fetches a watched repository's star history (GET /repos/{o}/{r}/stargazers/history,
// GitHub's since 2026-09-04: weeks newest first, seven daily counts each), following Link
// back to a horizon of weeks; pages go to bronze as they come. Each run reads back to the
// horizon again, so that a week's days are replaced as its stars change.
class StarHistoryFetch : public QObject
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
    QString repository() const { return m_repository; }
    const Options &options() const { return m_options; }

signals:
    void pageStored(const QString &path);
    void finished(const QString &repository, int weeks);
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
    int m_weeks = 0;
};
