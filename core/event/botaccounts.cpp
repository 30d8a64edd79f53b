#include "event/botaccounts.h"

using namespace Qt::StringLiterals;

const QStringList &BotAccounts::knownLogins()
{
    // Accounts that act for a service or an automation, not for a person.
    static const QStringList logins {
        u"github-actions"_s,
        u"dependabot"_s,
        u"dependabot-preview"_s,
        u"renovate-bot"_s,
        u"greenkeeperio-bot"_s,
        u"codecov-io"_s,
        u"coveralls"_s,
        u"k8s-ci-robot"_s,
        u"googlebot"_s,
        u"pre-commit-ci"_s,
        u"imgbot"_s,
        u"snyk-bot"_s,
        u"allcontributors"_s,
        u"mergify"_s,
        u"netlify"_s,
        u"vercel"_s,
    };
    return logins;
}

bool BotAccounts::isBot(const QString &login)
{
    return login.endsWith("[bot]"_L1, Qt::CaseInsensitive)
        || knownLogins().contains(login.toLower());
}
