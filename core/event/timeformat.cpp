#include "timeformat.h"

using namespace Qt::StringLiterals;

QString TimeFormat::iso(qint64 epochSeconds)
{
    return QDateTime::fromSecsSinceEpoch(epochSeconds, Qt::UTC).toString(Qt::ISODate);
}

std::optional<QDateTime> TimeFormat::parseUtc(const QString &text)
{
    const QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    const bool utc = text.endsWith(u'Z') || text.endsWith("+00:00"_L1);
    if (!time.isValid() || !utc || time.date().year() < 1970 || time.date().year() > 9999)
        return std::nullopt;
    return time.toUTC();
}

std::optional<qint64> TimeFormat::parseWholeNumber(const QString &text, qint64 minimum,
                                                   qint64 maximum)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    const qint64 value = text.toLongLong();
    if (value < minimum || value > maximum)
        return std::nullopt;
    return value;
}
