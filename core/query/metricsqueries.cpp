#include "query/metricsqueries.h"

#include "event/botaccounts.h"
#include "query/clickhousequeries.h"
#include "query/postgresblockcache.h"
#include "store/countrollups.h"
#include "store/database.h"
#include "store/postgresrepoblocks.h"
#include "store/sqlitestatement.h"

#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// A window's whole minutes tiled by PostgreSQL's repository blocks: whole UTC days, the
// whole hours around them, then the minutes around those. Each range is [first, last] in
// its span since the epoch; an empty one is {1, 0}.
struct BlockTiling
{
    using Range = std::pair<qint64, qint64>;
    Range minutesBefore {1, 0}, hoursBefore {1, 0}, days {1, 0}, hoursAfter {1, 0},
        minutesAfter {1, 0};

    explicit BlockTiling(const WindowSplit &split)
    {
        const auto inner = [](Range outer, qint64 factor) -> Range {
            return {(outer.first + factor - 1) / factor, (outer.second + 1) / factor - 1};
        };
        const Range minutes {split.first, split.last};
        const Range hours = inner(minutes, 60);
        if (hours.first > hours.second) {
            minutesBefore = minutes;
            return;
        }
        minutesBefore = {minutes.first, hours.first * 60 - 1};
        minutesAfter = {(hours.second + 1) * 60, minutes.second};
        const Range wholeDays = inner(hours, 24);
        if (wholeDays.first > wholeDays.second) {
            hoursBefore = hours;
            return;
        }
        days = wholeDays;
        hoursBefore = {hours.first, days.first * 24 - 1};
        hoursAfter = {(days.second + 1) * 24, hours.second};
    }

    QList<qint64> values() const
    {
        return {minutesBefore.first, minutesBefore.second, minutesAfter.first, minutesAfter.second,
                hoursBefore.first,   hoursBefore.second,   hoursAfter.first,   hoursAfter.second,
                days.first,          days.second};
    }
};

// The silver rows a scope keeps, as an SQL condition and its values in order. The
// repository terms read the repository index. On SQLite it is RepoIndexWriter's
// events_by_repo: each term names the window's hours too, from a CTE `hours` that the
// statement defines (`hoursCte`), and the events found are checked by name, since an entry
// may outlive a batch that failed. On PostgreSQL it is events_repo.
struct ScopeFilter
{
    // SQLite's repository terms are sought hour by hour: a CTE of the window's hours.
    static constexpr auto hoursCte
        = "WITH RECURSIVE hours(h) AS (SELECT ? UNION ALL SELECT h + 1 FROM hours WHERE h < ?) "_L1;

    QString condition;
    QVariantList values;
    bool namesRepositories = false; // has terms on the repository's name

    ScopeFilter(const Scope &scope, bool byHour)
    {
        QStringList terms;
        if (!scope.isAll()) {
            const QVariantList names = repositoryValues(scope);
            const QString byName = repositoryTerms(scope, u"lower(repo_name)"_s, QString());
            namesRepositories = !byName.isEmpty();
            if (!namesRepositories) {
                terms << u"1 = 0"_s;
            } else if (byHour) {
                // Each term alone, hour included, so that SQLite seeks every one in the index.
                terms << u"id IN (SELECT event_id FROM repo_index.events_by_repo WHERE %1)"_s.arg(
                    repositoryTerms(scope, u"repo_key"_s, u"hour IN (SELECT h FROM hours) AND "_s))
                      << byName;
                values << names << names;
            } else {
                terms << byName;
                values << names;
            }
        }
        if (scope.bots != Scope::Bots::Include) {
            // The suffix, the known logins, and the logins a payload typed "Bot".
            const QString isBot
                = u"(lower(COALESCE(actor_login, '')) LIKE '%[bot]' OR "
                  "lower(COALESCE(actor_login, '')) IN (%1) OR "
                  "lower(COALESCE(actor_login, '')) IN (SELECT login FROM "
                  "bot_logins))"_s.arg(placeholders(BotAccounts::knownLogins().size()));
            for (const QString &login : BotAccounts::knownLogins())
                values << login;
            terms << (scope.bots == Scope::Bots::Only ? isBot : u"NOT "_s + isBot);
        }
        condition = terms.isEmpty() ? u"1 = 1"_s : terms.join(u" AND "_s);
    }

    // The scope's repositories and organizations as terms on `key`, each after `prefix`;
    // empty when it names none.
    static QString repositoryTerms(const Scope &scope, const QString &key, const QString &prefix)
    {
        QStringList any;
        if (!scope.repositories.isEmpty()) {
            any << u"(%1%2 IN (%3))"_s.arg(prefix, key, placeholders(scope.repositories.size()));
        }
        // "owner/" up to "owner0": '0' follows '/', so the range holds owner/<any name>.
        for (qsizetype i = 0; i < scope.organizations.size(); ++i)
            any << u"(%1%2 >= ? AND %2 < ?)"_s.arg(prefix, key);
        return any.isEmpty() ? QString() : u'(' + any.join(u" OR "_s) + u')';
    }

    // The values of repositoryTerms(), in order.
    static QVariantList repositoryValues(const Scope &scope)
    {
        QVariantList values;
        for (const QString &repository : scope.repositories)
            values << repository.toLower();
        for (const QString &organization : scope.organizations) {
            values << QString(organization.toLower() + u'/')
                   << QString(organization.toLower() + u'0');
        }
        return values;
    }

