#pragma once

#include <QString>
#include <QStringList>

// Which actors are automation. GitHub names its apps' accounts "<app>[bot]"; a few older
// automation accounts are plain users, listed here by login. Event payloads in 2026 are
// trimmed and rarely carry the actor's type; where one does ("type": "Bot"), the store
// learns the login (bot_logins), and the scopes' bot switch counts it as a bot too.
namespace BotAccounts {

// Lower-case logins of known automation that lack the "[bot]" suffix.
const QStringList &knownLogins();
bool isBot(const QString &login);

} // namespace BotAccounts
