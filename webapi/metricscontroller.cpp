#include "metricscontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "event/timeformat.h"
#include "jsonanswer.h"
#include "openapi.h"
#include "query/metricsexport.h"
#include "query/metricsqueries.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;
using namespace OpenApi;

namespace {

QJsonValue optionalTime(const std::optional<qint64> &seconds)
{
    return seconds ? QJsonValue(TimeFormat::iso(*seconds)) : QJsonValue();
}

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

// What "complete" means, in every answer that has it.
const QString completeMeaning = u"true when every hour the window touches has its GH Archive "
                                "file ingested, so the numbers are all of GitHub's public "
                                "events; false when any of it rests on the live feed alone, a "
                                "sample of a few percent (see /api/coverage)"_s;

QJsonObject completeSchema()
{
    QJsonObject schema = typed("boolean");
    schema.insert(u"description"_s, completeMeaning);
    return schema;
}

// The quality block every metric answer carries (MetricsExport::qualityJson).
QJsonObject qualitySchema()
{
    QJsonObject status = typed("string");
    status.insert(u"enum"_s,
                  QJsonArray {u"complete"_s, u"settling"_s, u"sampled"_s, u"degraded"_s});
    status.insert(u"description"_s,
                  u"complete: every hour has a healthy GH Archive file filed by created_at; "
                  "degraded: some types fall far below the reference mix, or (watched scope) "
                  "a feed missed events or was not read yet, so counts are lower bounds; settling: "
                  "late events may still arrive (the live feeds' "
                  "measured p99 lag has not passed since an hour ended); sampled: a sample "
                  "of GitHub with a healthy mix"_s);
    QJsonObject degraded = QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, typed("string")}};
    degraded.insert(u"description"_s, u"types whose counts are lower bounds"_s);
    return objectSchema(
        {{u"status"_s, status},
         {u"label"_s, typed("string")},
         {u"hours"_s, typed("integer")},
         {u"complete_hours"_s, typed("integer")},
         {u"settling_hours"_s, typed("integer")},
         {u"settling_hour_starts"_s,
          QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, typed("string")}}},
         {u"settled_at"_s, typed("string", true)},
         {u"settle_seconds"_s, typed("integer", true)},
         {u"degraded_types"_s, degraded},
         {u"lower_bounds"_s, typed("boolean")},
         {u"push_share"_s, typed("number", true)},
         {u"feed_gaps"_s,
          QJsonObject {{u"type"_s, u"array"_s},
                       {u"items"_s,
                        objectSchema({{u"feed"_s, typed("string")}, {u"at"_s, typed("string")}})},
                       {u"description"_s,
                        u"watched scope: polls of a feed that shared no event "
                        "with the poll before, so events before `at` were "
                        "missed"_s}}},
         {u"feeds_read_late"_s,
          QJsonObject {{u"type"_s, u"array"_s},
                       {u"items"_s, typed("string")},
                       {u"description"_s,
                        u"watched scope: feeds first read after the window "
                        "began, or never"_s}}}});
}

QJsonObject scopeSchema()
{
    const QJsonObject names = QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, typed("string")}};
    return objectSchema({{u"name"_s, typed("string")},
                         {u"repositories"_s, names},
                         {u"organizations"_s, names},
                         {u"bots"_s, typed("string")}});
}

QJsonObject badRequest()
{
    return errors({{"400", "a malformed, missing or out-of-range parameter"}});
}

QJsonObject unknownRepository()
{
    return errors({{"400", "not GitHub's owner/name syntax"},
                   {"404", "no stored events for this repository"}});
}

// Each query parameter with a default, declared once for its parser and the OpenAPI document.
constexpr ApiParameters::Window countOffset {"offset", 10};
constexpr ApiParameters::Window activeOffset {"offset", 60};
constexpr ApiParameters::Integer activeLimit {"limit", 1, 1000, 10, "how many repositories"};
constexpr ApiParameters::Integer namesLimit {"limit", 1, 1000, 20, "how many names"};
// 0: no window, all of the repository's history.
constexpr ApiParameters::Window repositoryWindow {"window", 0};