    static QString placeholders(qsizetype count)
    {
        return QStringList(count, u"?"_s).join(u", "_s);
    }
};

} // namespace

struct MetricsQueries::Rollups
{
    CountRollups repo {"repo"};
    CountRollups type {"type"};
    KeyCounts counts;
};

MetricsQueries::MetricsQueries(const StoreLocation &location, int pullRequestHorizonDays)
    : m_connection(location, u"reader"_s, true)
    , m_pullRequestHorizonDays(pullRequestHorizonDays)
    , m_rollups(std::make_unique<Rollups>())
{
    if (location.isClickHouse())
        m_clickHouse = std::make_unique<ClickHouseQueries>(location.databaseUrl);
    m_connection.setBeforeClose([this] {
        m_prepared.clear();
        m_rollups->repo.detach();
        m_rollups->type.detach();
    });
}

MetricsQueries::~MetricsQueries()
{
    m_connection.close(); // while the statements prepared on it still exist
}

bool MetricsQueries::open(QString *error)
{
    if (m_clickHouse)
        return m_clickHouse->open(error);
    return m_connection.open(error);
}

// Prepared once per connection: planned once, and for PostgreSQL no PREPARE and
// DEALLOCATE round trips per call. Callers finish() it once read, or SQLite would keep
// the read snapshot open.
QSqlQuery &MetricsQueries::prepared(const QString &sql)
{
    QSqlDatabase &database = m_connection.database();
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        QSqlQuery query(database);
        query.setForwardOnly(true);
        // A statement that cannot be prepared (a table missing) says why, not later that
        // its parameters do not match.
        if (!query.prepare(sql))
            m_connection.fail(query.lastError());
        it = m_prepared.emplace(sql, query).first;
    }
    return it->second;
}

// One-off statements; the caller reads it before the next.
QSqlQuery MetricsQueries::statement(const QString &sql)
{
    QSqlQuery query(m_connection.database());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        m_connection.fail(query.lastError());
    return query;
}

void MetricsQueries::exec(QSqlQuery &query)
{
    if (!query.exec())
        m_connection.fail(query.lastError());
}

// Summed from gold's count blocks, exact to the second: silver is not read.
QList<KeyCount> MetricsQueries::typeCountsIn(const TimeWindow &window)
{
    KeyCounts &counts = m_rollups->counts;
    const auto cleared = qScopeGuard([&counts] { counts.clear(); });
    QHash<quint32, QString> names;
    if (m_connection.isPostgres()) {
        sumPostgresBlocks(PostgresRepoBlocks::Dimension::Types, window);
        QSqlQuery &query = prepared(u"SELECT type_id, name FROM gold.types"_s);
        exec(query);
        while (query.next())
            names.insert(quint32(query.value(0).toLongLong()), query.value(1).toString());
        query.finish();
    } else {
        sqlite3 *db = Database::handle(m_connection.database());
        m_rollups->type.sumWindow(db, window.from, window.to, counts);
        SqliteStatement query(db, "SELECT type_id, name FROM gold.types");
        while (query.next())
            names.insert(quint32(query.integer(0)), query.text(1));
    }
    QList<KeyCount> ranked;
    for (const quint32 id : counts.keys()) {
        // As for repositories: a counted type gold cannot name is a store error, not a loss.
        if (!names.contains(id))
            throw StoreUnavailable {u"gold counts event type %1, which gold.types lacks"_s.arg(id)};
        if (const quint32 count = counts.count(id))
            ranked.append({names.value(id), count});
    }
    std::sort(ranked.begin(), ranked.end(), KeyCount::ranksBefore);
    return ranked;
}

QList<KeyCount> MetricsQueries::eventCounts(qint64 minutes, const QDateTime &at)
{
    return typeCounts(TimeWindow::endingAt(at, minutes));
}

QList<KeyCount> MetricsQueries::typeCounts(const TimeWindow &window, const Scope &scope)
{
    if (m_clickHouse)
        return m_clickHouse->typeCounts(window, scope);
    if (scope.isEverything())
        return m_connection.read([&] { return typeCountsIn(window); });
    return m_connection.read([&] {
        QSqlQuery query = scoped(u"SELECT type, COUNT(*)"_s, window, scope, u"GROUP BY type"_s);
        return rankedCounts(query);
    });
}

// The first and last hour of the window that silver has events in: SQLite seeks each hour
// of a repository scope, so a window of years over days stored seeks only those days.
std::pair<qint64, qint64> MetricsQueries::storedHours(const TimeWindow &window)
{
    QSqlQuery &span = prepared(
        u"SELECT (SELECT MIN(created_at) FROM events), (SELECT MAX(created_at) FROM events)"_s);
    exec(span);
    qint64 first = window.from;
    qint64 last = window.to;
    if (span.next() && !span.value(0).isNull()) {
        first = std::max(first, span.value(0).toLongLong());
        last = std::min(last, span.value(1).toLongLong());
    }
    span.finish();
    return {CountBlock::floorDiv(first, 3600), CountBlock::floorDiv(last, 3600)};
}

