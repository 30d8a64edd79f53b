#pragma once

#include "collect/ratebudget.h"

#include <QJsonArray>
#include <QObject>
#include <QUrl>

class BronzeStore;
class Clock;
class QNetworkAccessManager;
class QNetworkReply;

// A list of a watched repository's or organization's, read page by page: a request waits
// for its place in the rate budget, each page goes to bronze as it comes, under the list's
// kind, and Link leads to the next. The lists (pull requests, star history, an
// organization's repositories) say what a page means and when to stop.
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
    // From the next request on.
    void setToken(const QString &token) { m_connection.token = token; }

signals:
    void pageStored(const QString &path);
    void failed(const QString &repository, const QString &message);

protected:
    // `kind` names the pages in bronze ("pulls", "stars") and the source in the budget;
    // `what` names the list in errors. `repository` is an organization's login when it has
    // no slash.
    RepositoryPages(const Connection &connection, const QString &repository, const QString &kind,
                    const QString &what, BronzeStore *bronze, Clock *clock, RateBudget *budget,
                    QObject *parent);
    ~RepositoryPages() override;
    // A list's pages are JSON arrays; an object is one answer, passed as a list of one.
    enum class Shape { List, Object };
    // The first page of `path` under the repository, with `query`, stored in bronze as
    // `pageKind` (the list's kind when empty).
    void requestFirst(const QString &path, const QString &query, const QString &pageKind = {},
                      Shape shape = Shape::List);
    void requestNext(const QUrl &url);
    // A stored page, the `page`th of this run, with the link to the next (invalid at the end).
    virtual void pageArrived(const QJsonArray &items, const QUrl &next) = 0;
    int page() const { return m_page; }
    Clock *clock() const { return m_clock; }

private:
    void request(const QUrl &url);
    void send(const QUrl &url);
    QString ownerFolder() const;
    void handleReply(QNetworkReply *reply);

    Connection m_connection;
    QString m_repository;
    QString m_kind;
    QString m_pageKind;
    Shape m_shape = Shape::List;
    QString m_what;
    BronzeStore *m_bronze;
    Clock *m_clock;
    RateBudget *m_budget;
    QNetworkAccessManager *m_network;
    int m_page = 0;
};
