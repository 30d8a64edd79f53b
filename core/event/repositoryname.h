#pragma once

#include <QString>

// GitHub's owner/name syntax, checked wherever a name comes from outside: the API, the
// watch list file, the window's picker.
namespace RepositoryName {

// Letters, digits and '-' (the name also '.' and '_'), at most 100 characters each.
bool isValid(const QString &owner, const QString &name);
bool isValid(const QString &repository); // "owner/name"

// What a user is told when a name is refused.
QString syntaxHint();

} // namespace RepositoryName
