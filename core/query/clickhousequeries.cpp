#include "query/clickhousequeries.h"

#include "event/botaccounts.h"
#include "event/feedhealth.h"
#include "store/connection.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString text(const QByteArray &field)
{
    return QString::fromUtf8(field);
}

qint64 integer(const QByteArray &field)
{
    return field.toLongLong();
}

QList<KeyCount> keyCounts(const ClickHouseClient::Rows &rows)
{
    QList<KeyCount> counts;
    for (const ClickHouseClient::Row &row : rows)
        counts.append({text(row.value(0)), integer(row.value(1))});
    std::sort(counts.begin(), counts.end(), KeyCount::ranksBefore);
    return counts;
}

} // namespace

ClickHouseQueries::ClickHouseQueries(const QUrl &databaseUrl)
    : m_client(databaseUrl)
{
}

bool ClickHouseQueries::open(QString *error)
{
    if (m_client.select(u"SELECT count() FROM sources"_s))
        return true;
    *error = m_client.lastError();
    return false;
}

ClickHouseClient::Rows ClickHouseQueries::read(const QString &sql)
{
    std::optional<ClickHouseClient::Rows> rows = m_client.select(sql);
    if (!rows)
        throw StoreUnavailable {m_client.lastError(), m_client.lastFailureWasNetwork()};
    return *std::move(rows);
}

// The window and the scope as a WHERE condition on silver's events.
QString ClickHouseQueries::condition(const TimeWindow &window, const Scope &scope)
{
    QStringList terms {u"created_at BETWEEN %1 AND %2"_s.arg(window.from).arg(window.to)};
    if (!scope.isAll()) {
        QStringList any;
        QStringList keys;
        for (const QString &repository : scope.repositories)
            keys << ClickHouseClient::quoted(repository.toLower());
        if (!keys.isEmpty())
            any << u"repo_key IN (%1)"_s.arg(keys.join(u", "_s));
        for (const QString &organization : scope.organizations)
            any << u"startsWith(repo_key, %1)"_s.arg(
                ClickHouseClient::quoted(organization.toLower() + u'/'));
        terms << (any.isEmpty() ? u"0"_s : u'(' + any.join(u" OR "_s) + u')');
    }
    if (scope.bots != Scope::Bots::Include) {
        QStringList known;
        for (const QString &login : BotAccounts::knownLogins())
            known << ClickHouseClient::quoted(login);
        // The suffix, the known logins, and the logins a payload typed "Bot".
        const QString isBot = uR"((endsWith(lower(actor_login), '[bot]')
            OR lower(actor_login) IN (%1)
            OR lower(actor_login) GLOBAL IN (SELECT login FROM bot_logins)))"_s.arg(
            known.join(u", "_s));
        terms << (scope.bots == Scope::Bots::Only ? isBot : u"NOT "_s + isBot);
    }
    return terms.join(u" AND "_s);
}

// The seconds of a window that its whole spans leave at its edges, as a condition on silver.
QString ClickHouseQueries::edges(const TimeWindow &window, const WindowSplit &split)
{
    return u"(created_at BETWEEN %1 AND %2 OR created_at BETWEEN %3 AND %4)"_s.arg(window.from)
        .arg(split.leftEnd)
        .arg(split.rightStart)
        .arg(window.to);
}

// All of GitHub is summed from gold's whole minutes and silver's edge seconds; a narrower
// scope is counted from silver.
QList<KeyCount> ClickHouseQueries::typeCounts(const TimeWindow &window, const Scope &scope)
{
    if (!scope.isEverything())
        return keyCounts(read(u"SELECT type, count() FROM events WHERE %1 GROUP BY type"_s.arg(
            condition(window, scope))));
    const WindowSplit split(window);
    return keyCounts(read(uR"(SELECT type, sum(n) FROM (
            SELECT type, n FROM type_minutes WHERE minute BETWEEN %1 AND %2
            UNION ALL
            SELECT type, count() AS n FROM events WHERE %3 GROUP BY type)
        GROUP BY type)"_s.arg(split.first)
                              .arg(split.last)
                              .arg(edges(window, split))));
}

