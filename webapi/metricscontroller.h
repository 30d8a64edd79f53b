#pragma once

#include "endpoint.h"

// The metric endpoints, answering from MetricsQueries only: event counts, pull-request
// cadence and history, the most active repositories. A metric is added here, with its
// route in routes.h, its query in MetricsQueries, and nowhere else.
class MetricsController
{
public:
    MetricsController(QueriesSource queries, ScopeOf scopeOf);
    QList<Endpoint> endpoints() const;

private:
    QueriesSource m_queries;
    ScopeOf m_scopeOf;
};
