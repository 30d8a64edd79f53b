#pragma once

#include <QString>
#include <QStringList>

// Which actors are automation. GitHub names its apps' accounts "<app>[bot]"; a few older
// automation accounts are plain users, listed here by login. Event payloads in 2026 are
// trimmed and rarely carry the actor's type, so the login decides.
namespace BotAccounts {

// Lower-case logins of known automation that lack the "[bot]" suffix.
const QStringList &knownLogins();
bool isBot(const QString &login);

} // namespace BotAccounts
