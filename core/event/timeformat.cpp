#include "event/timeformat.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

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

// The rules of resources/web/format.js, checked with the same vectors on both sides
// (tests/format_vectors.json).
QString TimeFormat::duration(double seconds)
{
    if (seconds < 90)
        return QCoreApplication::translate("TimeFormat", "%1 s").arg(qRound64(seconds));
    if (seconds < 90 * 60)
        return QCoreApplication::translate("TimeFormat", "%1 min").arg(qRound64(seconds / 60));
    if (seconds < 48 * 3600)
        return QCoreApplication::translate("TimeFormat", "%1 h").arg(seconds / 3600, 0, 'f', 1);
    return QCoreApplication::translate("TimeFormat", "%1 days").arg(seconds / 86400, 0, 'f', 1);
}

QString TimeFormat::count(double value)
{
    static const QLocale english(QLocale::English);
    if (std::abs(value) < 10 && value != std::round(value))
        return english.toString(value, 'f', 1);
    return english.toString(qRound64(value));
}
