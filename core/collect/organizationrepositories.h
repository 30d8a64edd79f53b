#pragma once

#include "collect/repositorypages.h"

// Lists a watched organization's public repositories (GET /orgs/{org}/repos, most recently
// pushed first), following Link until `limit` are listed; archived ones are left out, for
// they cannot change. Pages go to bronze as repos_*.json.
class OrganizationRepositories : public RepositoryPages
{
    Q_OBJECT

public:
    OrganizationRepositories(const Connection &connection, const QString &organization,
                             BronzeStore *bronze, Clock *clock, RateBudget *budget,
                             QObject *parent = nullptr);

    void start(int limit);

signals:
    void listed(const QString &organization, const QStringList &repositories);

protected:
    void pageArrived(const QJsonArray &repositories, const QUrl &next) override;

private:
    int m_limit = 0;
    QStringList m_listed;
};
