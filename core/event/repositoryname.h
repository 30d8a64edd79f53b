#pragma once

#include <QString>

#include <string_view>

// GitHub's owner/name syntax, checked wherever a name comes from outside: the API, the
// watch list file, the window's picker.
namespace RepositoryName {

// Letters, digits and '-' (the name also '.' and '_'), at most 100 characters each.
bool isValid(const QString &owner, const QString &name);
bool isValid(const QString &repository); // "owner/name"
// An owner alone, as an organization is named: letters, digits and '-'.
bool isValidOwner(const QString &owner);
// The same for UTF-8 text straight from the parser, without a copy.
bool isValidUtf8(std::string_view repository);

// What a user is told when a name is refused.
QString syntaxHint();

} // namespace RepositoryName
