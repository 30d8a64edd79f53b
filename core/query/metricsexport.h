#pragma once

#include "query/dashboardsnapshot.h"

#include <QJsonObject>

// The metric exports of `--export` and File > Export Metrics, written from the snapshot
// the window draws.
namespace MetricsExport {

QByteArray csv(const DashboardSnapshot &snapshot);
QJsonObject json(const DashboardSnapshot &snapshot);
// The quality block of every metric answer, in one shape.
QJsonObject qualityJson(const WindowQuality &quality);
QJsonObject scopeJson(const Scope &scope);
// A history's time from opening to merge, and to the first close (merged or not).
QJsonObject timeToMergeJson(const PullRequestStats &prs);
// A star history: the days in its window, the stars gained on them, the history's total and
// GitHub's own count (stargazers_count, null until read).
QJsonObject starsJson(const StarHistory &stars);
QJsonObject timeToCloseJson(const PullRequestStats &prs);
// One hour of coverage, in /api/coverage and the snapshot's JSON alike.
QJsonObject hourCoverageJson(const HourCoverage &hour);
// One source's measurements in one hour, for /api/sources.
QJsonObject sourceHourJson(const SourceHour &hour);
// The reference mix the sources are measured against, with its provenance.
QJsonObject referenceJson();

} // namespace MetricsExport