// A scope narrower than everything is counted from silver: the watched repositories
// through the repository index, bots by their logins.
QSqlQuery MetricsQueries::scoped(const QString &select, const TimeWindow &window,
                                 const Scope &scope, const QString &rest,
                                 const QVariantList &restValues)
{
    const bool byHour = !m_connection.isPostgres();
    const ScopeFilter filter(scope, byHour);
    const bool seeksHours = byHour && filter.namesRepositories;
    QSqlQuery query
        = statement(u"%1%2 FROM events WHERE %3created_at BETWEEN ? AND ? AND %4 %5"_s.arg(
            seeksHours ? QString(ScopeFilter::hoursCte) : QString(), select,
            // Unary plus: SQLite reads the events the index names, not the window's all.
            seeksHours ? u"+"_s : QString(), filter.condition, rest));
    if (seeksHours) {
        const auto [first, last] = storedHours(window);
        query.addBindValue(first);
        query.addBindValue(last);
    }
    query.addBindValue(window.from);
    query.addBindValue(window.to);
    for (const QVariant &value : filter.values + restValues)
        query.addBindValue(value);
    exec(query);
    return query;
}

QList<KeyCount> MetricsQueries::rankedCounts(QSqlQuery &query)
{
    QList<KeyCount> counts;
    while (query.next())
        counts.append({query.value(0).toString(), query.value(1).toLongLong()});
    std::sort(counts.begin(), counts.end(), KeyCount::ranksBefore);
    return counts;
}

QList<KeyCount> MetricsQueries::activeRepositories(int limit, qint64 minutes, const QDateTime &at)
{
    return activeRepositories(limit, TimeWindow::endingAt(at, minutes));
}

QList<KeyCount> MetricsQueries::activeRepositories(int limit, const TimeWindow &window,
                                                   const Scope &scope)
{
    if (m_clickHouse)
        return m_clickHouse->activeRepositories(limit, window, scope);
    if (limit <= 0)
        return {};
    if (!scope.isEverything()) {
        return m_connection.read([&] {
            QSqlQuery query
                = scoped(u"SELECT MAX(repo_name), COUNT(*)"_s, window, scope,
                         u"GROUP BY lower(repo_name) ORDER BY 2 DESC, 1 LIMIT ?"_s, {limit});
            return rankedCounts(query);
        });
    }
    return m_connection.read([&] {
        return m_connection.isPostgres() ? activeRepositoriesPostgres(limit, window)
                                         : activeRepositoriesSqlite(limit, window);
    });
}

// Summed from gold's count blocks: the coarsest that fit the window, minutes at its edges.
// Only the repositories that make the cut, ties included, are looked up by name.
QList<KeyCount> MetricsQueries::activeRepositoriesSqlite(int limit, const TimeWindow &window)
{
    sqlite3 *db = Database::handle(m_connection.database());
    const auto cleared = qScopeGuard([this] { m_rollups->counts.clear(); });
    m_rollups->repo.sumWindow(db, window.from, window.to, m_rollups->counts);
    SqliteStatement names(db, "SELECT repo_name FROM gold.repos WHERE repo_id = ?1");
    QList<KeyCount> ranked;
    for (const quint32 id : m_rollups->counts.topWithTies(size_t(limit))) {
        names.bind(1, id);
        // Gold counted a repository it cannot name: the store is inconsistent, not the
        // repository nameless.
        if (!names.next())
            throw StoreUnavailable {u"gold counts repository %1, which gold.repos lacks"_s.arg(id)};
        ranked.append({names.text(0), m_rollups->counts.count(id)});
        names.reset();
    }
    std::sort(ranked.begin(), ranked.end(), KeyCount::ranksBefore);
    ranked.resize(std::min(ranked.size(), qsizetype(limit)));
    return ranked;
}

// PostgreSQL sums the count blocks that tile the window's whole minutes (gold.repo_blocks)
// and the seconds of its edge minutes, in the client as SQLite's reader does; only the
// repositories that make the cut, ties included, are named.
QList<KeyCount> MetricsQueries::activeRepositoriesPostgres(int limit, const TimeWindow &window)
{
    KeyCounts &counts = m_rollups->counts;
    const auto cleared = qScopeGuard([&counts] { counts.clear(); });
    sumPostgresBlocks(PostgresRepoBlocks::Dimension::Repositories, window);
    return namedRanking(counts.topWithTies(size_t(limit)), limit);
}

// Adds `dimension`'s counts in `window` to m_rollups->counts: the blocks that tile its whole
// minutes, and the seconds of its partial minutes at either edge.
void MetricsQueries::sumPostgresBlocks(PostgresRepoBlocks::Dimension dimension,
                                       const TimeWindow &window)
{
    const WindowSplit split(window);
    KeyCounts &counts = m_rollups->counts;
    for (const QByteArray &block : postgresBlocks(dimension, BlockTiling(split).values()))
        counts.addBlock(block);
    QList<qint64> partial;
    for (const qint64 minute :
         {CountBlock::minuteOf(window.from), CountBlock::minuteOf(window.to)}) {
        if ((minute < split.first || minute > split.last) && !partial.contains(minute))
            partial << minute;
    }
    if (partial.isEmpty())
        return;
    QSqlError error;
    const auto edges
        = PostgresRepoBlocks::fetchMinutes(m_connection.database(), dimension, partial, &error);
    if (!edges)
        m_connection.fail(error);
    for (const PostgresRepoBlocks::StoredBlock &edge : *edges)
        counts.addMinuteBlock(edge.block, edge.period, window.from, window.to);
}

