#include "alert/alertrule.h"

#include "alert/jsonfile.h"
#include "event/repositoryname.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

struct KindInfo
{
    AlertRule::Kind kind;
    const char *name;
    const char *unit;
};

constexpr KindInfo kinds[] = {
    {AlertRule::Kind::StarSpike, "star_spike", "z-score"},
    {AlertRule::Kind::ActivityBurst, "activity_burst", "z-score"},
    {AlertRule::Kind::ReleasePublished, "release_published", "none"},
    {AlertRule::Kind::PullRequestOpened, "pull_request_opened", "none"},
    {AlertRule::Kind::PullRequestMerged, "pull_request_merged", "none"},
    {AlertRule::Kind::PullRequestStale, "pull_request_stale", "days"},
    {AlertRule::Kind::FeedDegraded, "feed_degraded", "none"},
    {AlertRule::Kind::IngestionStalled, "ingestion_stalled", "minutes"},
    {AlertRule::Kind::RateLimitLow, "rate_limit_low", "percent"},
    {AlertRule::Kind::DiskLow, "disk_low", "MiB"},
    {AlertRule::Kind::ArchiveBehind, "archive_behind", "hours"},
};

constexpr qint64 maxDurationSeconds = 30 * 86400;

bool isValidName(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]{1,50}$"_s);
    return pattern.match(name).hasMatch();
}

} // namespace

QString AlertRule::kindName(Kind kind)
{
    for (const KindInfo &info : kinds) {
        if (info.kind == kind)
            return QString::fromLatin1(info.name);
    }
    return {};
}

std::optional<AlertRule::Kind> AlertRule::kindFrom(const QString &name)
{
    for (const KindInfo &info : kinds) {
        if (name == QLatin1StringView(info.name))
            return info.kind;
    }
    return std::nullopt;
}

QString AlertRule::thresholdUnit(Kind kind)
{
    for (const KindInfo &info : kinds) {
        if (info.kind == kind)
            return QString::fromLatin1(info.unit);
    }
    return {};
}

QJsonObject AlertRule::labelsJson(const QMap<QString, QString> &labels, QJsonObject into)
{
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        into.insert(it.key(), it.value());
    return into;
}

QJsonObject AlertRule::toJson() const
{
    QJsonObject json {{u"name"_s, name},
                      {u"kind"_s, kindName(kind)},
                      {u"enabled"_s, enabled},
                      {u"threshold"_s, threshold},
                      {u"threshold_unit"_s, thresholdUnit(kind)},
                      {u"for_seconds"_s, forSeconds},
                      {u"keep_firing_for_seconds"_s, keepFiringForSeconds},
                      {u"group_wait_seconds"_s, groupWaitSeconds},
                      {u"group_interval_seconds"_s, groupIntervalSeconds},
                      {u"repeat_interval_seconds"_s, repeatIntervalSeconds},
                      {u"labels"_s, labelsJson(labels)}};
    if (isAboutRepositories())
        json.insert(u"scope"_s, scope);
    return json;
}

std::optional<AlertRule> AlertRule::fromJson(const QJsonObject &json, QString *error)
{
    AlertRule rule;
    rule.name = json["name"_L1].toString();
    if (!isValidName(rule.name)) {
        *error = u"a rule's name is 1 to 50 letters, digits, '-' or '_'"_s;
        return std::nullopt;
    }
    const auto fail = [&](const QString &why) {
        *error = u"rule %1: %2"_s.arg(rule.name, why);
        return std::nullopt;
    };
    const std::optional<Kind> kind = kindFrom(json["kind"_L1].toString());
    if (!kind) {
        QStringList names;
        for (const KindInfo &info : kinds)
            names << QString::fromLatin1(info.name);
        return fail(u"kind must be one of %1"_s.arg(names.join(u", "_s)));
    }
    rule.kind = *kind;
    rule.enabled = json["enabled"_L1].toBool(true);
    rule.threshold = json["threshold"_L1].toDouble(0);
    if (!json["threshold"_L1].isUndefined() && !json["threshold"_L1].isDouble())
        return fail(u"threshold must be a number"_s);
    if (rule.threshold < 0 || (rule.kind == Kind::RateLimitLow && rule.threshold > 100))
        return fail(u"threshold must be at least 0 (a percentage at most 100)"_s);
    for (const auto &[key, target] :
         {std::pair {"for_seconds", &rule.forSeconds},
          std::pair {"keep_firing_for_seconds", &rule.keepFiringForSeconds},
          std::pair {"group_wait_seconds", &rule.groupWaitSeconds},
          std::pair {"group_interval_seconds", &rule.groupIntervalSeconds},
          std::pair {"repeat_interval_seconds", &rule.repeatIntervalSeconds}}) {
        const QJsonValue value = json[QLatin1StringView(key)];
        if (value.isUndefined())
            continue; // the default
        *target = value.toInteger(-1);
        if (*target < 0 || *target > maxDurationSeconds)
            return fail(
                u"%1 must be whole seconds from 0 to 30 days"_s.arg(QLatin1StringView(key)));
    }
    if (rule.isAboutRepositories()) {
        rule.scope = json["scope"_L1].toString(u"watched"_s);
        if (rule.scope.contains(u'/') && !RepositoryName::isValid(rule.scope))
            return fail(u"scope must be \"watched\", a group or owner/name"_s);
    }
    const QJsonObject labels = json["labels"_L1].toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!isValidName(it.key()) || !it.value().isString() || it->toString().size() > 200)
            return fail(u"labels are names to strings of at most 200 characters"_s);
        rule.labels.insert(it.key(), it->toString());
    }
    return rule;
}