// All of GitHub is ranked on each shard at once, from gold's whole hours and silver's edge
// seconds: the events are sharded by repository, so each shard's counts are whole and its
// own top holds its part of the overall one. Only the repositories that make the cut, ties
// included, are named, from gold's latest spelling as on SQLite.
QList<KeyCount> ClickHouseQueries::activeRepositories(int limit, const TimeWindow &window,
                                                      const Scope &scope)
{
    if (limit <= 0)
        return {};
    if (!scope.isEverything())
        return rankedFromSilver(limit, condition(window, scope));
    const WindowSplit split(window, 3600);
    const QString counts = uR"(SELECT k, sum(n) AS total FROM (
            SELECT k, n FROM %1 WHERE hour BETWEEN %2 AND %3
            UNION ALL
            SELECT cityHash64(repo_key) AS k, toUInt64(1) AS n FROM %4 WHERE %5)
        GROUP BY k)"_s.arg(m_client.shardTable(u"repo_hours"_s))
                               .arg(split.first)
                               .arg(split.last)
                               .arg(m_client.shardTable(u"events"_s), edges(window, split));
    ClickHouseClient::Rows top
        = readShards(u"%1 ORDER BY total DESC LIMIT %2"_s.arg(counts).arg(limit + 1));
    if (top.size() > limit && integer(top[limit - 1].value(1)) == integer(top[limit].value(1))) {
        // Tied across the cut: every repository counted as often as the cut is named.
        constexpr int mostTies = 10'000;
        top = readShards(u"%1 HAVING total >= %2 LIMIT %3"_s.arg(counts)
                             .arg(integer(top[limit - 1].value(1)))
                             .arg(mostTies + 1));
        if (top.size() > mostTies)
            return rankedFromSilver(limit, condition(window, scope));
    } else {
        top.resize(std::min<qsizetype>(limit, top.size()));
    }
    std::optional<QList<KeyCount>> ranked = named(top);
    if (!ranked) // two repositories share a hash: silver tells them apart
        return rankedFromSilver(limit, condition(window, scope));
    std::sort(ranked->begin(), ranked->end(), KeyCount::ranksBefore);
    ranked->resize(std::min<qsizetype>(limit, ranked->size()));
    return *ranked;
}

// The rows of a statement on every shard's own tables, by count descending (column 1).
ClickHouseClient::Rows ClickHouseQueries::readShards(const QString &sql)
{
    std::optional<ClickHouseClient::Rows> rows = m_client.selectOnEveryShard(sql);
    if (!rows)
        throw StoreUnavailable {m_client.lastError(), m_client.lastFailureWasNetwork()};
    std::stable_sort(rows->begin(), rows->end(), [](const auto &a, const auto &b) {
        return integer(a.value(1)) > integer(b.value(1));
    });
    return *std::move(rows);
}

// Hashed counts (hash, count) with their repositories' names; nothing if a hash names two.
std::optional<QList<KeyCount>> ClickHouseQueries::named(const ClickHouseClient::Rows &hashed)
{
    if (hashed.isEmpty())
        return QList<KeyCount> {};
    QHash<QByteArray, qint64> counts;
    QStringList hashes;
    for (const ClickHouseClient::Row &row : hashed) {
        counts.insert(row.value(0), integer(row.value(1)));
        hashes << QString::fromLatin1(row.value(0));
    }
    QList<KeyCount> ranked;
    QSet<QByteArray> seen;
    for (const ClickHouseClient::Row &row :
         read(uR"(SELECT k, argMax(repo_name, at) FROM repo_names WHERE k IN (%1)
                 GROUP BY k, repo_key)"_s.arg(hashes.join(u", "_s)))) {
        if (seen.contains(row.value(0)))
            return std::nullopt;
        seen.insert(row.value(0));
        ranked.append({text(row.value(1)), counts.value(row.value(0))});
    }
    // Gold counted a repository it cannot name: the store is inconsistent.
    if (ranked.size() < counts.size())
        throw StoreUnavailable {
            u"gold counts %1 repositories, of which repo_names names %2"_s.arg(counts.size())
                .arg(ranked.size())};
    return ranked;
}

