#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

// Times and windows as users write them: ISO-8601 UTC and whole minutes. The API, the
// exports and the command line all read and print them here.
namespace TimeFormat {

// The widest window any metric accepts: ten years of minutes.
constexpr qint64 maxWindowMinutes = 5256000;

// 2025-01-01T15:30:00Z
QString iso(qint64 epochSeconds);
// An ISO-8601 UTC time (Z or +00:00) from 1970 to 9999; nullopt for anything else.
std::optional<QDateTime> parseUtc(const QString &text);
// Digits only, within [minimum, maximum]; nullopt for anything else.
std::optional<qint64> parseWholeNumber(const QString &text, qint64 minimum, qint64 maximum);

} // namespace TimeFormat
