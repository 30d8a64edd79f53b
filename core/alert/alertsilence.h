#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

// A silence, as Alertmanager has them: alerts it matches still show, but notify no one
// until it ends. It matches by rule and, when given, by repository. Kept in
// <data>/alert-silences.json, so that the window, the API and the engine share them.
struct AlertSilence
{
    static constexpr int maxCount = 500;
    static constexpr qint64 maxSeconds = 365 * 86400;

    QString id; // made when it is added
    QString rule; // a rule's name
    QString repository; // owner/name, or empty for all the rule's alerts
    qint64 startsAt = 0; // epoch seconds
    qint64 endsAt = 0;
    QString comment;

    bool matches(const QString &ruleName, const QString &alertRepository, qint64 now) const;
    QJsonObject toJson() const;
    // Nothing, and `error` says why, for a silence that is not valid.
    static std::optional<AlertSilence> fromJson(const QJsonObject &json, QString *error);

    // The silences not yet ended; none when the file does not exist.
    static std::optional<QList<AlertSilence>> load(const QString &path, qint64 now, QString *error);
    // Adds `silence` (its id is made here) under a lock file; ended ones are dropped.
    static std::optional<AlertSilence> add(const QString &path, AlertSilence silence, qint64 now,
                                           QString *error);
    // Ends the silence `id` now, removing it; false and `error` when there is none.
    static bool expire(const QString &path, const QString &id, qint64 now, QString *error);

private:
    static bool update(const QString &path, qint64 now,
                       const std::function<bool(QList<AlertSilence> &, QString *)> &change,
                       QString *error);
};
