#pragma once

#include "endpoint.h"

struct AlertBoard;

// The alerts (GET /api/alerts) and their rules (GET /api/alerts/rules, PUT and DELETE
// /api/alerts/rules/{name}), answered on the server thread. A rule is validated as
// alerts.json's are, and written there: the engine reads it at its next evaluation.
class AlertsController
{
public:
    // `alerts` belongs to the server and outlives this controller.
    AlertsController(const QString &dataDir, const AlertBoard *alerts);
    QList<Endpoint> endpoints();

    // -> {active: [alert], history: [alert]}, newest first.
    QJsonObject alerts() const;

private:
    QJsonObject rules() const; // {rules: [rule]}
    // The query's kind, threshold, for_seconds, keep_firing_for_seconds, enabled, scope and
    // labels (name:value, comma-separated) make the rule `name`, new or replaced.
    QJsonObject setRule(const QString &name, const QUrlQuery &query) const;
    QJsonObject removeRule(const QString &name) const; // 404 for an unknown rule
    QString rulesPath() const;

    QString m_dataDir;
    const AlertBoard *m_alerts;
};
