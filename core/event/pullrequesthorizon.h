#pragma once

// How far back a watched repository's pull-request history goes by default: the collector
// fetches that far (PullRequestBackfill) and the queries count pull requests as complete
// from there (MetricsQueries). GHM_PR_HORIZON_DAYS and _COUNT change it.
namespace PullRequestHorizon {

inline constexpr int defaultDays = 90;
inline constexpr int defaultCount = 1000;

} // namespace PullRequestHorizon
