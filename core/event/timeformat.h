#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

// Times, windows and numbers as users read and write them: ISO-8601 UTC, whole minutes,
// durations and counts. The API, the exports, the window and the command line use these.
namespace TimeFormat {

// The widest window any metric accepts: ten years of minutes.
constexpr qint64 maxWindowMinutes = 5256000;

// 2025-01-01T15:30:00Z
QString iso(qint64 epochSeconds);
// An ISO-8601 UTC time (Z or +00:00) from 1970 to 9999; nullopt for anything else.
std::optional<QDateTime> parseUtc(const QString &text);
// Digits only, within [minimum, maximum]; nullopt for anything else.
std::optional<qint64> parseWholeNumber(const QString &text, qint64 minimum, qint64 maximum);

// A duration for reading: "45 s", "12 min", "40.0 h", "3.2 days".
QString duration(double seconds);
// A count or rate for reading: "840", "12,345", "2.5" (under 10, one decimal).
QString count(double value);

} // namespace TimeFormat