// The blocks of a BlockTiling, those this process holds from its cache: the server lists the
// rows, and only the others' bytes cross the socket. A block merged away between the two
// statements sends the reader round again.
QList<QByteArray> MetricsQueries::postgresBlocks(PostgresRepoBlocks::Dimension dimension,
                                                 const QList<qint64> &tiling)
{
    PostgresBlockCache &cache = PostgresBlockCache::instance();
    const QString table = PostgresRepoBlocks::tableOf(dimension);
    const QString store = m_connection.location().describe() + u' ' + table;
    for (int attempt = 1;; ++attempt) {
        QSqlQuery &rows = prepared(uR"(SELECT id, xmin::text FROM %1
            WHERE span = 60 AND (period BETWEEN ? AND ? OR period BETWEEN ? AND ?)
               OR span = 3600 AND (period BETWEEN ? AND ? OR period BETWEEN ? AND ?)
               OR span = 86400 AND period BETWEEN ? AND ?)"_s.arg(table));
        for (qsizetype i = 0; i < tiling.size(); ++i)
            rows.bindValue(int(i), tiling[i]);
        exec(rows);
        QList<QByteArray> blocks;
        QHash<qint64, qint64> missing; // id to xmin
        while (rows.next()) {
            const qint64 id = rows.value(0).toLongLong();
            const qint64 xmin = rows.value(1).toLongLong();
            if (std::optional<QByteArray> held = cache.find(store, id, xmin))
                blocks.append(*std::move(held));
            else
                missing.insert(id, xmin);
        }
        rows.finish();
        if (missing.isEmpty())
            return blocks;
        QSqlError error;
        auto fetch
            = PostgresRepoBlocks::fetch(m_connection.database(), dimension, missing.keys(), &error);
        if (!fetch)
            m_connection.fail(error);
        qsizetype fetched = 0;
        for (PostgresRepoBlocks::StoredBlock &block : *fetch) {
            if (missing.value(block.id) != block.version)
                continue;
            cache.insert(store, block.id, block.version, block.block);
            blocks.append(std::move(block.block));
            ++fetched;
        }
        if (fetched == missing.size())
            return blocks;
        if (attempt == 3)
            throw StoreUnavailable {u"gold's blocks changed under three reads in a row"_s};
    }
}

// The ranking of `ids` (m_rollups->counts' top with ties) by name, cut to `limit`.
QList<KeyCount> MetricsQueries::namedRanking(const std::vector<quint32> &ids, int limit)
{
    if (ids.empty())
        return {};
    QStringList array;
    for (const quint32 id : ids)
        array << QString::number(id);
    QSqlQuery &names = prepared(
        u"SELECT repo_id, repo_name FROM gold.repos WHERE repo_id = ANY(CAST(? AS bigint[]))"_s);
    names.bindValue(0, u"{%1}"_s.arg(array.join(u',')));
    exec(names);
    QList<KeyCount> ranked;
    while (names.next())
        ranked.append({names.value(1).toString(),
                       m_rollups->counts.count(quint32(names.value(0).toLongLong()))});
    names.finish();
    if (ranked.size() < qsizetype(ids.size()))
        throw StoreUnavailable {
            u"gold counts %1 repositories, of which gold.repos names %2"_s.arg(ids.size())
                .arg(ranked.size())};
    std::sort(ranked.begin(), ranked.end(), KeyCount::ranksBefore);
    ranked.resize(std::min(ranked.size(), qsizetype(limit)));
    return ranked;
}

namespace {

double median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? double(values[middle])
                             : double(values[middle - 1] + values[middle]) / 2.0;
}

// The median and the p90 of durations; nothing for none. The p90 is the nearest rank: the
// smallest value with at least 90 % of the others at or below it.
void spread(QList<qint64> durations, std::optional<double> *median50, std::optional<double> *p90)
{
    if (durations.isEmpty())
        return;
    std::sort(durations.begin(), durations.end());
    *median50 = median(durations);
    const qsizetype rank = qsizetype(std::ceil(0.9 * double(durations.size()))) - 1;
    *p90 = double(durations[std::max<qsizetype>(rank, 0)]);
}

// Average and median gap between consecutive openings, from `openedAt` (ascending).
void fillIntervals(PullRequestStats &stats)
{
    stats.count = stats.openedAt.size();
    if (stats.count == 0)
        return;
    stats.firstOpenedAt = stats.openedAt.constFirst();
    stats.lastOpenedAt = stats.openedAt.constLast();
    if (stats.count < 2)
        return;
    stats.averageSeconds
        = double(*stats.lastOpenedAt - *stats.firstOpenedAt) / double(stats.count - 1);
    QList<qint64> gaps;
    for (qsizetype i = 1; i < stats.openedAt.size(); ++i)
        gaps.append(stats.openedAt[i] - stats.openedAt[i - 1]);
    stats.medianSeconds = median(gaps);
}

} // namespace

PullRequestStats MetricsQueries::averagePullRequestInterval(const QString &repository,
                                                            const QDateTime &at)
{
    return pullRequestsIn(repository, {std::numeric_limits<qint64>::min(), at.toSecsSinceEpoch()});
}

// A store no writer of this version has opened yet (a viewer, --export) has no star days:
// none are stored, rather than a failed read.
// `schema`: "gold" or "silver" (SQLite's main).
bool MetricsQueries::hasTable(const QString &schema, const QString &name)
{
    QSqlQuery query = statement(
        m_connection.isPostgres()
            ? u"SELECT to_regclass(? || '.' || ?) IS NOT NULL"_s
            : u"SELECT COUNT(*) FROM %1.sqlite_master WHERE type = 'table' AND name = ?"_s.arg(
                schema == "gold"_L1 ? schema : u"main"_s));
    if (m_connection.isPostgres())
        query.addBindValue(schema);
    query.addBindValue(name);
    exec(query);
    return query.next() && query.value(0).toBool();
}

