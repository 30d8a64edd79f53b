#pragma once

#include "ratebudget.h"

#include <QJsonArray>
#include <QObject>
#include <QUrl>

class BronzeStore;
class Clock;
class QNetworkAccessManager;
class QNetworkReply;

// A list of a watched repository's, read page by page: a request waits for the rate
// limit's reset when it is spent, each page goes to bronze as it comes, under the list's
// kind, and Link leads to the next. The lists (pull requests, star history) say what a
// page means and when to stop.
class RepositoryPages : public QObject
{
    Q_OBJECT

public:
    struct Connection
    {
        QUrl apiUrl;
        QString token;
        int timeoutMs = 30000;
    };

    QString repository() const { return m_repository; }

signals:
    void pageStored(const QString &path);
    void failed(const QString &repository, const QString &message);

protected:
    // `kind` names the pages in bronze ("pulls", "stars") and, in words, in errors.
    RepositoryPages(const Connection &connection, const QString &repository, const QString &kind,
                    const QString &what, BronzeStore *bronze, Clock *clock, RateBudget *budget,
                    QObject *parent);
    ~RepositoryPages() override;
    // The first page of `path` under the repository, with `query`.
    void requestFirst(const QString &path, const QString &query);
    void requestNext(const QUrl &url);
    // A stored page, the `page`th of this run, with the link to the next (invalid at the end).
    virtual void pageArrived(const QJsonArray &items, const QUrl &next) = 0;
    int page() const { return m_page; }
    Clock *clock() const { return m_clock; }
    void setToken(const QString &token) { m_connection.token = token; }

private:
    void request(const QUrl &url);
    void send(const QUrl &url);
    void handleReply(QNetworkReply *reply);

    Connection m_connection;
    QString m_repository;
    QString m_kind;
    QString m_what;
    BronzeStore *m_bronze;
    Clock *m_clock;
    RateBudget *m_budget;
    QNetworkAccessManager *m_network;
    int m_page = 0;
};
