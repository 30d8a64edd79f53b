#include "alertscontroller.h"

#include "alert/alertengine.h"
#include "alert/alertsilence.h"
#include "apierror.h"
#include "jsonanswer.h"
#include "openapi.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

// The rule's fields a PUT may give, with the JSON type each takes.
enum class Field { Text, Number, Boolean };
const std::pair<const char *, Field> ruleFields[] = {
    {"kind", Field::Text},
    {"threshold", Field::Number},
    {"for_seconds", Field::Number},
    {"keep_firing_for_seconds", Field::Number},
    {"group_wait_seconds", Field::Number},
    {"group_interval_seconds", Field::Number},
    {"repeat_interval_seconds", Field::Number},
    {"enabled", Field::Boolean},
    {"scope", Field::Text},
    {"labels", Field::Text},
};

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

QJsonArray silenceParameters()
{
    using namespace OpenApi;
    return {parameter(u"rule"_s, u"query"_s, typed("string"), u"the rule silenced (required)"_s),
            parameter(u"repository"_s, u"query"_s, typed("string"),
                      u"owner/name: only this repository's alerts (all of the rule's without)"_s),
            parameter(u"for_seconds"_s, u"query"_s, typed("integer"),
                      u"how long, from now: 1 second to a year (required)"_s),
            parameter(u"comment"_s, u"query"_s, typed("string"), u"why, for the others"_s)};
}

QJsonObject silenceAnswers()
{
    using namespace OpenApi;
    QJsonObject answers = errors({{"400", "a bad value, named"}});
    answers.insert(u"200"_s, jsonResponse(u"the silence, with its id"_s, typed("object")));
    return answers;
}

QJsonObject expiryAnswers()
{
    using namespace OpenApi;
    QJsonObject answers = errors({{"404", "no such silence"}});
    answers.insert(u"200"_s, jsonResponse(u"the silence, ended"_s, typed("object")));
    return answers;
}

} // namespace

AlertsController::AlertsController(const QString &dataDir, const AlertBoard *alerts,
                                   std::function<void()> changed)
    : m_dataDir(dataDir)
    , m_alerts(alerts)
    , m_changed(std::move(changed))
{
}

QString AlertsController::rulesPath() const
{
    return m_dataDir + u"/alerts.json"_s;
}

QString AlertsController::silencesPath() const
{
    return m_dataDir + u"/alert-silences.json"_s;
}

QJsonObject AlertsController::alerts() const
{
    QJsonArray active;
    for (const Alert &alert : m_alerts->active)
        active.append(alert.toJson());
    QJsonArray history;
    for (const Alert &alert : m_alerts->history)
        history.append(alert.toJson());
    return {{u"active"_s, active}, {u"history"_s, history}};
}

QJsonObject AlertsController::rules() const
{
    QString error;
    const std::optional<QList<AlertRule>> rules = AlertRule::load(rulesPath(), &error);
    if (!rules)
        throw ApiError {409, error, {}};
    QJsonArray array;
    for (const AlertRule &rule : *rules)
        array.append(rule.toJson());
    return {{u"rules"_s, array}};
}

QJsonObject AlertsController::setRule(const QString &name, const QUrlQuery &query) const
{
    QJsonObject json {{u"name"_s, name}};
    for (const auto &[key, field] : ruleFields) {
        const QString text = query.queryItemValue(QLatin1StringView(key), QUrl::FullyDecoded);
        if (!query.hasQueryItem(QLatin1StringView(key)))
            continue;
        bool ok = true;
        if (field == Field::Number) {
            json.insert(QLatin1StringView(key), text.toDouble(&ok));
        } else if (field == Field::Boolean) {
            ok = text == "true"_L1 || text == "false"_L1;
            json.insert(QLatin1StringView(key), text == "true"_L1);
        } else if (QLatin1StringView(key) == "labels"_L1) {
            QJsonObject labels;
            for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
                ok = ok && pair.count(u':') == 1;
                labels.insert(pair.section(u':', 0, 0), pair.section(u':', 1));
            }
            json.insert(QLatin1StringView(key), labels);
        } else {
            json.insert(QLatin1StringView(key), text);
        }
        if (!ok)
            throw ApiError {400, u"%1=%2 is not valid"_s.arg(QLatin1StringView(key), text),
                            QString::fromLatin1(key)};
    }
    QString error;
    const std::optional<AlertRule> rule = AlertRule::fromJson(json, &error);
    if (!rule)
        throw ApiError {400, error, u"rule"_s};
    const auto replace = [&](QList<AlertRule> &rules, QString *) {
        const auto same = [&name](const AlertRule &existing) { return existing.name == name; };
        const auto found = std::find_if(rules.begin(), rules.end(), same);
        if (found != rules.end())
            *found = *rule;
        else
            rules.append(*rule);
        return true;
    };
    if (!AlertRule::update(rulesPath(), replace, &error))
        throw ApiError {409, error, {}};
    m_changed();
    return rule->toJson();
}

QJsonObject AlertsController::removeRule(const QString &name) const
{
    QString error;
    bool found = true;
    const auto remove = [&](QList<AlertRule> &rules, QString *) {
        found = rules.removeIf([&name](const AlertRule &rule) { return rule.name == name; }) > 0;
        return found;
    };
    if (!AlertRule::update(rulesPath(), remove, &error))
        throw found ? ApiError {409, error, {}}
                    : ApiError {404, u"no rule named %1"_s.arg(name), u"rule"_s};
    m_changed();
    return {{u"rule"_s, name}, {u"removed"_s, true}};
}

