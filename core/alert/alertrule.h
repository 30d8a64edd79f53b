#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

// One alerting rule, in the terms of Prometheus' alerting rules: a condition, how long it
// must hold before the alert fires (`for`), how long a firing alert outlives its condition
// (`keep_firing_for`), and labels added to each alert. Kept in <data>/alerts.json as
// {"rules": [...]}; a missing file means the defaults.
struct AlertRule
{
    enum class Kind {
        StarSpike, // a watched repository's stars of a day, far above its own baseline
        ActivityBurst, // a watched repository's events of an hour, far above its baseline
        ReleasePublished, // a watched repository's ReleaseEvent
        PullRequestOpened, // a watched repository's pull request, opened
        PullRequestMerged, // a watched repository's pull request, merged
        PullRequestStale, // a watched repository's pull request, open `threshold` days or more
        FeedDegraded, // the last hour's numbers hold lower bounds
        IngestionStalled, // polls succeed, yet no event was stored for `threshold` minutes
        RateLimitLow, // below `threshold` % of the rate limit left
        DiskLow, // below `threshold` MiB free where the data is kept
        ArchiveBehind, // GH Archive's newest stored hour `threshold` hours old or more
    };

    QString name; // unique: letters, digits, '-' and '_', at most 50
    Kind kind = Kind::StarSpike;
    bool enabled = true;
    // Repository rules: "watched", a group's name, or one owner/name.
    QString scope = QStringLiteral("watched");
    double threshold = 0; // in the kind's unit (thresholdUnit)
    qint64 forSeconds = 0;
    qint64 keepFiringForSeconds = 0;
    // Notifications, in Alertmanager's terms: each rule is a group. Its first notification
    // waits `group_wait` to gather the alerts that fire together; a change is notified at
    // most every `group_interval`; alerts still firing are notified again every
    // `repeat_interval` (0: never; per-event rules never repeat).
    qint64 groupWaitSeconds = 30;
    qint64 groupIntervalSeconds = 300;
    qint64 repeatIntervalSeconds = 4 * 3600;
    QMap<QString, QString> labels; // e.g. severity

    bool isAboutRepositories() const { return kind <= Kind::PullRequestStale; }
    // Each event (a release, a merge, a day's spike) is an alert of its own that fires
    // once, rather than a condition that holds.
    bool isPerEvent() const { return isAboutRepositories() && kind != Kind::PullRequestStale; }

    QJsonObject toJson() const;
    // Nothing, and `error` says why, for a rule that is not valid.
    static std::optional<AlertRule> fromJson(const QJsonObject &json, QString *error);

    // `labels` added to `into`, as the JSON of alerts.json, the API and the webhook.
    static QJsonObject labelsJson(const QMap<QString, QString> &labels, QJsonObject into = {});
    static QString kindName(Kind kind); // "star_spike", ...
    static std::optional<Kind> kindFrom(const QString &name);
    static QString thresholdUnit(Kind kind); // "z-score", "minutes", ...
    static QList<AlertRule> defaults();

    // Reads `path` (the defaults when it does not exist); nothing and `error` when it
    // cannot be read or holds a bad rule.
    static std::optional<QList<AlertRule>> load(const QString &path, QString *error);
    static bool save(const QString &path, const QList<AlertRule> &rules, QString *error);
    // Loads, changes and saves the rules under a lock file, so that the window, the API and
    // other processes on the same data never lose each other's edits. `change` returns
    // false, with `error`, to keep the file as it is.
    static bool update(const QString &path,
                       const std::function<bool(QList<AlertRule> &, QString *)> &change,
                       QString *error);
};