// Ranked from silver by a 64-bit hash of the repository's key first, since grouping integers
// is several times faster than grouping names; only the repositories that make the cut are
// named. A tie across the cut (the order by name decides it) or a hash shared by two keys (a
// second hash tells) is ranked by name instead.
QList<KeyCount> ClickHouseQueries::rankedFromSilver(int limit, const QString &where)
{
    const ClickHouseClient::Rows top = read(uR"(SELECT cityHash64(repo_key) AS k, count() AS n,
                   min(sipHash64(repo_key)) <> max(sipHash64(repo_key)) AS shared
            FROM events WHERE %1 GROUP BY k ORDER BY n DESC LIMIT %2)"_s.arg(where)
                                                .arg(limit + 1));
    const bool tieAtCut = top.size() > limit && top[limit - 1].value(1) == top[limit].value(1);
    const bool shared = std::any_of(top.cbegin(), top.cend(), [](const ClickHouseClient::Row &row) {
        return row.value(2) == "1";
    });
    if (tieAtCut || shared)
        return keyCounts(read(uR"(SELECT argMax(repo_name, created_at) AS name, count() AS n
            FROM events WHERE %1 GROUP BY repo_key ORDER BY n DESC, name LIMIT %2)"_s.arg(where)
                                  .arg(limit)));
    QStringList hashes;
    QHash<QByteArray, qint64> counts;
    for (const ClickHouseClient::Row &row : top.first(std::min<qsizetype>(limit, top.size()))) {
        hashes << QString::fromLatin1(row.value(0));
        counts.insert(row.value(0), integer(row.value(1)));
    }
    if (hashes.isEmpty())
        return {};
    QList<KeyCount> ranked;
    for (const ClickHouseClient::Row &row :
         read(uR"(SELECT cityHash64(repo_key) AS k, argMax(repo_name, created_at) FROM events
                 WHERE %1 AND cityHash64(repo_key) IN (%2) GROUP BY k)"_s.arg(
             where, hashes.join(u", "_s))))
        ranked.append({text(row.value(1)), counts.value(row.value(0))});
    std::sort(ranked.begin(), ranked.end(), KeyCount::ranksBefore);
    return ranked;
}

QList<MinuteCount> ClickHouseQueries::eventsPerMinute(const TimeWindow &window, const Scope &scope)
{
    QString sql = uR"(SELECT intDiv(created_at, 60) AS minute, type, count() FROM events
        WHERE %1 GROUP BY minute, type ORDER BY minute, type)"_s.arg(condition(window, scope));
    if (scope.isEverything()) {
        const WindowSplit split(window);
        sql = uR"(SELECT minute, type, sum(n) FROM (
                SELECT minute, type, n FROM type_minutes WHERE minute BETWEEN %1 AND %2
                UNION ALL
                SELECT toUInt32(intDiv(created_at, 60)) AS minute, type, count() AS n
                FROM events WHERE %3 GROUP BY minute, type)
            GROUP BY minute, type ORDER BY minute, type)"_s.arg(split.first)
                  .arg(split.last)
                  .arg(edges(window, split));
    }
    QList<MinuteCount> counts;
    for (const ClickHouseClient::Row &row : read(sql))
        counts.append({integer(row.value(0)), text(row.value(1)), integer(row.value(2))});
    return counts;
}

QList<EventRow> ClickHouseQueries::latestEvents(int limit, const TimeWindow &window,
                                                const Scope &scope)
{
    QList<EventRow> events;
    const ClickHouseClient::Rows rows = read(
        uR"(SELECT id, created_at, type, action, repo_name, actor_login, pr_number FROM events
            WHERE %1 ORDER BY created_at DESC, id DESC LIMIT %2)"_s.arg(condition(window, scope))
            .arg(std::max(limit, 0)));
    for (const ClickHouseClient::Row &row : rows)
        events.append({integer(row.value(0)), integer(row.value(1)), text(row.value(2)),
                       text(row.value(3)), text(row.value(4)), text(row.value(5)),
                       integer(row.value(6))});
    return events;
}

// A later fetch of a day replaces it: the newest row of each day counts.
StarHistory ClickHouseQueries::starHistory(const QString &repository)
{
    StarHistory history {false, repository, {}, 0, 0, -1, -1};
    const QString key = ClickHouseClient::quoted(repository.toLower());
    for (const ClickHouseClient::Row &row :
         read(uR"(SELECT day, argMax(stars, version), argMax(repo_name, version) FROM star_days
                 WHERE repo_key = %1 GROUP BY day ORDER BY day)"_s.arg(key))) {
        history.known = true;
        history.days.append({integer(row.value(0)), integer(row.value(1))});
        history.repository = text(row.value(2));
    }
    if (!history.known)
        return history;
    const ClickHouseClient::Row counts
        = read(uR"(SELECT count(), argMax(stars, fetched_at), max(fetched_at) FROM repository_counts
            WHERE repo_key = %1)"_s.arg(key))
              .value(0);
    if (integer(counts.value(0)) > 0) {
        history.count = integer(counts.value(1));
        history.countAt = integer(counts.value(2));
    }
    return history;
}

