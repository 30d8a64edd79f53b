#include "event/repositoryname.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

// QString or std::string_view: the same rule for both.
template <typename Text> bool isNamePart(const Text &part, bool owner)
{
    const auto size = qsizetype(part.size());
    // "." and ".." are no names.
    if (size == 0 || size > 100 || (size <= 2 && part[0] == u'.' && part[size - 1] == u'.'))
        return false;
    for (const auto c : part) {
        const bool plain = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'-';
        if (!plain && (owner || (c != u'.' && c != u'_')))
            return false;
    }
    return !owner || part[0] != u'-';
}

} // namespace

bool RepositoryName::isValid(const QString &owner, const QString &name)
{
    return isNamePart(owner, true) && isNamePart(name, false);
}

bool RepositoryName::isValidUtf8(std::string_view repository)
{
    const size_t slash = repository.find('/');
    return slash != std::string_view::npos && isNamePart(repository.substr(0, slash), true)
        && isNamePart(repository.substr(slash + 1), false);
}

bool RepositoryName::isValid(const QString &repository)
{
    const QStringList parts = repository.split(u'/');
    return parts.size() == 2 && isValid(parts[0], parts[1]);
}

bool RepositoryName::isValidOwner(const QString &owner)
{
    return isNamePart(owner, true);
}

QString RepositoryName::syntaxHint()
{
    return u"a repository is owner/name: letters, digits and '-' (name also '.' and '_'), "
           "at most 100 characters each"_s;
}