WatchedFeeds MetricsQueries::watchedFeeds(const Scope &scope, const TimeWindow &window)
{
    QStringList feeds;
    for (const QString &feed : scope.repositories + scope.organizations)
        feeds << feed.toLower();
    WatchedFeeds watched;
    if (!feeds.isEmpty()) {
        watched = m_clickHouse ? m_clickHouse->watchedFeeds(feeds, window)
                               : m_connection.read([&] { return feedsRead(feeds, window); });
    }
    for (const QString &feed : feeds) {
        if (!watched.firstReadAt.contains(feed))
            watched.neverRead << feed;
    }
    return watched;
}

// When each feed was first read, and its polls that missed events in the window.
WatchedFeeds MetricsQueries::feedsRead(const QStringList &feeds, const TimeWindow &window)
{
    WatchedFeeds watched;
    if (!hasTable(u"gold"_s, u"feeds"_s))
        return watched;
    const QString among = ScopeFilter::placeholders(feeds.size());
    QSqlQuery read
        = statement(u"SELECT feed, first_at FROM gold.feeds WHERE feed IN (%1)"_s.arg(among));
    for (const QString &feed : feeds)
        read.addBindValue(feed);
    exec(read);
    while (read.next())
        watched.firstReadAt.insert(read.value(0).toString(), read.value(1).toLongLong());
    QSqlQuery gaps = statement(u"SELECT feed, at FROM gold.feed_gaps WHERE feed IN (%1) "
                               "AND at BETWEEN ? AND ? ORDER BY at, feed"_s.arg(among));
    for (const QString &feed : feeds)
        gaps.addBindValue(feed);
    gaps.addBindValue(window.from);
    gaps.addBindValue(window.to);
    exec(gaps);
    while (gaps.next())
        watched.gaps.append({gaps.value(0).toString(), gaps.value(1).toLongLong()});
    return watched;
}

namespace {

// The stored history's days that the window touches (whole days: the history counts by
// day), with the history's total.
StarHistory inWindow(StarHistory history, const TimeWindow &window)
{
    QList<std::pair<qint64, qint64>> days;
    for (const auto &[day, stars] : std::as_const(history.days)) {
        history.total += stars;
        if (day <= window.to && day + 86400 > window.from) {
            days.append({day, stars});
            history.gained += stars;
        }
    }
    history.days = days;
    return history;
}

} // namespace

StarHistory MetricsQueries::starHistory(const QString &repository, const TimeWindow &window)
{
    return inWindow(m_clickHouse ? m_clickHouse->starHistory(repository)
                                 : m_connection.read([&] { return storedStarHistory(repository); }),
                    window);
}

// Every stored day of the repository's star history, and GitHub's count where it was read.
StarHistory MetricsQueries::storedStarHistory(const QString &repository)
{
    StarHistory history {false, repository, {}, 0, 0, -1, -1};
    if (!hasTable(u"gold"_s, u"star_days"_s))
        return history;
    QSqlQuery &query = prepared(uR"(SELECT day, stars, repo_name FROM gold.star_days
                                    WHERE repo_key = ? ORDER BY day)"_s);
    const auto done = qScopeGuard([&query] { query.finish(); });
    query.bindValue(0, repository.toLower());
    exec(query);
    while (query.next()) {
        history.known = true;
        history.repository = query.value(2).toString();
        history.days.append({query.value(0).toLongLong(), query.value(1).toLongLong()});
    }
    query.finish();
    if (history.known && hasTable(u"silver"_s, u"repository_counts"_s)) {
        QSqlQuery counts
            = statement(u"SELECT stars, fetched_at FROM repository_counts WHERE repo_key = ?"_s);
        counts.addBindValue(repository.toLower());
        exec(counts);
        if (counts.next()) {
            history.count = counts.value(0).toLongLong();
            history.countAt = counts.value(1).toLongLong();
        }
    }
    return history;
}

QList<std::pair<qint64, qint64>> MetricsQueries::pullRequestsAt(const QString &repository,
                                                                PullRequestMoment moment,
                                                                const TimeWindow &window)
{
    static const QString selects[]
        = {uR"(SELECT number, created_at FROM gold.pr_history WHERE repo_key = ?
            AND created_at BETWEEN ? AND ? ORDER BY created_at, number)"_s,
           uR"(SELECT number, merged_at FROM gold.pr_history WHERE repo_key = ?
            AND merged_at BETWEEN ? AND ? ORDER BY merged_at, number)"_s,
           uR"(SELECT number, created_at FROM gold.pr_history WHERE repo_key = ?
            AND created_at BETWEEN ? AND ? AND closed_at IS NULL ORDER BY created_at, number)"_s};
    if (m_clickHouse)
        return m_clickHouse->pullRequestsAt(repository, int(moment), window);
    return m_connection.read([&] {
        QList<std::pair<qint64, qint64>> found;
        if (!hasTable(u"gold"_s, u"pr_history"_s))
            return found;
        QSqlQuery &query = prepared(selects[int(moment)]);
        const auto done = qScopeGuard([&query] { query.finish(); });
        query.bindValue(0, repository.toLower());
        query.bindValue(1, window.from);
        query.bindValue(2, window.to);
        exec(query);
        while (query.next())
            found.append({query.value(0).toLongLong(), query.value(1).toLongLong()});
        return found;
    });
}