namespace {

// Each pull request as its newest fetch has it.
QString latestPullRequests(const QString &key)
{
    return uR"(SELECT number, argMax(repo_name, version) AS name,
                      argMax(created_at, version) AS created, argMax(closed_at, version) AS closed,
                      argMax(merged_at, version) AS merged
               FROM pull_requests WHERE repo_key = %1 GROUP BY number)"_s.arg(key);
}

} // namespace

QList<StoredPullRequest> ClickHouseQueries::pullRequestHistory(const QString &key, QString *name)
{
    QList<StoredPullRequest> history;
    for (const ClickHouseClient::Row &row :
         read(u"SELECT number, name, created, closed, merged FROM (%1) ORDER BY created"_s.arg(
             latestPullRequests(ClickHouseClient::quoted(key))))) {
        *name = text(row.value(1));
        history.append({integer(row.value(0)), integer(row.value(2)), integer(row.value(3)),
                        integer(row.value(4))});
    }
    return history;
}

QList<std::pair<qint64, qint64>>
ClickHouseQueries::pullRequestsAt(const QString &repository, int moment, const TimeWindow &window)
{
    // Opened, merged, and opened but still open: as MetricsQueries::PullRequestMoment.
    static const QString selects[] = {
        u"SELECT number, created FROM (%1) WHERE created BETWEEN %2 AND %3"_s,
        u"SELECT number, merged FROM (%1) WHERE merged >= 0 AND merged BETWEEN %2 AND %3"_s,
        u"SELECT number, created FROM (%1) WHERE created BETWEEN %2 AND %3 AND closed < 0"_s,
    };
    QList<std::pair<qint64, qint64>> found;
    for (const ClickHouseClient::Row &row :
         read(selects[moment]
                  .arg(latestPullRequests(ClickHouseClient::quoted(repository.toLower())))
                  .arg(window.from)
                  .arg(window.to)
              + u" ORDER BY 2, 1"_s))
        found.append({integer(row.value(0)), integer(row.value(1))});
    return found;
}

ReleaseStats ClickHouseQueries::releases(const QString &repository, const TimeWindow &window)
{
    ReleaseStats stats;
    stats.repository = repository;
    const ClickHouseClient::Rows rows
        = read(uR"(SELECT repo_name, created_at FROM events WHERE %1 AND repo_key = %2
            AND type = 'ReleaseEvent' ORDER BY created_at)"_s.arg(
            condition(window, {}), ClickHouseClient::quoted(repository.toLower())));
    for (const ClickHouseClient::Row &row : rows) {
        stats.repository = text(row.value(0));
        stats.publishedAt.append(integer(row.value(1)));
    }
    return stats;
}

PullRequestStats ClickHouseQueries::pullRequestsOpened(const QString &repository,
                                                       const TimeWindow &window)
{
    PullRequestStats stats;
    stats.repository = repository;
    const QString key = ClickHouseClient::quoted(repository.toLower());
    const ClickHouseClient::Rows known = read(
        u"SELECT argMax(repo_name, created_at) FROM events WHERE repo_key = %1 HAVING count() > 0"_s
            .arg(key));
    if (known.isEmpty())
        return stats;
    stats.repositoryKnown = true;
    stats.repository = text(known.first().value(0));
    const ClickHouseClient::Rows opened
        = read(uR"(SELECT created_at FROM events WHERE %1 AND repo_key = %2
            AND type = 'PullRequestEvent' AND action = 'opened' ORDER BY created_at)"_s.arg(
            condition(window, {}), key));
    for (const ClickHouseClient::Row &row : opened)
        stats.openedAt.append(integer(row.value(0)));
    return stats;
}