// offset (minutes, default 10), at, scope, bots
//   -> {offset, from, to, scope, complete, quality, total, counts{type: n}}
QJsonObject eventCount(MetricsQueries &queries, const QUrlQuery &query, const Scope &scope)
{
    const qint64 offset = countOffset.read(query);
    const QDateTime at = ApiParameters::time(query, u"at"_s, MetricsQueries::currentTime());
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonObject counts;
    qint64 total = 0;
    for (const KeyCount &count : queries.typeCounts(window, scope)) {
        counts.insert(count.key, count.count);
        total += count.count;
    }
    const WindowQuality quality = queries.quality(window, scope);
    return {{u"offset"_s, offset},
            {u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"scope"_s, MetricsExport::scopeJson(scope)},
            {u"complete"_s,
             scope.isAll() ? queries.isComplete(window) : quality.completeHours == quality.hours},
            {u"quality"_s, MetricsExport::qualityJson(quality)},
            {u"total"_s, total},
            {u"counts"_s, counts}};
}

Endpoint eventCountEndpoint(const QueriesSource &queries, const ScopeOf &scopeOf)
{
    QJsonObject responses = badRequest();
    responses.insert(u"200"_s, jsonResponse(u"event counts by type"_s, ref(u"EventCounts"_s)));
    const QJsonObject schema = objectSchema(
        {{u"offset"_s, typed("integer")},
         {u"from"_s, typed("string")},
         {u"to"_s, typed("string")},
         {u"scope"_s, ref(u"Scope"_s)},
         {u"complete"_s, completeSchema()},
         {u"quality"_s, ref(u"Quality"_s)},
         {u"total"_s, typed("integer")},
         {u"counts"_s,
          QJsonObject {{u"type"_s, u"object"_s}, {u"additionalProperties"_s, typed("integer")}}}});
    return {
        Routes::eventCount,
        Caching::ByRequestAndSecond,
        [queries, scopeOf](const QStringList &, const ApiRequest &request) {
            const QUrlQuery query(request.url);
            return JsonAnswer::of(eventCount(queries(), query, scopeOf(query)));
        },
        get(u"Event counts by type over the last N minutes"_s,
            scoped({countOffset.declaration(), atParameter()}), responses),
        {{u"EventCounts"_s, schema}, {u"Quality"_s, qualitySchema()}, {u"Scope"_s, scopeSchema()}}};
}

// Every pull request opened up to `at`, or with `window`, those opened in the window.
PullRequestStats knownRepository(MetricsQueries &queries, const QString &owner, const QString &name,
                                 const QUrlQuery &query)
{
    const QString repository = ApiParameters::repository(owner, name);
    const QDateTime at = ApiParameters::time(query, u"at"_s, MetricsQueries::currentTime());
    const qint64 minutes = repositoryWindow.read(query);
    PullRequestStats stats = minutes > 0
        ? queries.pullRequestsIn(repository, TimeWindow::endingAt(at, minutes))
        : queries.averagePullRequestInterval(repository, at);
    if (!stats.repositoryKnown)
        throw ApiError {404, u"no stored events for repository %1"_s.arg(repository),
                        u"repository"_s};
    return stats;
}

// -> {repository, source, window{from, to, horizon_days, since}, pull_requests,
//     average_seconds, median_seconds, first_opened_at, last_opened_at}; 404 when the
//     repository has no stored events. From a history, only pull requests created since
//     `since` (horizon_days before now) count; from the event feeds, horizon_days is null.
// The repository, and optionally a window that `counted` says what it narrows.
QJsonArray windowedRepositoryParameters(const QString &counted)
{
    QJsonArray parameters = repositoryParameters();
    QJsonObject window = repositoryWindow.declaration();
    window[u"description"_s] = counted;
    window[u"schema"_s] = QJsonObject {
        {u"type"_s, u"integer"_s}, {u"minimum"_s, 1}, {u"maximum"_s, TimeFormat::maxWindowMinutes}};
    parameters << window << atParameter();
    return parameters;
}

QJsonArray pullRequestParameters()
{
    return windowedRepositoryParameters(u"count only the pull requests opened in the last "
                                        "`window` minutes before `at`; default all of them"_s);
}

QJsonObject averagePullRequestTime(const PullRequestStats &stats)
{
    return {{u"repository"_s, stats.repository},
            {u"source"_s, stats.source},
            {u"window"_s,
             QJsonObject {{u"from"_s, optionalTime(stats.firstOpenedAt)},
                          {u"to"_s, optionalTime(stats.lastOpenedAt)},
                          {u"horizon_days"_s,
                           stats.horizonFrom ? QJsonValue(stats.horizonDays) : QJsonValue()},
                          {u"since"_s, optionalTime(stats.horizonFrom)}}},
            {u"pull_requests"_s, stats.count},
            {u"average_seconds"_s, optionalNumber(stats.averageSeconds)},
            {u"median_seconds"_s, optionalNumber(stats.medianSeconds)},
            {u"first_opened_at"_s, optionalTime(stats.firstOpenedAt)},
            {u"last_opened_at"_s, optionalTime(stats.lastOpenedAt)}};
}

