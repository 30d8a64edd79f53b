#include "collect/organizationrepositories.h"

#include "event/repositoryname.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

OrganizationRepositories::OrganizationRepositories(const Connection &connection,
                                                   const QString &organization, BronzeStore *bronze,
                                                   Clock *clock, RateBudget *budget,
                                                   QObject *parent)
    : RepositoryPages(connection, organization, u"organization"_s, u"repository list"_s, bronze,
                      clock, budget, parent)
{
}

void OrganizationRepositories::start(int limit)
{
    m_limit = limit;
    m_listed.clear();
    requestFirst(u"/repos"_s, u"type=public&sort=pushed&direction=desc&per_page=100"_s, u"repos"_s);
}

// A name that is not GitHub's owner/name, or not the organization's, is not watched.
void OrganizationRepositories::pageArrived(const QJsonArray &repositories, const QUrl &next)
{
    const QString prefix = repository().toLower() + u'/';
    for (const QJsonValue &value : repositories) {
        const QString name = value["full_name"_L1].toString();
        if (!value["archived"_L1].toBool() && RepositoryName::isValid(name)
            && name.toLower().startsWith(prefix) && m_listed.size() < m_limit)
            m_listed.append(name);
    }
    if (next.isValid() && m_listed.size() < m_limit)
        requestNext(next);
    else
        emit listed(repository(), m_listed);
}