ReleaseStats MetricsQueries::releases(const QString &repository, const TimeWindow &window)
{
    ReleaseStats stats = m_clickHouse
        ? m_clickHouse->releases(repository, window)
        : m_connection.read([&] { return releasesIn(repository, window); });
    QList<qint64> gaps;
    for (qsizetype i = 1; i < stats.publishedAt.size(); ++i)
        gaps.append(stats.publishedAt[i] - stats.publishedAt[i - 1]);
    if (!gaps.isEmpty())
        stats.medianGapSeconds = median(gaps);
    return stats;
}

// Sought through the repository index, as a scope of the one repository: SQLite's is by
// hour first, so a bare name would read the whole window instead.
ReleaseStats MetricsQueries::releasesIn(const QString &repository, const TimeWindow &window)
{
    Scope only;
    only.name = repository;
    only.repositories = {repository};
    QSqlQuery query = scoped(u"SELECT repo_name, created_at"_s, window, only,
                             u"AND type = 'ReleaseEvent' ORDER BY created_at"_s);
    ReleaseStats stats;
    stats.repository = repository;
    while (query.next()) {
        stats.repository = query.value(0).toString();
        stats.publishedAt.append(query.value(1).toLongLong());
    }
    return stats;
}

PullRequestStats MetricsQueries::pullRequestsIn(const QString &repository, const TimeWindow &window)
{
    if (m_clickHouse) {
        PullRequestStats stats;
        stats.repository = repository;
        if (!pullRequestHistory(repository.toLower(), window, &stats))
            stats = m_clickHouse->pullRequestsOpened(repository, window);
        fillIntervals(stats);
        return stats;
    }
    return m_connection.read([&] { return pullRequestStats(repository, window); });
}

PullRequestStats MetricsQueries::pullRequestStats(const QString &repository,
                                                  const TimeWindow &window)
{
    PullRequestStats stats;
    stats.repository = repository;
    const QString key = repository.toLower();
    if (pullRequestHistory(key, window, &stats)) {
        fillIntervals(stats);
        return stats;
    }
    QSqlQuery &known = prepared(u"SELECT repo_name, repo_id FROM gold.repos WHERE repo_key = ?"_s);
    const auto knownDone = qScopeGuard([&known] { known.finish(); });
    known.bindValue(0, key);
    exec(known);
    if (!known.next())
        return stats;
    stats.repositoryKnown = true;
    stats.repository = known.value(0).toString();

    QSqlQuery &opened = prepared(uR"(SELECT created_at FROM gold.pr_opened
                                     WHERE repo_id = ? AND created_at BETWEEN ? AND ?
                                     ORDER BY created_at)"_s);
    const auto openedDone = qScopeGuard([&opened] { opened.finish(); });
    opened.bindValue(0, known.value(1).toLongLong());
    opened.bindValue(1, window.from);
    opened.bindValue(2, window.to);
    exec(opened);
    while (opened.next())
        stats.openedAt.append(opened.value(0).toLongLong());
    fillIntervals(stats);
    return stats;
}

// A watched repository's pull requests created inside the window and the horizon, when it
// has a history. The history is fetched back to the horizon's start, in whole pages: older
// rows on the last page, and rows the horizon has passed since, are left out.
bool MetricsQueries::pullRequestHistory(const QString &key, const TimeWindow &window,
                                        PullRequestStats *stats)
{
    QString name;
    const QList<StoredPullRequest> history = m_clickHouse
        ? m_clickHouse->pullRequestHistory(key, &name)
        : storedPullRequests(key, &name);
    if (history.isEmpty())
        return false;
    const qint64 horizonFrom
        = std::max(window.from, window.to - qint64(m_pullRequestHorizonDays) * 86400);
    stats->repositoryKnown = true;
    stats->source = u"history"_s;
    stats->repository = name;
    stats->horizonFrom = horizonFrom;
    stats->horizonDays = m_pullRequestHorizonDays;
    QList<qint64> mergeTimes;
    QList<qint64> closeTimes;
    for (const StoredPullRequest &pullRequest : history) {
        const qint64 created = pullRequest.createdAt;
        if (created < horizonFrom || created > window.to)
            continue;
        stats->openedAt.append(created);
        stats->numbers.append(pullRequest.number);
        if (pullRequest.closedAt < 0)
            ++stats->open;
        else
            closeTimes.append(pullRequest.closedAt - created);
        if (pullRequest.mergedAt >= 0)
            mergeTimes.append(pullRequest.mergedAt - created);
    }
    stats->merged = mergeTimes.size();
    spread(mergeTimes, &stats->mergeMedianSeconds, &stats->mergeP90Seconds);
    stats->closed = closeTimes.size();
    spread(closeTimes, &stats->closeMedianSeconds, &stats->closeP90Seconds);
    return true;
}

// The repository's stored history, by creation time, and its spelling.
QList<StoredPullRequest> MetricsQueries::storedPullRequests(const QString &key, QString *name)
{
    QSqlQuery &query = prepared(uR"(SELECT repo_name, created_at, closed_at, merged_at, number
                                    FROM gold.pr_history WHERE repo_key = ? ORDER BY created_at)"_s);
    const auto done = qScopeGuard([&query] { query.finish(); });
    query.bindValue(0, key);
    exec(query);
    QList<StoredPullRequest> history;
    while (query.next()) {
        *name = query.value(0).toString();
        history.append({query.value(4).toLongLong(), query.value(1).toLongLong(),
                        query.value(2).isNull() ? -1 : query.value(2).toLongLong(),
                        query.value(3).isNull() ? -1 : query.value(3).toLongLong()});
    }
    return history;
}

namespace {

qint64 hourOf(qint64 seconds)
{
    return CountBlock::floorDiv(seconds, 3600) * 3600;
}

} // namespace

