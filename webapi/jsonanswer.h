#pragma once

#include <QHttpServerResponse>
#include <QJsonObject>

// Every JSON answer of the service: one content type, compact bodies.
namespace JsonAnswer {

inline constexpr char contentType[] = "application/json; charset=utf-8";

QHttpServerResponse of(const QJsonObject &object,
                       QHttpServerResponse::StatusCode status
                       = QHttpServerResponse::StatusCode::Ok);
// A body already written as JSON (a cached answer, a snapshot).
QHttpServerResponse ofBytes(const QByteArray &json);

} // namespace JsonAnswer