QList<Endpoint> averagePullRequestTimeEndpoints(const QueriesSource &queries)
{
    QJsonObject responses = unknownRepository();
    responses.insert(u"200"_s,
                     jsonResponse(u"pull-request cadence"_s, ref(u"PullRequestInterval"_s)));
    const QJsonObject schema = objectSchema({{u"repository"_s, typed("string")},
                                             {u"source"_s, typed("string")},
                                             {u"window"_s, typed("object")},
                                             {u"pull_requests"_s, typed("integer")},
                                             {u"average_seconds"_s, typed("number", true)},
                                             {u"median_seconds"_s, typed("number", true)},
                                             {u"first_opened_at"_s, typed("string", true)},
                                             {u"last_opened_at"_s, typed("string", true)}});
    const auto answer
        = [queries](const QString &owner, const QString &name, const ApiRequest &request) {
              return JsonAnswer::of(averagePullRequestTime(
                  knownRepository(queries(), owner, name, QUrlQuery(request.url))));
          };
    return {{Routes::averagePullRequestTime,
             Caching::ByRequest,
             [answer](const QStringList &path, const ApiRequest &request) {
                 return answer(path[0], path[1], request);
             },
             get(u"Average time between opened pull requests of a repository"_s,
                 pullRequestParameters(), responses),
             {{u"PullRequestInterval"_s, schema}}},
            // One segment where owner/name belongs: a malformed repository, not an unknown
            // path.
            {Routes::averagePullRequestTimeOneSegment,
             Caching::Off,
             [answer](const QStringList &path, const ApiRequest &request) {
                 return answer(path[0], QString(), request);
             },
             {},
             {}}};
}

// -> {repository, source, window{from, to}, pull_requests, open, average_seconds,
//     median_seconds, time_to_merge{merged, median_seconds, p90_seconds},
//     time_to_close{closed, median_seconds, p90_seconds}}
QJsonObject pullRequests(const PullRequestStats &stats)
{
    QJsonObject answer = averagePullRequestTime(stats);
    answer.insert(u"open"_s, stats.source == "history"_L1 ? QJsonValue(stats.open) : QJsonValue());
    answer.insert(u"time_to_merge"_s, MetricsExport::timeToMergeJson(stats));
    answer.insert(u"time_to_close"_s, MetricsExport::timeToCloseJson(stats));
    return answer;
}

Endpoint pullRequestsEndpoint(const QueriesSource &queries)
{
    QJsonObject responses = unknownRepository();
    responses.insert(u"200"_s,
                     jsonResponse(u"pull-request history and time to merge"_s, typed("object")));
    return {
        Routes::pullRequests,
        Caching::ByRequest,
        [queries](const QStringList &path, const ApiRequest &request) {
            return JsonAnswer::of(
                pullRequests(knownRepository(queries(), path[0], path[1], QUrlQuery(request.url))));
        },
        get(u"Pull-request cadence, time to merge and to first close (median, p90) and open count; complete for watched repositories"_s,
            pullRequestParameters(), responses),
        {}};
}

// limit (default 10), offset (minutes, default 60), at
//   -> {offset, limit, from, to, complete, repositories[{repository, events}]}
QJsonObject activeRepositories(MetricsQueries &queries, const QUrlQuery &query, const Scope &scope)
{
    const qint64 limit = activeLimit.read(query);
    const qint64 offset = activeOffset.read(query);
    const QDateTime at = ApiParameters::time(query, u"at"_s, MetricsQueries::currentTime());
    const TimeWindow window = TimeWindow::endingAt(at, offset);
    QJsonArray repositories;
    for (const KeyCount &count : queries.activeRepositories(int(limit), window, scope))
        repositories.append(QJsonObject {{u"repository"_s, count.key}, {u"events"_s, count.count}});
    const WindowQuality quality = queries.quality(window, scope);
    return {{u"offset"_s, offset},
            {u"limit"_s, limit},
            {u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"scope"_s, MetricsExport::scopeJson(scope)},
            {u"complete"_s,
             scope.isAll() ? queries.isComplete(window) : quality.completeHours == quality.hours},
            {u"quality"_s, MetricsExport::qualityJson(quality)},
            {u"ranking_depends_on_degraded_types"_s, quality.hasLowerBounds()},
            {u"repositories"_s, repositories}};
}

