#pragma once

#include "endpoint.h"

class MetricsQueries;

// The metric endpoints, answering from MetricsQueries only: event counts, pull-request
// cadence and history, the most active repositories. A metric is added here, with its
// route in routes.h, its query in MetricsQueries, and nowhere else.
class MetricsController
{
public:
    explicit MetricsController(MetricsQueries *queries);
    QList<Endpoint> endpoints() const;

private:
    MetricsQueries *m_queries;
};