QList<AlertRule> AlertRule::defaults()
{
    const auto rule = [](const char *name, Kind kind, double threshold, qint64 forSeconds,
                         qint64 keepSeconds, const char *severity) {
        AlertRule made;
        made.name = QString::fromLatin1(name);
        made.kind = kind;
        made.threshold = threshold;
        made.forSeconds = forSeconds;
        made.keepFiringForSeconds = keepSeconds;
        made.labels.insert(u"severity"_s, QString::fromLatin1(severity));
        return made;
    };
    // Busy repositories open many pull requests a day, and keep old ones open: asked for,
    // not given.
    AlertRule opened = rule("opened", Kind::PullRequestOpened, 0, 0, 3600, "info");
    opened.enabled = false;
    AlertRule stale = rule("stale", Kind::PullRequestStale, 30, 0, 0, "info");
    stale.enabled = false;
    return {rule("star-spike", Kind::StarSpike, 3.5, 0, 86400, "info"),
            rule("activity-burst", Kind::ActivityBurst, 4, 0, 3600, "info"),
            rule("release", Kind::ReleasePublished, 0, 0, 3600, "info"),
            opened,
            rule("merged", Kind::PullRequestMerged, 0, 0, 3600, "info"),
            stale,
            rule("feed-degraded", Kind::FeedDegraded, 0, 15 * 60, 0, "warning"),
            rule("ingestion-stalled", Kind::IngestionStalled, 30, 0, 0, "critical"),
            rule("rate-limit-low", Kind::RateLimitLow, 10, 0, 0, "warning"),
            rule("disk-low", Kind::DiskLow, 1024, 0, 0, "critical"),
            rule("archive-behind", Kind::ArchiveBehind, 6, 0, 0, "warning")};
}

std::optional<QList<AlertRule>> AlertRule::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.exists())
        return defaults();
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &parseError);
    if (!document.isObject() || !document["rules"_L1].isArray()) {
        *error = u"%1 is not {\"rules\": [...]}: %2"_s.arg(path, parseError.errorString());
        return std::nullopt;
    }
    QList<AlertRule> rules;
    QSet<QString> names;
    for (const QJsonValue &value : document["rules"_L1].toArray()) {
        std::optional<AlertRule> rule = fromJson(value.toObject(), error);
        if (!rule)
            return std::nullopt;
        if (names.contains(rule->name)) {
            *error = u"two rules are named %1"_s.arg(rule->name);
            return std::nullopt;
        }
        names.insert(rule->name);
        rules.append(*rule);
    }
    return rules;
}

bool AlertRule::update(const QString &path,
                       const std::function<bool(QList<AlertRule> &, QString *)> &change,
                       QString *error)
{
    return JsonFile::whileLocked(
        path,
        [&] {
            std::optional<QList<AlertRule>> rules = load(path, error);
            return rules && change(*rules, error) && save(path, *rules, error);
        },
        error);
}

bool AlertRule::save(const QString &path, const QList<AlertRule> &rules, QString *error)
{
    QJsonArray array;
    for (const AlertRule &rule : rules)
        array.append(rule.toJson());
    return JsonFile::write(path, {{u"rules"_s, array}}, error);
}