QJsonObject AlertsController::silences() const
{
    QString error;
    const auto silences = AlertSilence::load(silencesPath(), now(), &error);
    if (!silences)
        throw ApiError {409, error, {}};
    QJsonArray array;
    for (const AlertSilence &silence : *silences)
        array.append(silence.toJson());
    return {{u"silences"_s, array}};
}

QJsonObject AlertsController::addSilence(const QUrlQuery &query) const
{
    const auto value = [&query](const char *key) {
        return query.queryItemValue(QLatin1StringView(key), QUrl::FullyDecoded);
    };
    bool ok = false;
    const qint64 seconds = value("for_seconds").toLongLong(&ok);
    if (!ok || seconds < 1 || seconds > AlertSilence::maxSeconds)
        throw ApiError {400, u"for_seconds must be whole seconds from 1 to a year"_s,
                        u"for_seconds"_s};
    AlertSilence silence;
    silence.rule = value("rule");
    silence.repository = value("repository");
    silence.comment = value("comment");
    silence.startsAt = now();
    silence.endsAt = silence.startsAt + seconds;
    QString error;
    const std::optional<AlertSilence> added
        = AlertSilence::add(silencesPath(), silence, now(), &error);
    if (!added)
        throw ApiError {400, error, {}};
    m_changed();
    return added->toJson();
}

QJsonObject AlertsController::expireSilence(const QString &id) const
{
    QString error;
    if (!AlertSilence::expire(silencesPath(), id, now(), &error))
        throw ApiError {404, error, u"id"_s};
    m_changed();
    return {{u"id"_s, id}, {u"expired"_s, true}};
}

QList<Endpoint> AlertsController::endpoints()
{
    using namespace OpenApi;
    QJsonArray ruleParameters {parameter(u"name"_s, u"path"_s, typed("string"),
                                         u"the rule's name: letters, digits, '-' and '_'"_s)};
    for (const auto &[key, field] : ruleFields)
        ruleParameters.append(parameter(
            QString::fromLatin1(key), u"query"_s,
            typed(field == Field::Number        ? "number"
                      : field == Field::Boolean ? "boolean"
                                                : "string"),
            u"the rule's %1, as in alerts.json (labels: name:value, comma-separated)"_s.arg(
                QLatin1StringView(key))));
    QJsonObject change
        = errors({{"400", "a bad value, named"}, {"409", "alerts.json cannot be read"}});
    change.insert(u"200"_s, jsonResponse(u"the rule as stored"_s, typed("object")));
    QJsonObject removal = errors({{"404", "no such rule"}, {"409", "alerts.json cannot be read"}});
    removal.insert(u"200"_s, jsonResponse(u"the rule, removed"_s, typed("object")));
    const QJsonObject alertsSchema
        = objectSchema({{u"active"_s, typed("array")}, {u"history"_s, typed("array")}});
    return {
        {Routes::alerts,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &) { return JsonAnswer::of(alerts()); },
         get(u"Alerts: pending and firing, and the latest resolved"_s, {},
             {{u"200"_s, jsonResponse(u"alerts"_s, ref(u"Alerts"_s))}}),
         {{u"Alerts"_s, alertsSchema}},
         Endpoint::Runs::OnServer},
        {Routes::alertRules,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &) { return JsonAnswer::of(rules()); },
         get(u"The alert rules, as alerts.json holds them (the defaults without it)"_s, {},
             {{u"200"_s, jsonResponse(u"the rules"_s, typed("object"))}}),
         {},
         Endpoint::Runs::OnServer},
        {Routes::alertRule,
         Caching::Off,
         [this](const QStringList &path, const ApiRequest &request) {
             return JsonAnswer::of(request.method == QHttpServerRequest::Method::Put
                                       ? setRule(path[0], QUrlQuery(request.url))
                                       : removeRule(path[0]));
         },
         {{u"put"_s, operation(u"Add or replace an alert rule"_s, ruleParameters, change)},
          {u"delete"_s, operation(u"Remove an alert rule"_s, {ruleParameters.first()}, removal)}},
         {},
         Endpoint::Runs::OnServer},
        {Routes::alertSilences,
         Caching::Off,
         [this](const QStringList &, const ApiRequest &request) {
             return JsonAnswer::of(request.method == QHttpServerRequest::Method::Post
                                       ? addSilence(QUrlQuery(request.url))
                                       : silences());
         },
         {{u"get"_s,
           operation(u"The silences not yet ended"_s, {},
                     {{u"200"_s, jsonResponse(u"the silences"_s, typed("object"))}})},
          {u"post"_s,
           operation(u"Silence a rule's alerts, or one repository's, for a while"_s,
                     silenceParameters(), silenceAnswers())}},
         {},
         Endpoint::Runs::OnServer},
        {Routes::alertSilence,
         Caching::Off,
         [this](const QStringList &path, const ApiRequest &) {
             return JsonAnswer::of(expireSilence(path[0]));
         },
         {{u"delete"_s,
           operation(u"End a silence now"_s,
                     {parameter(u"id"_s, u"path"_s, typed("string"), u"the silence's id"_s)},
                     expiryAnswers())}},
         {},
         Endpoint::Runs::OnServer}};
}