Endpoint activeRepositoriesEndpoint(const QueriesSource &queries, const ScopeOf &scopeOf)
{
    QJsonObject responses = badRequest();
    responses.insert(u"200"_s,
                     jsonResponse(u"repositories by event count"_s, ref(u"ActiveRepositories"_s)));
    const QJsonObject schema
        = objectSchema({{u"offset"_s, typed("integer")},
                        {u"limit"_s, typed("integer")},
                        {u"from"_s, typed("string")},
                        {u"to"_s, typed("string")},
                        {u"scope"_s, ref(u"Scope"_s)},
                        {u"complete"_s, completeSchema()},
                        {u"quality"_s, ref(u"Quality"_s)},
                        {u"ranking_depends_on_degraded_types"_s, typed("boolean")},
                        {u"repositories"_s,
                         QJsonObject {{u"type"_s, u"array"_s},
                                      {u"items"_s,
                                       objectSchema({{u"repository"_s, typed("string")},
                                                     {u"events"_s, typed("integer")}})}}}});
    return {Routes::activeRepositories,
            Caching::ByRequestAndSecond,
            [queries, scopeOf](const QStringList &, const ApiRequest &request) {
                const QUrlQuery query(request.url);
                return JsonAnswer::of(activeRepositories(queries(), query, scopeOf(query)));
            },
            get(u"Most active repositories"_s,
                scoped({activeLimit.declaration(), activeOffset.declaration(), atParameter()}),
                responses),
            {{u"ActiveRepositories"_s, schema}}};
}

// from, to (ISO-8601; default the last 24 hours, at most 31 days apart)
TimeWindow hourRange(const QUrlQuery &query)
{
    const QDateTime to = ApiParameters::time(query, u"to"_s, MetricsQueries::currentTime());
    const QDateTime from = ApiParameters::time(query, u"from"_s, to.addSecs(-24 * 3600));
    if (from > to || from.secsTo(to) > 31 * 86400)
        throw ApiError {400, u"from must come before to, at most 31 days apart"_s, u"from"_s};
    return {from.toSecsSinceEpoch(), to.toSecsSinceEpoch()};
}

QJsonArray hourRangeParameters()
{
    const auto time = [](const QString &name, const QString &description) {
        return parameter(name, u"query"_s, QJsonObject {{u"type"_s, u"string"_s}}, description);
    };
    return {time(u"from"_s, u"start, ISO-8601 UTC; default 24 hours before to"_s),
            time(u"to"_s, u"end, ISO-8601 UTC; default now"_s)};
}

// from, to -> {from, to, complete, quality, recent_live_share,
//              hours[{hour, source, archived, incomplete_reason, events, live_share}]}
QJsonObject coverage(MetricsQueries &queries, const QUrlQuery &query)
{
    const TimeWindow window = hourRange(query);
    QJsonArray hours;
    bool complete = true;
    const QList<HourCoverage> covered = queries.coverage(window);
    for (const HourCoverage &hour : covered) {
        complete = complete && hour.complete;
        hours.append(MetricsExport::hourCoverageJson(hour));
    }
    return {{u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"complete"_s, complete},
            {u"quality"_s,
             MetricsExport::qualityJson(
                 WindowQuality::of(covered, queries.sourceHours(window), queries.settleSeconds(),
                                   MetricsQueries::currentTime().toSecsSinceEpoch()))},
            {u"recent_live_share"_s, optionalNumber(queries.recentLiveShare())},
            {u"hours"_s, hours}};
}

Endpoint coverageEndpoint(const QueriesSource &queries)
{
    QJsonObject responses = badRequest();
    responses.insert(u"200"_s, jsonResponse(u"coverage by hour"_s, ref(u"Coverage"_s)));
    QJsonObject liveShare = typed("number", true);
    liveShare.insert(u"description"_s,
                     u"complete hours: the share of the hour's events the live feeds had "
                     "captured before the archive came; null for sampled hours"_s);
    const QJsonObject hour = objectSchema({{u"hour"_s, typed("string")},
                                           {u"source"_s, typed("string")},
                                           {u"archived"_s, typed("boolean")},
                                           {u"incomplete_reason"_s, typed("string", true)},
                                           {u"events"_s, typed("integer")},
                                           {u"live_share"_s, liveShare}});
    const QJsonObject schema
        = objectSchema({{u"from"_s, typed("string")},
                        {u"to"_s, typed("string")},
                        {u"complete"_s, completeSchema()},
                        {u"quality"_s, ref(u"Quality"_s)},
                        {u"recent_live_share"_s, typed("number", true)},
                        {u"hours"_s, QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, hour}}}});
    return {Routes::coverage,
            Caching::ByRequestAndSecond,
            [queries](const QStringList &, const ApiRequest &request) {
                return JsonAnswer::of(coverage(queries(), QUrlQuery(request.url)));
            },
            get(u"Which hours are complete (a healthy GH Archive file filed by created_at) and "
                "which are sampled"_s,
                hourRangeParameters(), responses),
            {{u"Coverage"_s, schema}}};
}