QList<HourCoverage> MetricsQueries::coverage(const TimeWindow &window)
{
    const qint64 first = hourOf(window.from);
    const qint64 last = hourOf(window.to);
    if (m_clickHouse)
        return m_clickHouse->coverage(first, last);
    return m_connection.read([&] {
        QList<HourCoverage> hours;
        for (qint64 hour = first; hour <= last; hour += 3600)
            hours.append({hour, false, false, {}, 0, std::nullopt});
        QSqlQuery events = statement(uR"(SELECT minute / 60, SUM(events) FROM gold.type_minute
                                         WHERE minute BETWEEN ? AND ? GROUP BY 1)"_s);
        events.addBindValue(first / 60);
        events.addBindValue(last / 60 + 59);
        exec(events);
        while (events.next())
            hours[(events.value(0).toLongLong() * 3600 - first) / 3600].events
                = events.value(1).toLongLong();
        QSqlQuery archived = statement(uR"(SELECT hour, events, live_events, complete, reason
                                           FROM gold.archive_hours WHERE hour BETWEEN ? AND ?)"_s);
        archived.addBindValue(first);
        archived.addBindValue(last);
        exec(archived);
        while (archived.next()) {
            HourCoverage &hour = hours[(archived.value(0).toLongLong() - first) / 3600];
            hour.archived = true;
            hour.complete = archived.value(3).toLongLong() == 1;
            hour.incompleteReason = archived.value(4).toString();
            const qint64 events = archived.value(1).toLongLong();
            if (hour.complete && events > 0)
                hour.liveShare = double(archived.value(2).toLongLong()) / double(events);
        }
        return hours;
    });
}

bool MetricsQueries::isComplete(const TimeWindow &window)
{
    const qint64 first = hourOf(window.from);
    const qint64 last = hourOf(window.to);
    if (m_clickHouse)
        return m_clickHouse->completeHours(first, last) == (last - first) / 3600 + 1;
    return m_connection.read([&] {
        QSqlQuery &query
            = prepared(u"SELECT COUNT(*) FROM gold.archive_hours WHERE hour BETWEEN ? AND ? "
                       "AND complete = 1"_s);
        const auto done = qScopeGuard([&query] { query.finish(); });
        query.bindValue(0, first);
        query.bindValue(1, last);
        exec(query);
        return query.next() && query.value(0).toLongLong() == (last - first) / 3600 + 1;
    });
}

std::optional<double> MetricsQueries::recentLiveShare()
{
    if (m_clickHouse)
        return m_clickHouse->recentLiveShare();
    return m_connection.read([&]() -> std::optional<double> {
        QSqlQuery &query = prepared(uR"(SELECT AVG(CAST(live_events AS REAL) / events) FROM (
            SELECT live_events, events FROM gold.archive_hours WHERE live_events > 0
            AND complete = 1
            ORDER BY hour DESC LIMIT 24) AS latest)"_s);
        const auto done = qScopeGuard([&query] { query.finish(); });
        exec(query);
        if (!query.next() || query.value(0).isNull())
            return std::nullopt;
        return query.value(0).toDouble();
    });
}

// Whole minutes from gold; a minute the window cuts is counted to the second, so that the
// minutes hold exactly the window's events.
QList<MinuteCount> MetricsQueries::eventsPerMinute(qint64 minutes, const QDateTime &at)
{
    return eventsPerMinute(TimeWindow::endingAt(at, minutes));
}

QList<MinuteCount> MetricsQueries::eventsPerMinute(const TimeWindow &window, const Scope &scope)
{
    if (m_clickHouse)
        return m_clickHouse->eventsPerMinute(window, scope);
    if (!scope.isEverything()) {
        return m_connection.read([&] {
            QSqlQuery query = scoped(u"SELECT created_at / 60, type, COUNT(*)"_s, window, scope,
                                     u"GROUP BY 1, 2 ORDER BY 1, 2"_s);
            QList<MinuteCount> counts;
            while (query.next())
                counts.append({query.value(0).toLongLong(), query.value(1).toString(),
                               query.value(2).toLongLong()});
            return counts;
        });
    }
    // Whole minutes [firstWhole, lastWhole]; the cut minutes around them, if any.
    const qint64 firstWhole = -CountBlock::floorDiv(-window.from, 60);
    const qint64 lastWhole = CountBlock::floorDiv(window.to + 1, 60) - 1;
    return m_connection.read([&] {
        QList<MinuteCount> counts;
        const auto addCut = [&](qint64 from, qint64 to) {
            for (const KeyCount &count : typeCountsIn({from, to}))
                counts.append({CountBlock::floorDiv(from, 60), count.key, count.count});
        };
        if (firstWhole > lastWhole) {
            // No whole minute: one or two cut ones.
            const qint64 boundary = firstWhole * 60;
            addCut(window.from, std::min(boundary - 1, window.to));
            if (boundary <= window.to)
                addCut(boundary, window.to);
            return counts;
        }
        if (window.from < firstWhole * 60)
            addCut(window.from, firstWhole * 60 - 1);
        QSqlQuery query = statement(uR"(SELECT minute, type, events FROM gold.type_minute
                                        WHERE minute BETWEEN ? AND ? ORDER BY minute, type)"_s);
        query.addBindValue(firstWhole);
        query.addBindValue(lastWhole);
        exec(query);
        while (query.next())
            counts.append({query.value(0).toLongLong(), query.value(1).toString(),
                           query.value(2).toLongLong()});
        query.finish();
        if ((lastWhole + 1) * 60 <= window.to)
            addCut((lastWhole + 1) * 60, window.to);
        return counts;
    });
}

