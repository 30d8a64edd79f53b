#include "repositoryname.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

bool isNamePart(const QString &part, bool owner)
{
    if (part.isEmpty() || part.size() > 100 || part == "."_L1 || part == ".."_L1)
        return false;
    for (QChar c : part) {
        const bool plain = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'-';
        if (!plain && (owner || (c != u'.' && c != u'_')))
            return false;
    }
    return !owner || !part.startsWith(u'-');
}

} // namespace

bool RepositoryName::isValid(const QString &owner, const QString &name)
{
    return isNamePart(owner, true) && isNamePart(name, false);
}

bool RepositoryName::isValid(const QString &repository)
{
    const QStringList parts = repository.split(u'/');
    return parts.size() == 2 && isValid(parts[0], parts[1]);
}

QString RepositoryName::syntaxHint()
{
    return u"a repository is owner/name: letters, digits and '-' (name also '.' and '_'), "
           "at most 100 characters each"_s;
}
