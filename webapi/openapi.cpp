#include "openapi.h"

#include "event/timeformat.h"
#include "query/metrictypes.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

QJsonObject OpenApi::parameter(const QString &name, const QString &in, const QJsonObject &schema,
                               const QString &description)
{
    return {{u"name"_s, name},
            {u"in"_s, in},
            {u"required"_s, in == "path"_L1},
            {u"description"_s, description},
            {u"schema"_s, schema}};
}

QJsonObject OpenApi::integerSchema(qint64 minimum, qint64 maximum, qint64 fallback)
{
    return {{u"type"_s, u"integer"_s},
            {u"minimum"_s, minimum},
            {u"maximum"_s, maximum},
            {u"default"_s, fallback}};
}

QJsonObject OpenApi::windowParameter(const QString &name, qint64 fallback)
{
    return parameter(name, u"query"_s, integerSchema(1, TimeFormat::maxWindowMinutes, fallback),
                     name == "offset"_L1
                         ? u"window length in minutes; `window` is the same parameter"_s
                         : u"window length in minutes"_s);
}

QJsonObject OpenApi::atParameter()
{
    return parameter(u"at"_s, u"query"_s, {{u"type"_s, u"string"_s}, {u"format"_s, u"date-time"_s}},
                     u"end of the window, ISO-8601 UTC; default now"_s);
}

QJsonArray OpenApi::scoped(QJsonArray parameters)
{
    const auto choice = [](const QStringList &values) {
        return QJsonObject {{u"type"_s, u"string"_s},
                            {u"enum"_s, QJsonArray::fromStringList(values)},
                            {u"default"_s, values.first()}};
    };
    parameters.append(
        parameter(u"scope"_s, u"query"_s, choice({u"all"_s, u"watched"_s}),
                  u"all: every stored event, a sample of GitHub outside complete hours; "
                  "watched: the watched repositories' own feeds, complete unless the "
                  "quality block names a gap"_s));
    parameters.append(parameter(u"bots"_s, u"query"_s, choice(Scope::botsNames()),
                                u"count bots' events (logins ending in [bot], and known "
                                "automation accounts), leave them out, or count only them"_s));
    return parameters;
}

QJsonArray OpenApi::repositoryParameters()
{
    return {parameter(u"owner"_s, u"path"_s, typed("string"), u"repository owner"_s),
            parameter(u"name"_s, u"path"_s, typed("string"),
                      u"repository name (owner%2Fname in one segment also works)"_s)};
}

QJsonObject OpenApi::typed(const char *type, bool nullable)
{
    return {{u"type"_s, QLatin1StringView(type)}, {u"nullable"_s, nullable}};
}

QJsonObject OpenApi::objectSchema(const QJsonObject &properties)
{
    return {{u"type"_s, u"object"_s}, {u"properties"_s, properties}};
}

QJsonObject OpenApi::ref(const QString &schema)
{
    return {{u"$ref"_s, QString(u"#/components/schemas/"_s + schema)}};
}

QJsonObject OpenApi::jsonResponse(const QString &description, const QJsonObject &schema)
{
    return {
        {u"description"_s, description},
        {u"content"_s, QJsonObject {{u"application/json"_s, QJsonObject {{u"schema"_s, schema}}}}}};
}

QJsonObject OpenApi::textResponse(const QString &mediaType, const QString &description)
{
    return {
        {u"description"_s, description},
        {u"content"_s, QJsonObject {{mediaType, QJsonObject {{u"schema"_s, typed("string")}}}}}};
}

QJsonObject OpenApi::errors(std::initializer_list<std::pair<const char *, const char *>> codes)
{
    QJsonObject responses;
    for (const auto &[code, description] : codes)
        responses.insert(QLatin1StringView(code),
                         jsonResponse(QLatin1StringView(description), ref(u"Error"_s)));
    return responses;
}

