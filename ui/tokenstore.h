#pragma once

#include <QString>

// Where the window keeps the GitHub token: the system keyring (Secret Service, KWallet)
// through QtKeychain, or, where no keyring runs (a server, CI), a file readable by its
// owner only. Never in the settings file: a token left there by an older version moves
// out on the first read. Blocking calls, for the GUI thread, each a fraction of a second.
namespace TokenStore {

struct Result
{
    QString token; // empty when none is stored
    QString where; // "the system keyring" or the file's path
    QString error; // empty on success
    bool inKeyring = false;
};

Result read();
Result write(const QString &token);
// Removes the token from the keyring and the file.
Result clear();
// The file used where no keyring runs.
QString fallbackPath();

} // namespace TokenStore
