#include "apiparameters.h"

#include "apierror.h"

using namespace Qt::StringLiterals;

namespace {

QString single(const QUrlQuery &query, const QString &name, bool *present)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1)
        throw ApiError {400, u"%1 is given more than once"_s.arg(name), name};
    *present = !values.isEmpty();
    return values.value(0);
}

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

qint64 ApiParameters::integer(const QUrlQuery &query, const QString &name, qint64 minimum,
                              qint64 maximum, qint64 fallback)
{
    bool present = false;
    const QString text = single(query, name, &present);
    if (!present)
        return fallback;
    const QString range = u"%1 must be a whole number from %2 to %3"_s.arg(
        name, QString::number(minimum), QString::number(maximum));
    if (text.isEmpty() || text.size() > 18)
        throw ApiError {400, range, name};
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            throw ApiError {400, range, name};
    }
    const qint64 value = text.toLongLong();
    if (value < minimum || value > maximum)
        throw ApiError {400, range, name};
    return value;
}

QDateTime ApiParameters::time(const QUrlQuery &query, const QString &name, const QDateTime &now)
{
    bool present = false;
    const QString text = single(query, name, &present);
    if (!present)
        return now;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    const bool utc = text.endsWith(u'Z') || text.endsWith("+00:00"_L1);
    if (!time.isValid() || !utc || time.date().year() < 1970 || time.date().year() > 9999)
        throw ApiError {
            400, u"%1 must be an ISO-8601 UTC time such as 2025-01-01T15:30:00Z"_s.arg(name), name};
    return time.toUTC();
}

QString ApiParameters::repository(const QString &owner, const QString &name)
{
    if (!isNamePart(owner, true) || !isNamePart(name, false))
        throw ApiError {400,
                        u"a repository is owner/name: letters, digits and '-' (name also "
                        "'.' and '_'), at most 100 characters each"_s,
                        u"repository"_s};
    return owner + u'/' + name;
}

QString ApiParameters::isoTime(qint64 epochSeconds)
{
    return QDateTime::fromSecsSinceEpoch(epochSeconds, Qt::UTC).toString(Qt::ISODate);
}