// from, to -> {from, to, reference{shares, provenance, test}, settle_seconds,
//              hours[{hour, source, requests, events, new_events, created_in_hour, yield,
//                     overlap, types, degraded_types, lag_seconds{p50, p90, p99}}]}
QJsonObject sources(MetricsQueries &queries, const QUrlQuery &query)
{
    const TimeWindow window = hourRange(query);
    QJsonArray hours;
    for (const SourceHour &hour : queries.sourceHours(window))
        hours.append(MetricsExport::sourceHourJson(hour));
    const std::optional<qint64> settle = queries.settleSeconds();
    return {{u"from"_s, TimeFormat::iso(window.from)},
            {u"to"_s, TimeFormat::iso(window.to)},
            {u"reference"_s, MetricsExport::referenceJson()},
            {u"settle_seconds"_s, settle ? QJsonValue(*settle) : QJsonValue()},
            {u"hours"_s, hours}};
}

Endpoint sourcesEndpoint(const QueriesSource &queries)
{
    QJsonObject responses = badRequest();
    responses.insert(u"200"_s,
                     jsonResponse(u"each source's measurements by hour"_s, ref(u"SourceHealth"_s)));
    const QJsonObject lag = objectSchema({{u"p50"_s, typed("integer", true)},
                                          {u"p90"_s, typed("integer", true)},
                                          {u"p99"_s, typed("integer", true)}});
    const QJsonObject counts
        = QJsonObject {{u"type"_s, u"object"_s}, {u"additionalProperties"_s, typed("integer")}};
    const QJsonObject names = QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, typed("string")}};
    QJsonObject source = typed("string");
    source.insert(u"description"_s,
                  u"feed-p1, feed-p2, feed-p3: the global feed by page position; repository: "
                  "watched repositories' feeds; organization: watched organizations' feeds; "
                  "pulls: their pull-request lists; stars: their star history; archive: GH "
                  "Archive files; import: other imported files"_s);
    const QJsonObject hour = objectSchema({{u"hour"_s, typed("string")},
                                           {u"source"_s, source},
                                           {u"requests"_s, typed("integer")},
                                           {u"events"_s, typed("integer")},
                                           {u"new_events"_s, typed("integer")},
                                           {u"created_in_hour"_s, typed("integer")},
                                           {u"yield"_s, typed("number", true)},
                                           {u"overlap"_s, typed("number")},
                                           {u"types"_s, counts},
                                           {u"degraded_types"_s, names},
                                           {u"lag_seconds"_s, lag}});
    const QJsonObject schema
        = objectSchema({{u"from"_s, typed("string")},
                        {u"to"_s, typed("string")},
                        {u"reference"_s, typed("object")},
                        {u"settle_seconds"_s, typed("integer", true)},
                        {u"hours"_s, QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, hour}}}});
    return {Routes::sources,
            Caching::ByRequestAndSecond,
            [queries](const QStringList &, const ApiRequest &request) {
                return JsonAnswer::of(sources(queries(), QUrlQuery(request.url)));
            },
            get(u"Each source's type mix against the reference, arrival lag, yield and overlap, "
                "by hour"_s,
                hourRangeParameters(), responses),
            {{u"SourceHealth"_s, schema}}};
}

// prefix (case-insensitive, up to 100 characters), limit (default 20)
//   -> {prefix, repositories[name]}: stored repositories, by name
QJsonObject repositoryNames(MetricsQueries &queries, const QUrlQuery &query)
{
    const QString prefix = query.queryItemValue(u"prefix"_s, QUrl::FullyDecoded);
    if (prefix.size() > 100)
        throw ApiError {400, u"prefix is over 100 characters"_s, u"prefix"_s};
    const qint64 limit = namesLimit.read(query);
    return {{u"prefix"_s, prefix},
            {u"repositories"_s,
             QJsonArray::fromStringList(queries.repositoryNames(prefix, int(limit)))}};
}

