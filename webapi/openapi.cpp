#include "openapi.h"

#include "routes.h"
#include "timeformat.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonObject parameter(const QString &name, const QString &in, const QJsonObject &schema,
                      const QString &description, bool required = false)
{
    return {{u"name"_s, name},
            {u"in"_s, in},
            {u"required"_s, required || in == "path"_L1},
            {u"description"_s, description},
            {u"schema"_s, schema}};
}

QJsonObject integerSchema(int minimum, int maximum, int fallback)
{
    return {{u"type"_s, u"integer"_s},
            {u"minimum"_s, minimum},
            {u"maximum"_s, maximum},
            {u"default"_s, fallback}};
}

QJsonObject ref(const QString &name)
{
    return {{u"$ref"_s, QString(u"#/components/schemas/"_s + name)}};
}

QJsonObject jsonResponse(const QString &description, const QJsonObject &schema)
{
    return {
        {u"description"_s, description},
        {u"content"_s, QJsonObject {{u"application/json"_s, QJsonObject {{u"schema"_s, schema}}}}}};
}

QJsonObject errors(std::initializer_list<std::pair<const char *, const char *>> codes)
{
    QJsonObject responses;
    for (const auto &[code, description] : codes)
        responses.insert(QLatin1StringView(code),
                         jsonResponse(QLatin1StringView(description), ref(u"Error"_s)));
    return responses;
}

QJsonObject operation(const QString &summary, const QJsonArray &parameters, QJsonObject responses)
{
    const QJsonObject common
        = errors({{"403", "the Host header is not allowed (DNS rebinding protection)"},
                  {"405", "another method than the ones documented here"}});
    for (auto it = common.begin(); it != common.end(); ++it)
        responses.insert(it.key(), it.value());
    return {{u"summary"_s, summary}, {u"parameters"_s, parameters}, {u"responses"_s, responses}};
}

QJsonObject get(const QString &summary, const QJsonArray &parameters, QJsonObject responses)
{
    return {{u"get"_s, operation(summary, parameters, std::move(responses))}};
}

QJsonObject objectSchema(const QJsonObject &properties)
{
    return {{u"type"_s, u"object"_s}, {u"properties"_s, properties}};
}

QJsonObject typed(const char *type, bool nullable = false)
{
    return {{u"type"_s, QLatin1StringView(type)}, {u"nullable"_s, nullable}};
}

} // namespace

