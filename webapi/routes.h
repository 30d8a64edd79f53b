#pragma once

#include <QList>
#include <QString>

// Every route of the service, named once. Registration, the OpenAPI document and the
// /metrics route labels all read them here.
struct Route
{
    const char *path; // as documented: /api/repository/{owner}/{name}/avg_pr_time
    const char *methods = "GET"; // comma-separated
    bool documented = true; // in the OpenAPI document

    QString name() const { return QString::fromLatin1(path); }
    // The QHttpServer pattern: each {parameter} becomes <arg>.
    QString pattern() const;
};

namespace Routes {

inline constexpr Route eventCount {"/api/events/count"};
inline constexpr Route averagePullRequestTime {"/api/repository/{owner}/{name}/avg_pr_time"};
inline constexpr Route averagePullRequestTimeOneSegment {"/api/repository/{repository}/avg_pr_time",
                                                         "GET", false};
inline constexpr Route pullRequests {"/api/repository/{owner}/{name}/pull_requests"};
inline constexpr Route stars {"/api/repository/{owner}/{name}/stars"};
inline constexpr Route activeRepositories {"/api/repositories/active"};
inline constexpr Route coverage {"/api/coverage"};
inline constexpr Route sources {"/api/sources"};
inline constexpr Route watchlist {"/api/watchlist"};
inline constexpr Route watchedRepository {"/api/watchlist/{owner}/{name}", "PUT, DELETE"};
inline constexpr Route watchedOrganization {"/api/watchlist/{organization}", "PUT, DELETE"};
inline constexpr Route groups {"/api/groups"};
inline constexpr Route group {"/api/groups/{group}", "PUT, DELETE"};
inline constexpr Route health {"/api/health"};
inline constexpr Route openApi {"/api/openapi.json"};
inline constexpr Route prometheus {"/metrics"};
inline constexpr Route dashboard {"/dashboard"};
inline constexpr Route dashboardPanel {"/dashboard/{panel}"};
inline constexpr Route apiDocs {"/api/docs"};
inline constexpr Route dashboardAsset {"/dashboard/assets/{file}", "GET", false};
inline constexpr Route dashboardData {"/api/dashboard"};
inline constexpr Route repositories {"/api/repositories"};
inline constexpr Route alerts {"/api/alerts"};
inline constexpr Route alertRules {"/api/alerts/rules"};
inline constexpr Route alertRule {"/api/alerts/rules/{name}", "PUT, DELETE"};
inline constexpr Route alertSilences {"/api/alerts/silences", "GET, POST"};
inline constexpr Route alertSilence {"/api/alerts/silences/{id}", "DELETE"};

// Every route; the documented ones are in the OpenAPI document.
inline constexpr Route all[] = {eventCount,
                                averagePullRequestTime,
                                averagePullRequestTimeOneSegment,
                                pullRequests,
                                stars,
                                activeRepositories,
                                coverage,
                                sources,
                                watchlist,
                                watchedRepository,
                                watchedOrganization,
                                groups,
                                group,
                                health,
                                openApi,
                                prometheus,
                                dashboard,
                                dashboardPanel,
                                apiDocs,
                                dashboardAsset,
                                dashboardData,
                                repositories,
                                alerts,
                                alertRules,
                                alertRule,
                                alertSilences,
                                alertSilence};

} // namespace Routes
