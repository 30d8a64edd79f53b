#pragma once

#include "endpoint.h"

struct AlertBoard;

#include <functional>

// The alerts (GET /api/alerts), their rules (GET /api/alerts/rules, PUT and DELETE
// /api/alerts/rules/{name}) and silences (GET and POST /api/alerts/silences, DELETE
// /api/alerts/silences/{id}), answered on the server thread. A rule is validated as
// alerts.json's are, and written there, as a silence is to alert-silences.json; then
// `changed` asks the engine to evaluate again.
class AlertsController
{
public:
    // `alerts` belongs to the server and outlives this controller.
    AlertsController(const QString &dataDir, const AlertBoard *alerts,
                     std::function<void()> changed);
    QList<Endpoint> endpoints();

    // -> {active: [alert], history: [alert]}, newest first.
    QJsonObject alerts() const;

private:
    QJsonObject rules() const; // {rules: [rule]}
    // The query's kind, threshold, for_seconds, keep_firing_for_seconds, enabled, scope and
    // labels (name:value, comma-separated) make the rule `name`, new or replaced.
    QJsonObject setRule(const QString &name, const QUrlQuery &query) const;
    QJsonObject removeRule(const QString &name) const; // 404 for an unknown rule
    QJsonObject silences() const; // {silences: [silence]}, those not yet ended
    // The query's rule, repository, for_seconds and comment make a silence from now.
    QJsonObject addSilence(const QUrlQuery &query) const;
    QJsonObject expireSilence(const QString &id) const; // 404 for an unknown silence
    QString rulesPath() const;
    QString silencesPath() const;

    QString m_dataDir;
    const AlertBoard *m_alerts;
    std::function<void()> m_changed;
};