QJsonObject OpenApi::operation(const QString &summary, const QJsonArray &parameters,
                               QJsonObject responses)
{
    const QJsonObject common
        = errors({{"403", "the Host header is not allowed (DNS rebinding protection)"},
                  {"405", "another method than the ones documented here"},
                  {"503", "the database is unavailable; try again after Retry-After seconds"}});
    for (auto it = common.begin(); it != common.end(); ++it) {
        if (!responses.contains(it.key()))
            responses.insert(it.key(), it.value());
    }
    return {{u"summary"_s, summary}, {u"parameters"_s, parameters}, {u"responses"_s, responses}};
}

QJsonObject OpenApi::get(const QString &summary, const QJsonArray &parameters,
                         QJsonObject responses)
{
    return {{u"get"_s, operation(summary, parameters, std::move(responses))}};
}

namespace {

// "getApiRepositoryOwnerNameAvgPrTime" for GET /api/repository/{owner}/{name}/avg_pr_time:
// the method, then the path's words, its parameters' names among them.
QString operationId(const QString &method, const QString &path)
{
    QString id = method;
    for (const QString &segment : path.split(u'/', Qt::SkipEmptyParts)) {
        for (const QString &word :
             segment.split(QRegularExpression(u"[^A-Za-z0-9]+"_s), Qt::SkipEmptyParts))
            id += word.front().toUpper() + word.mid(1);
    }
    return id;
}

} // namespace

QJsonObject OpenApi::document(const QString &serverUrl, const QList<Endpoint> &endpoints,
                              bool tokenRequired)
{
    QJsonObject paths;
    QJsonObject schemas {
        {u"Error"_s,
         objectSchema({{u"error"_s, typed("string")}, {u"parameter"_s, typed("string")}})}};
    const QJsonArray bearer {QJsonObject {{u"bearer"_s, QJsonArray()}}};
    for (const Endpoint &endpoint : endpoints) {
        if (!endpoint.route.documented)
            continue;
        QJsonObject operations = endpoint.operations;
        for (auto it = operations.begin(); it != operations.end(); ++it) {
            QJsonObject operation = it.value().toObject();
            operation.insert(u"operationId"_s, operationId(it.key(), endpoint.route.name()));
            // The page and its images ask for no token; with one set, the rest do.
            const bool guarded = tokenRequired && endpoint.needsToken;
            operation.insert(u"security"_s, guarded ? bearer : QJsonArray {QJsonObject()});
            if (guarded) {
                QJsonObject responses = operation[u"responses"_s].toObject();
                responses.insert(
                    u"401"_s,
                    jsonResponse(u"the bearer token is missing or wrong"_s, ref(u"Error"_s)));
                operation.insert(u"responses"_s, responses);
            }
            it.value() = operation;
        }
        paths.insert(endpoint.route.name(), operations);
        for (auto it = endpoint.schemas.begin(); it != endpoint.schemas.end(); ++it)
            schemas.insert(it.key(), it.value());
    }
    // The bearer scheme only where a token is asked for: a scheme no operation uses is noise.
    QJsonObject components {{u"schemas"_s, schemas}};
    if (tokenRequired)
        components.insert(
            u"securitySchemes"_s,
            QJsonObject {
                {u"bearer"_s, QJsonObject {{u"type"_s, u"http"_s}, {u"scheme"_s, u"bearer"_s}}}});
    return {{u"openapi"_s, u"3.0.3"_s},
            {u"info"_s,
             QJsonObject {{u"title"_s, u"GitHub Event Monitor API"_s},
                          {u"version"_s, QStringLiteral(GHM_VERSION)},
                          {u"license"_s,
                           QJsonObject {{u"name"_s, u"MIT"_s},
                                        {u"url"_s, u"https://opensource.org/license/mit"_s}}}}},
            {u"servers"_s, QJsonArray {QJsonObject {{u"url"_s, serverUrl}}}},
            {u"paths"_s, paths},
            {u"components"_s, components}};
}
