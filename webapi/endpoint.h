#pragma once

#include "query/metrictypes.h"
#include "routes.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class MetricsQueries;

// What a handler may read of its request: a copy, so that it can be answered on a reader
// thread after QHttpServer has moved on.
struct ApiRequest
{
    QUrl url;
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Get;
    QByteArray ifNoneMatch; // the ETag the client holds, for a 304
};

// The calling thread's queries: each reader thread, and the server's, has its own connection.
using QueriesSource = std::function<MetricsQueries &()>;
// The scope a request names: its `scope` and `bots` over the server's watch list. Throws
// ApiError for a malformed one.
using ScopeOf = std::function<Scope(const QUrlQuery &query)>;

// Whether an answer may be reused until the data changes, and whether it also moves
// with the clock (a window ending "now", unless the request names its end with `at`).
// A reusable answer carries an ETag, and a request that holds it gets 304.
enum class Caching { Off, ByRequest, ByRequestAndSecond };

// One route as its controller declares it: what it answers, how, and how it is
// documented. ApiServer registers it and the OpenAPI document describes it from this
// alone, so a new endpoint is written in one place.
struct Endpoint
{
    // `path`: the route's {parameters}, in order. May throw ApiError or StoreUnavailable.
    using Handler
        = std::function<QHttpServerResponse(const QStringList &path, const ApiRequest &request)>;
    // Where it is answered: metrics on the reader threads, so that no request waits behind
    // another's slow query; quick answers (health) on the server thread, so that they
    // never wait behind a metric.
    enum class Runs { OnReaders, OnServer };

    Route route;
    Caching caching = Caching::Off;
    Handler handler;
    QJsonObject operations; // the OpenAPI path item: {"get": {...}}; empty when undocumented
    QJsonObject schemas; // the OpenAPI components its operations refer to, by name
    Runs runs = Runs::OnReaders;
    // The dashboard's page and scripts hold no data: they load without the token, so
    // that the page can ask for it. Every other route needs it when one is configured.
    bool needsToken = true;
};