QList<HourCoverage> ClickHouseQueries::coverage(qint64 firstHour, qint64 lastHour)
{
    QList<HourCoverage> hours;
    for (qint64 hour = firstHour; hour <= lastHour; hour += 3600)
        hours.append({hour, false, false, {}, 0, std::nullopt});
    const ClickHouseClient::Rows events
        = read(uR"(SELECT intDiv(created_at, 3600) * 3600 AS hour, count() FROM events
            WHERE created_at BETWEEN %1 AND %2 GROUP BY hour)"_s.arg(firstHour)
                   .arg(lastHour + 3599));
    for (const ClickHouseClient::Row &row : events)
        hours[(integer(row.value(0)) - firstHour) / 3600].events = integer(row.value(1));
    const ClickHouseClient::Rows archived
        = read(uR"(SELECT hour, argMax(events, version), argMax(live_events, version),
                   argMax(complete, version), argMax(reason, version)
            FROM archive_hours WHERE hour BETWEEN %1 AND %2 GROUP BY hour)"_s.arg(firstHour)
                   .arg(lastHour));
    for (const ClickHouseClient::Row &row : archived) {
        HourCoverage &hour = hours[(integer(row.value(0)) - firstHour) / 3600];
        hour.archived = true;
        hour.complete = integer(row.value(3)) == 1;
        hour.incompleteReason = text(row.value(4));
        if (hour.complete && integer(row.value(1)) > 0)
            hour.liveShare = double(integer(row.value(2))) / double(integer(row.value(1)));
    }
    return hours;
}

qint64 ClickHouseQueries::completeHours(qint64 firstHour, qint64 lastHour)
{
    return integer(read(uR"(SELECT count() FROM (SELECT argMax(complete, version) AS complete
        FROM archive_hours WHERE hour BETWEEN %1 AND %2 GROUP BY hour) WHERE complete = 1)"_s
                            .arg(firstHour)
                            .arg(lastHour))
                       .value(0)
                       .value(0));
}

std::optional<double> ClickHouseQueries::recentLiveShare()
{
    const ClickHouseClient::Rows rows = read(uR"(SELECT avg(live_events / events), count() FROM (
        SELECT hour, argMax(live_events, version) AS live_events, argMax(events, version) AS events,
               argMax(complete, version) AS complete
        FROM archive_hours GROUP BY hour HAVING live_events > 0 AND complete = 1
        ORDER BY hour DESC LIMIT 24))"_s);
    if (rows.isEmpty() || integer(rows.first().value(1)) == 0)
        return std::nullopt;
    return rows.first().value(0).toDouble();
}

namespace {

// The rows of a measurement table that committed batches wrote, each once: a batch written
// again after a crash repeats its rows under the same source and version.
QString committedOnce(const QString &table, const QString &where, const QString &columns)
{
    return uR"(SELECT %3 FROM %1 WHERE %2
                   AND (source_id, version) IN (SELECT id, version FROM sources)
               GROUP BY source_id, version, %3)"_s.arg(table, where, columns);
}

} // namespace

SourceRows ClickHouseQueries::sourceRows(qint64 firstHour, qint64 lastHour)
{
    const QString inWindow = u"hour BETWEEN %1 AND %2"_s.arg(firstHour).arg(lastHour);
    SourceRows rows;
    for (const ClickHouseClient::Row &row : read(uR"(SELECT hour, source, sum(requests),
            sum(events), sum(new_events), sum(in_hour) FROM (%1) GROUP BY hour, source)"_s.arg(
             committedOnce(u"source_hours"_s, inWindow,
                           u"hour, source, requests, events, new_events, in_hour"_s))))
        rows.hours.append({integer(row.value(0)),
                           text(row.value(1)),
                           integer(row.value(2)),
                           integer(row.value(3)),
                           integer(row.value(4)),
                           integer(row.value(5)),
                           {},
                           {},
                           {}});
    // An archive file's mix is the whole file's; a feed's is what it brought first.
    for (const ClickHouseClient::Row &row : read(uR"(SELECT hour, source, type,
            sum(if(source = 'archive', events, new_events)) FROM (%1)
            GROUP BY hour, source, type)"_s.arg(committedOnce(
             u"source_types"_s, inWindow, u"hour, source, type, events, new_events"_s))))
        rows.types.append(
            {integer(row.value(0)), text(row.value(1)), text(row.value(2)), integer(row.value(3))});
    for (const ClickHouseClient::Row &row : read(uR"(SELECT hour, source, bucket, sum(events)
            FROM (%1) GROUP BY hour, source, bucket)"_s.arg(
             committedOnce(u"source_lag"_s, inWindow, u"hour, source, bucket, events"_s))))
        rows.lag.append({integer(row.value(0)), text(row.value(1)), int(integer(row.value(2))),
                         integer(row.value(3))});
    return rows;
}

