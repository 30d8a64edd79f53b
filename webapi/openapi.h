#pragma once

#include <QJsonObject>

// The OpenAPI 3 description of every endpoint ApiServer serves.
namespace OpenApi {

QJsonObject document(const QString &serverUrl);

} // namespace OpenApi