QList<EventRow> MetricsQueries::latestEvents(int limit, const TimeWindow &window,
                                             const Scope &scope)
{
    if (m_clickHouse)
        return m_clickHouse->latestEvents(limit, window, scope);
    return m_connection.read([&] {
        QSqlQuery query
            = scoped(u"SELECT id, created_at, type, action, repo_name, actor_login, pr_number"_s,
                     window, scope, u"ORDER BY created_at DESC, id DESC LIMIT ?"_s, {limit});
        QList<EventRow> rows;
        while (query.next())
            rows.append({query.value(0).toLongLong(), query.value(1).toLongLong(),
                         query.value(2).toString(), query.value(3).toString(),
                         query.value(4).toString(), query.value(5).toString(),
                         query.value(6).isNull() ? -1 : query.value(6).toLongLong()});
        return rows;
    });
}

QStringList MetricsQueries::repositoryNames(const QString &prefix, int limit)
{
    if (m_clickHouse)
        return m_clickHouse->repositoryNames(prefix, limit);
    return m_connection.read([&] {
        // The key is lower case, so a range scan on it is a case-insensitive prefix match.
        QSqlQuery query = statement(uR"(SELECT repo_name FROM gold.repos
                                        WHERE repo_key >= ? AND repo_key < ?
                                        ORDER BY repo_key LIMIT ?)"_s);
        QString low = prefix.toLower();
        if (low.isNull())
            low = u""_s; // a null QString would bind as SQL NULL
        query.addBindValue(low);
        query.addBindValue(QString(low + QChar(0xFFFF)));
        query.addBindValue(limit);
        exec(query);
        QStringList names;
        while (query.next())
            names.append(query.value(0).toString());
        return names;
    });
}

qint64 MetricsQueries::eventsStored()
{
    if (m_clickHouse)
        return m_clickHouse->eventsStored();
    return m_connection.read([&] {
        QSqlQuery query = statement(u"SELECT value FROM gold.meta WHERE key = 'events_total'"_s);
        exec(query);
        return query.next() ? query.value(0).toLongLong() : 0;
    });
}

std::optional<std::pair<qint64, qint64>> MetricsQueries::storedSpan()
{
    if (m_clickHouse)
        return m_clickHouse->storedSpan();
    return m_connection.read([&]() -> std::optional<std::pair<qint64, qint64>> {
        QSqlQuery query = statement(u"SELECT MIN(created_at), MAX(created_at) FROM events"_s);
        exec(query);
        if (query.next() && !query.value(0).isNull())
            return std::pair(query.value(0).toLongLong(), query.value(1).toLongLong());
        return std::nullopt;
    });
}

std::optional<qint64> MetricsQueries::latestEventAt()
{
    if (m_clickHouse) {
        if (const auto span = m_clickHouse->storedSpan())
            return span->second;
        return std::nullopt;
    }
    return m_connection.read([&]() -> std::optional<qint64> {
        QSqlQuery query = statement(u"SELECT MAX(created_at) FROM events"_s);
        exec(query);
        if (query.next() && !query.value(0).isNull())
            return query.value(0).toLongLong();
        return std::nullopt;
    });
}

QList<std::pair<QString, qint64>> MetricsQueries::eventTotalsByType()
{
    if (m_clickHouse)
        return m_clickHouse->eventTotalsByType();
    return m_connection.read([&] {
        // The whole stored span as one window: mostly day blocks, whatever its length.
        QSqlQuery span = statement(m_connection.isPostgres()
                                       ? u"SELECT MIN(period), MAX(period) FROM gold.type_blocks "
                                         "WHERE span = 60"_s
                                       : u"SELECT MIN(period), MAX(period) FROM "
                                         "gold.type_counts_minute"_s);
        exec(span);
        QList<std::pair<QString, qint64>> totals;
        if (span.next() && !span.value(0).isNull()) {
            const TimeWindow all {span.value(0).toLongLong() * 60,
                                  span.value(1).toLongLong() * 60 + 59};
            span.finish();
            for (const KeyCount &count : typeCountsIn(all))
                totals.append({count.key, count.count});
        }
        std::sort(totals.begin(), totals.end());
        return totals;
    });
}

qint64 MetricsQueries::quarantinedEvents()
{
    if (m_clickHouse)
        return m_clickHouse->quarantinedEvents();
    return m_connection.read([&] {
        QSqlQuery query = statement(u"SELECT COUNT(*) FROM quarantine"_s);
        exec(query);
        return query.next() ? query.value(0).toLongLong() : 0;
    });
}

qint64 MetricsQueries::dataVersion()
{
    if (m_clickHouse)
        return m_clickHouse->dataVersion();
    // Every committed batch counts itself in gold.meta, on both backends, and so does a
    // recorded coverage: the same for every connection, so that an ETag holds across the
    // reader threads. A store made anew (a rebuild) counts from another start.
    return m_connection.read([&] {
        QSqlQuery &query = prepared(uR"(SELECT (SELECT value FROM gold.meta WHERE key = 'batch'),
                                               (SELECT value FROM gold.meta WHERE key = 'created'))"_s);
        const auto done = qScopeGuard([&query] { query.finish(); });
        exec(query);
        return query.next() ? query.value(1).toLongLong() * 1000003 + query.value(0).toLongLong()
                            : 0;
    });
}