QList<qint64> ClickHouseQueries::liveLagHistogram()
{
    const QString live = u"source NOT IN ('archive', 'import')"_s;
    QList<qint64> histogram(FeedHealth::lagBucketCount, 0);
    for (const ClickHouseClient::Row &row : read(uR"(SELECT bucket, sum(events) FROM (%1)
            WHERE hour >= (SELECT max(hour) - 23 * 3600 FROM source_lag WHERE %2)
            GROUP BY bucket)"_s.arg(
             committedOnce(u"source_lag"_s, live, u"hour, source, bucket, events"_s), live))) {
        const qint64 bucket = integer(row.value(0));
        if (bucket >= 0 && bucket < FeedHealth::lagBucketCount)
            histogram[bucket] = integer(row.value(1));
    }
    return histogram;
}

WatchedFeeds ClickHouseQueries::watchedFeeds(const QStringList &feeds, const TimeWindow &window)
{
    QStringList among;
    for (const QString &feed : feeds)
        among << ClickHouseClient::quoted(feed);
    const QString pages = committedOnce(u"feed_pages"_s, u"feed IN (%1)"_s.arg(among.join(u", "_s)),
                                        u"feed, at, missed"_s);
    WatchedFeeds watched;
    for (const ClickHouseClient::Row &row :
         read(u"SELECT feed, min(at) FROM (%1) GROUP BY feed"_s.arg(pages)))
        watched.firstReadAt.insert(text(row.value(0)), integer(row.value(1)));
    for (const ClickHouseClient::Row &row :
         read(uR"(SELECT DISTINCT feed, at FROM (%1) WHERE missed = 1 AND at BETWEEN %2 AND %3
                  ORDER BY at, feed)"_s.arg(pages)
                  .arg(window.from)
                  .arg(window.to)))
        watched.gaps.append({text(row.value(0)), integer(row.value(1))});
    return watched;
}

QStringList ClickHouseQueries::repositoryNames(const QString &prefix, int limit)
{
    QStringList names;
    const ClickHouseClient::Rows rows
        = read(uR"(SELECT argMax(repo_name, created_at) FROM events WHERE startsWith(repo_key, %1)
            GROUP BY repo_key ORDER BY repo_key LIMIT %2)"_s
                   .arg(ClickHouseClient::quoted(prefix.toLower()))
                   .arg(std::max(limit, 0)));
    for (const ClickHouseClient::Row &row : rows)
        names.append(text(row.value(0)));
    return names;
}

qint64 ClickHouseQueries::eventsStored()
{
    return integer(read(u"SELECT count() FROM events"_s).value(0).value(0));
}

QList<std::pair<QString, qint64>> ClickHouseQueries::eventTotalsByType()
{
    QList<std::pair<QString, qint64>> totals;
    for (const ClickHouseClient::Row &row :
         read(u"SELECT type, count() FROM events GROUP BY type ORDER BY type"_s))
        totals.append({text(row.value(0)), integer(row.value(1))});
    return totals;
}

qint64 ClickHouseQueries::quarantinedEvents()
{
    return integer(
        read(u"SELECT count() FROM (SELECT 1 FROM quarantine GROUP BY source_id, line)"_s)
            .value(0)
            .value(0));
}

std::optional<std::pair<qint64, qint64>> ClickHouseQueries::storedSpan()
{
    const ClickHouseClient::Row row
        = read(u"SELECT count(), min(created_at), max(created_at) FROM events"_s).value(0);
    if (integer(row.value(0)) == 0)
        return std::nullopt;
    return std::pair(integer(row.value(1)), integer(row.value(2)));
}

// The change marker: every committed batch and recorded hour adds a row.
qint64 ClickHouseQueries::dataVersion()
{
    const ClickHouseClient::Row row
        = read(uR"(SELECT (SELECT count() FROM batches), (SELECT max(committed_at) FROM batches),
                   (SELECT count() FROM archive_hours))"_s)
              .value(0);
    return integer(row.value(1)) * 1000003 + integer(row.value(0)) * 131 + integer(row.value(2));
}
