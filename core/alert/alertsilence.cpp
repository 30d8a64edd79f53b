#include "alert/alertsilence.h"

#include "alert/jsonfile.h"
#include "event/repositoryname.h"
#include "event/timeformat.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

bool AlertSilence::matches(const QString &ruleName, const QString &alertRepository,
                           qint64 now) const
{
    return startsAt <= now && now < endsAt && rule == ruleName
        && (repository.isEmpty() || repository.compare(alertRepository, Qt::CaseInsensitive) == 0);
}

QJsonObject AlertSilence::toJson() const
{
    return {{u"id"_s, id},
            {u"rule"_s, rule},
            {u"repository"_s, repository.isEmpty() ? QJsonValue() : QJsonValue(repository)},
            {u"starts_at"_s, TimeFormat::iso(startsAt)},
            {u"ends_at"_s, TimeFormat::iso(endsAt)},
            {u"comment"_s, comment}};
}

std::optional<AlertSilence> AlertSilence::fromJson(const QJsonObject &json, QString *error)
{
    const auto time = [&json](const char *key) {
        const QDateTime at
            = QDateTime::fromString(json[QLatin1StringView(key)].toString(), Qt::ISODate);
        return at.isValid() ? at.toSecsSinceEpoch() : qint64(-1);
    };
    AlertSilence silence;
    silence.id = json["id"_L1].toString();
    silence.rule = json["rule"_L1].toString();
    silence.repository = json["repository"_L1].toString();
    silence.startsAt = time("starts_at");
    silence.endsAt = time("ends_at");
    silence.comment = json["comment"_L1].toString();
    if (silence.rule.isEmpty() || silence.rule.size() > 50)
        *error = u"a silence names the rule it silences"_s;
    else if (!silence.repository.isEmpty() && !RepositoryName::isValid(silence.repository))
        *error = u"a silence's repository is owner/name"_s;
    else if (silence.startsAt < 0 || silence.endsAt <= silence.startsAt
             || silence.endsAt - silence.startsAt > maxSeconds)
        *error = u"a silence lasts from a second to a year"_s;
    else if (silence.comment.size() > 500)
        *error = u"a silence's comment is at most 500 characters"_s;
    else
        return silence;
    return std::nullopt;
}

std::optional<QList<AlertSilence>> AlertSilence::load(const QString &path, qint64 now,
                                                      QString *error)
{
    QFile file(path);
    if (!file.exists())
        return QList<AlertSilence>();
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QJsonDocument document = QJsonDocument::fromJson(file.read(4 * 1024 * 1024));
    if (!document["silences"_L1].isArray()) {
        *error = u"%1 is not {\"silences\": [...]}"_s.arg(path);
        return std::nullopt;
    }
    QList<AlertSilence> silences;
    for (const QJsonValue &value : document["silences"_L1].toArray()) {
        const std::optional<AlertSilence> silence = fromJson(value.toObject(), error);
        if (!silence)
            return std::nullopt;
        if (silence->endsAt > now)
            silences.append(*silence);
    }
    return silences;
}

bool AlertSilence::update(const QString &path, qint64 now,
                          const std::function<bool(QList<AlertSilence> &, QString *)> &change,
                          QString *error)
{
    return JsonFile::whileLocked(
        path,
        [&] {
            std::optional<QList<AlertSilence>> silences = load(path, now, error);
            if (!silences || !change(*silences, error))
                return false;
            QJsonArray array;
            for (const AlertSilence &silence : std::as_const(*silences))
                array.append(silence.toJson());
            return JsonFile::write(path, {{u"silences"_s, array}}, error);
        },
        error);
}

std::optional<AlertSilence> AlertSilence::add(const QString &path, AlertSilence silence, qint64 now,
                                              QString *error)
{
    silence.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!fromJson(silence.toJson(), error))
        return std::nullopt;
    const bool added = update(
        path, now,
        [&silence](QList<AlertSilence> &silences, QString *why) {
            if (silences.size() >= maxCount) {
                *why = u"%1 silences already: end some first"_s.arg(maxCount);
                return false;
            }
            silences.append(silence);
            return true;
        },
        error);
    return added ? std::optional(silence) : std::nullopt;
}

bool AlertSilence::expire(const QString &path, const QString &id, qint64 now, QString *error)
{
    return update(
        path, now,
        [&id](QList<AlertSilence> &silences, QString *why) {
            if (silences.removeIf([&id](const AlertSilence &silence) { return silence.id == id; }))
                return true;
            *why = u"no silence %1"_s.arg(id);
            return false;
        },
        error);
}