QJsonObject OpenApi::document(const QString &serverUrl)
{
    const QJsonObject at
        = parameter(u"at"_s, u"query"_s, {{u"type"_s, u"string"_s}, {u"format"_s, u"date-time"_s}},
                    u"end of the window, ISO-8601 UTC; default now"_s);
    const QJsonObject offset
        = parameter(u"offset"_s, u"query"_s, integerSchema(1, TimeFormat::maxWindowMinutes, 10),
                    u"window length in minutes"_s);
    QJsonObject activeOffset = offset;
    activeOffset[u"schema"_s] = integerSchema(1, TimeFormat::maxWindowMinutes, 60);
    const QJsonObject limit
        = parameter(u"limit"_s, u"query"_s, integerSchema(1, 1000, 10), u"how many repositories"_s);
    const QJsonObject owner
        = parameter(u"owner"_s, u"path"_s, typed("string"), u"repository owner"_s);
    const QJsonObject name
        = parameter(u"name"_s, u"path"_s, typed("string"),
                    u"repository name (owner%2Fname in one segment also works)"_s);
    const QJsonObject badRequest
        = errors({{"400", "a malformed, missing or out-of-range parameter"}});

    QJsonObject paths;
    QJsonObject counts = badRequest;
    counts.insert(u"200"_s, jsonResponse(u"event counts by type"_s, ref(u"EventCounts"_s)));
    paths.insert(Routes::eventCount.name(),
                 get(u"Event counts by type over the last N minutes"_s, {offset, at}, counts));

    QJsonObject average = errors({{"400", "not GitHub's owner/name syntax"},
                                  {"404", "no stored events for this repository"}});
    average.insert(u"200"_s,
                   jsonResponse(u"pull-request cadence"_s, ref(u"PullRequestInterval"_s)));
    paths.insert(Routes::averagePullRequestTime.name(),
                 get(u"Average time between opened pull requests of a repository"_s, {owner, name},
                     average));

    QJsonObject active = badRequest;
    active.insert(u"200"_s,
                  jsonResponse(u"repositories by event count"_s, ref(u"ActiveRepositories"_s)));
    paths.insert(Routes::activeRepositories.name(),
                 get(u"Most active repositories"_s, {limit, activeOffset, at}, active));

    QJsonObject history = average;
    history.insert(u"200"_s,
                   jsonResponse(u"pull-request history and time to merge"_s, typed("object")));
    paths.insert(
        Routes::pullRequests.name(),
        get(u"Pull-request cadence, time to merge (median, p90) and open count; complete for watched repositories"_s,
            {owner, name}, history));
    paths.insert(Routes::watchlist.name(),
                 get(u"Watched repositories and their state"_s, {},
                     {{u"200"_s, jsonResponse(u"the watch list"_s, typed("object"))}}));
    QJsonObject change = errors({{"400", "not GitHub's owner/name syntax"}});
    change.insert(u"200"_s,
                  jsonResponse(u"the repository and whether it is watched"_s, typed("object")));
    QJsonObject removal = change;
    removal.insert(u"404"_s, jsonResponse(u"the repository is not watched"_s, ref(u"Error"_s)));
    paths.insert(
        Routes::watchedRepository.name(),
        QJsonObject {
            {u"put"_s,
             operation(u"Watch a repository: poll its events, fetch its pull-request history"_s,
                       {owner, name}, change)},
            {u"delete"_s, operation(u"Stop watching a repository"_s, {owner, name}, removal)}});
    paths.insert(Routes::health.name(),
                 get(u"Service health and poller state"_s, {},
                     {{u"200"_s, jsonResponse(u"health"_s, ref(u"Health"_s))}}));
    paths.insert(Routes::openApi.name(),
                 get(u"This document"_s, {},
                     {{u"200"_s, jsonResponse(u"OpenAPI 3 document"_s, typed("object"))}}));
    paths.insert(
        Routes::prometheus.name(),
        get(u"Prometheus metrics (text exposition format 0.0.4)"_s, {},
            {{u"200"_s,
              QJsonObject {{u"description"_s, u"metrics"_s},
                           {u"content"_s,
                            QJsonObject {{u"text/plain"_s,
                                          QJsonObject {{u"schema"_s, typed("string")}}}}}}}}));

    const QJsonObject schemas {
        {u"Error"_s,
         objectSchema({{u"error"_s, typed("string")}, {u"parameter"_s, typed("string")}})},
        {u"EventCounts"_s,
         objectSchema({{u"offset"_s, typed("integer")},
                       {u"from"_s, typed("string")},
                       {u"to"_s, typed("string")},
                       {u"total"_s, typed("integer")},
                       {u"counts"_s,
                        QJsonObject {{u"type"_s, u"object"_s},
                                     {u"additionalProperties"_s, typed("integer")}}}})},
        {u"PullRequestInterval"_s,
         objectSchema({{u"repository"_s, typed("string")},
                       {u"source"_s, typed("string")},
                       {u"window"_s, typed("object")},
                       {u"pull_requests"_s, typed("integer")},
                       {u"average_seconds"_s, typed("number", true)},
                       {u"median_seconds"_s, typed("number", true)},
                       {u"first_opened_at"_s, typed("string", true)},
                       {u"last_opened_at"_s, typed("string", true)}})},
        {u"ActiveRepositories"_s,
         objectSchema({{u"offset"_s, typed("integer")},
                       {u"limit"_s, typed("integer")},
                       {u"from"_s, typed("string")},
                       {u"to"_s, typed("string")},
                       {u"repositories"_s,
                        QJsonObject {{u"type"_s, u"array"_s},
                                     {u"items"_s,
                                      objectSchema({{u"repository"_s, typed("string")},
                                                    {u"events"_s, typed("integer")}})}}}})},
        {u"Health"_s,
         objectSchema({{u"status"_s, typed("string")},
                       {u"version"_s, typed("string")},
                       {u"store"_s, typed("object")},
                       {u"events_stored"_s, typed("integer", true)},
                       {u"last_event_at"_s, typed("string", true)},
                       {u"poller"_s, typed("object")}})},
    };
    return {{u"openapi"_s, u"3.0.3"_s},
            {u"info"_s,
             QJsonObject {{u"title"_s, u"GitHub Event Monitor API"_s},
                          {u"version"_s, QStringLiteral(GHM_VERSION)}}},
            {u"servers"_s, QJsonArray {QJsonObject {{u"url"_s, serverUrl}}}},
            {u"paths"_s, paths},
            {u"components"_s,
             QJsonObject {{u"schemas"_s, schemas},
                          {u"securitySchemes"_s,
                           QJsonObject {{u"bearer"_s,
                                         QJsonObject {{u"type"_s, u"http"_s},
                                                      {u"scheme"_s, u"bearer"_s}}}}}}}};
}
