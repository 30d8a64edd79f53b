#pragma once

#include "routes.h"

#include <QHttpServerResponse>
#include <QJsonObject>
#include <QStringList>

#include <functional>

class QHttpServerRequest;

// Whether an answer may be reused until the data changes, and whether it also moves
// with the clock (a window ending "now", unless the request names its end with `at`).
enum class Caching { Off, ByRequest, ByRequestAndSecond };

// One route as its controller declares it: what it answers, how, and how it is
// documented. ApiServer registers it and the OpenAPI document describes it from this
// alone, so a new endpoint is written in one place.
struct Endpoint
{
    // `path`: the route's {parameters}, in order. May throw ApiError or StoreUnavailable.
    using Handler = std::function<QHttpServerResponse(const QStringList &path,
                                                      const QHttpServerRequest &request)>;

    Route route;
    Caching caching = Caching::Off;
    Handler handler;
    QJsonObject operations; // the OpenAPI path item: {"get": {...}}; empty when undocumented
    QJsonObject schemas; // the OpenAPI components its operations refer to, by name
};