Endpoint repositoryNamesEndpoint(const QueriesSource &queries)
{
    QJsonObject responses = badRequest();
    responses.insert(u"200"_s, jsonResponse(u"repository names"_s, ref(u"RepositoryNames"_s)));
    const QJsonObject schema
        = objectSchema({{u"prefix"_s, typed("string")},
                        {u"repositories"_s,
                         QJsonObject {{u"type"_s, u"array"_s}, {u"items"_s, typed("string")}}}});
    return {Routes::repositories,
            Caching::ByRequest,
            [queries](const QStringList &, const ApiRequest &request) {
                return JsonAnswer::of(repositoryNames(queries(), QUrlQuery(request.url)));
            },
            get(u"Stored repositories whose name starts with a prefix (to search)"_s,
                {parameter(u"prefix"_s, u"query"_s, QJsonObject {{u"type"_s, u"string"_s}},
                           u"the start of owner/name, any case"_s),
                 namesLimit.declaration()},
                responses),
            {{u"RepositoryNames"_s, schema}}};
}

} // namespace

MetricsController::MetricsController(QueriesSource queries, ScopeOf scopeOf)
    : m_queries(std::move(queries))
    , m_scopeOf(std::move(scopeOf))
{
}

// window (minutes; default every stored day), at -> {repository, source, window{from, to},
//   gained, total, days[{day, stars}]}; 404 without a stored star history.
QJsonObject starsAnswer(MetricsQueries &queries, const QString &owner, const QString &name,
                        const QUrlQuery &query)
{
    const QString repository = ApiParameters::repository(owner, name);
    const QDateTime at = ApiParameters::time(query, u"at"_s, MetricsQueries::currentTime());
    const qint64 minutes = repositoryWindow.read(query);
    const TimeWindow window
        = minutes > 0 ? TimeWindow::endingAt(at, minutes) : TimeWindow {0, at.toSecsSinceEpoch()};
    const StarHistory history = queries.starHistory(repository, window);
    if (!history.known)
        throw ApiError {404,
                        u"no star history stored for %1: watch it to fetch one"_s.arg(repository),
                        u"repository"_s};
    QJsonObject answer = MetricsExport::starsJson(history);
    answer.insert(u"window"_s,
                  QJsonObject {{u"from"_s, TimeFormat::iso(window.from)},
                               {u"to"_s, TimeFormat::iso(window.to)}});
    return answer;
}

Endpoint starsEndpoint(const QueriesSource &queries)
{
    QJsonObject responses = unknownRepository();
    responses.insert(u"404"_s, OpenApi::jsonResponse(u"no star history stored"_s, ref(u"Error"_s)));
    responses.insert(u"200"_s, jsonResponse(u"stars gained a day"_s, ref(u"Stars"_s)));
    const QJsonObject schema = objectSchema({{u"repository"_s, typed("string")},
                                             {u"source"_s, typed("string")},
                                             {u"window"_s, typed("object")},
                                             {u"gained"_s, typed("integer")},
                                             {u"total"_s, typed("integer")},
                                             {u"stargazers_count"_s, typed("integer")},
                                             {u"stargazers_count_at"_s, typed("string")},
                                             {u"days"_s, typed("array")}});
    const QJsonArray parameters = windowedRepositoryParameters(
        u"count only the days the last `window` minutes before `at` touch; default every "
        "stored day"_s);
    return {Routes::stars,
            Caching::ByRequest,
            [queries](const QStringList &path, const ApiRequest &request) {
                return JsonAnswer::of(
                    starsAnswer(queries(), path[0], path[1], QUrlQuery(request.url)));
            },
            get(u"Stars a watched repository gained a day (GitHub's star history), in a "
                "window of whole days"_s,
                parameters, responses),
            {{u"Stars"_s, schema}}};
}

QList<Endpoint> MetricsController::endpoints() const
{
    return QList<Endpoint> {eventCountEndpoint(m_queries, m_scopeOf)}
    + averagePullRequestTimeEndpoints(m_queries)
        + QList<Endpoint> {pullRequestsEndpoint(m_queries),
                           starsEndpoint(m_queries),
                           activeRepositoriesEndpoint(m_queries, m_scopeOf),
                           coverageEndpoint(m_queries),
                           sourcesEndpoint(m_queries),
                           repositoryNamesEndpoint(m_queries)};
}
