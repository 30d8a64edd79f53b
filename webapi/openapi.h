#pragma once

#include "endpoint.h"

#include <QJsonArray>
#include <QJsonObject>

// The OpenAPI 3 document, assembled from the endpoints' own descriptions, and the
// pieces controllers describe their endpoints with.
namespace OpenApi {

QJsonObject document(const QString &serverUrl, const QList<Endpoint> &endpoints,
                     bool tokenRequired);

QJsonObject parameter(const QString &name, const QString &in, const QJsonObject &schema,
                      const QString &description);
QJsonObject integerSchema(qint64 minimum, qint64 maximum, qint64 fallback);
QJsonObject windowParameter(const QString &name, qint64 fallback);
QJsonObject atParameter();
QJsonArray scoped(QJsonArray parameters); // with scope and bots, in the query
QJsonArray repositoryParameters(); // owner and name, in the path

QJsonObject typed(const char *type, bool nullable = false);
QJsonObject objectSchema(const QJsonObject &properties);
QJsonObject ref(const QString &schema);
QJsonObject jsonResponse(const QString &description, const QJsonObject &schema);
QJsonObject textResponse(const QString &mediaType, const QString &description);
// Error responses ({"error", "parameter"}) for the given status codes.
QJsonObject errors(std::initializer_list<std::pair<const char *, const char *>> codes);
// An operation, with the answers every route may give (403, 405, 503) added.
QJsonObject operation(const QString &summary, const QJsonArray &parameters, QJsonObject responses);
QJsonObject get(const QString &summary, const QJsonArray &parameters, QJsonObject responses);

} // namespace OpenApi
