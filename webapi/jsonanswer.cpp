#include "jsonanswer.h"

#include <QJsonDocument>

QHttpServerResponse JsonAnswer::of(const QJsonObject &object,
                                   QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(contentType, QJsonDocument(object).toJson(QJsonDocument::Compact),
                               status);
}

QHttpServerResponse JsonAnswer::ofBytes(const QByteArray &json)
{
    return QHttpServerResponse(contentType, json);
}
