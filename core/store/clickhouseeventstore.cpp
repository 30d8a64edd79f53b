#include "store/clickhouseeventstore.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

// The source's id is its key's hash: registering needs no round trip and no lock.
qint64 sourceIdOf(const QString &key)
{
    quint64 hash = 1469598103934665603ULL; // FNV-1a
    for (const char c : key.toUtf8()) {
        hash ^= quint8(c);
        hash *= 1099511628211ULL;
    }
    return qint64(hash >> 1);
}

QByteArray number(qint64 value)
{
    return QByteArray::number(value);
}

void appendField(QByteArray &row, const QByteArray &field)
{
    ClickHouseClient::appendEscaped(row, field);
    row += '\t';
}

void endRow(QByteArray &row)
{
    row.back() = '\n';
}

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

QByteArray lowered(std::string_view name)
{
    return bytes(name).toLower(); // names are ASCII: GitHub's syntax, checked by the parser
}

// A ClickHouse array of type names, which are letters only.
QByteArray typeArray(const QList<QByteArray> &names)
{
    QByteArray out = "[";
    for (const QByteArray &name : names)
        out += (out.size() > 1 ? ",'" : "'") + name + '\'';
    return out + ']';
}

QList<QByteArray> parseTypeArray(QByteArray array)
{
    QList<QByteArray> names;
    for (const QByteArray &name : array.mid(1, array.size() - 2).split(','))
        if (name.size() > 2)
            names.append(name.mid(1, name.size() - 2));
    return names;
}

QList<qint64> parseNumberArray(const QByteArray &array)
{
    QList<qint64> numbers;
    for (const QByteArray &value : array.mid(1, array.size() - 2).split(','))
        if (!value.isEmpty())
            numbers.append(value.toLongLong());
    return numbers;
}

// A source's progress rows are versioned by how far they reach; its last one, complete, wins.
qint64 versionOf(const SourceProgress &progress)
{
    return progress.offset * 2 + (progress.complete ? 1 : 0);
}

// One of gold's rollups: a table on every shard, and the SELECT over the shard's silver (%1)
// that fills it, as a materialized view for new events and once for the stored ones.
struct Rollup
{
    QString table;
    QString definition;
    QString select;
};

const QList<Rollup> &rollups()
{
    // Summing tables are exact when read with sum() before their parts merge.
    static const QList<Rollup> all {
        {u"repo_hours"_s, uR"((hour UInt32, k UInt64, n UInt64) ENGINE = SummingMergeTree(n)
             PARTITION BY intDiv(hour, 720) ORDER BY (hour, k))"_s,
         uR"(SELECT toUInt32(intDiv(created_at, 3600)) AS hour, cityHash64(repo_key) AS k,
                    count() AS n FROM %1 GROUP BY hour, k)"_s},
        // The spelling of each repository's latest event, as SQLite's gold.repos keeps it.
        {u"repo_names"_s, uR"((k UInt64, repo_key String, repo_name String, at UInt32)
             ENGINE = ReplacingMergeTree(at) ORDER BY (k, repo_key))"_s,
         uR"(SELECT cityHash64(repo_key) AS k, repo_key, argMax(repo_name, created_at) AS repo_name,
                    max(created_at) AS at FROM %1 GROUP BY k, repo_key)"_s},
        {u"type_minutes"_s, uR"((minute UInt32, type String, n UInt64) ENGINE = SummingMergeTree(n)
             PARTITION BY intDiv(minute, 43200) ORDER BY (minute, type))"_s,
         uR"(SELECT toUInt32(intDiv(created_at, 60)) AS minute, type, count() AS n FROM %1
             GROUP BY minute, type)"_s},
    };
    return all;
}

// Bumped when a rollup changes: a store without this version's marker rebuilds them.
constexpr int rollupVersion = 1;

constexpr auto eventColumns = "id, type, created_at, repo_name, repo_key, repo_id, actor_login, "
                              "actor_id, org_login, action, public, pr_number, source_id";

} // namespace

ClickHouseEventStore::ClickHouseEventStore(const QUrl &databaseUrl)
    : m_client(databaseUrl)
    , m_where(databaseUrl.toDisplayString(QUrl::RemovePassword | QUrl::RemoveQuery))
{
}

ClickHouseEventStore::~ClickHouseEventStore() = default;

QStringList ClickHouseEventStore::shardSchema(const QString &database, const QString &cluster)
{
    // Ordered by time, then id: a window is a range, and a batch's lookup by id is too.
    const QString events = uR"((id UInt64, type String, created_at UInt32, repo_name String,
        repo_key String, repo_id Int64, actor_login String, actor_id Int64, org_login String,
        action String, public Int8, pr_number Int64, source_id UInt64) ENGINE = ReplacingMergeTree()
        PARTITION BY intDiv(created_at, 2592000) ORDER BY (created_at, id))"_s;
    if (cluster.isEmpty())
        return {u"CREATE TABLE IF NOT EXISTS events "_s + events};
    return {u"CREATE TABLE IF NOT EXISTS events_local "_s + events,
            u"CREATE TABLE IF NOT EXISTS events AS events_local "
            "ENGINE = Distributed(%1, %2, events_local, cityHash64(repo_key))"_s.arg(cluster,
                                                                                     database)};
}

QStringList ClickHouseEventStore::rollupSchema() const
{
    QStringList statements;
    for (const Rollup &rollup : rollups()) {
        const QString local = m_client.shardTable(rollup.table);
        statements << u"CREATE TABLE IF NOT EXISTS %1 %2"_s.arg(local, rollup.definition);
        if (!m_client.cluster().isEmpty())
            statements << u"CREATE TABLE IF NOT EXISTS %1 AS %2 "
                          "ENGINE = Distributed(%3, %4, %2)"_s.arg(
                              rollup.table, local, m_client.cluster(), m_client.database());
    }
    return statements;
}

QStringList ClickHouseEventStore::coordinatorSchema()
{
    return {
        uR"(CREATE TABLE IF NOT EXISTS rollups (version UInt64)
            ENGINE = ReplacingMergeTree() ORDER BY version)"_s,
        uR"(CREATE TABLE IF NOT EXISTS sources (key String, id UInt64, offset Int64, lines Int64,
            complete UInt8, origin String, origin_hour Int64, events Int64, in_hour Int64,
            type_names Array(String), type_counts Array(Int64), version UInt64)
            ENGINE = ReplacingMergeTree(version) ORDER BY key)"_s,
        uR"(CREATE TABLE IF NOT EXISTS bot_logins (login String)
            ENGINE = ReplacingMergeTree() ORDER BY login)"_s,
        // The change marker: a row per committed batch, with the span of its new events.
        uR"(CREATE TABLE IF NOT EXISTS batches (source_id UInt64, offset Int64, events Int64,
            committed_at UInt64, first_at Int64, last_at Int64)
            ENGINE = MergeTree() ORDER BY (source_id, offset))"_s,
        // The sources' measurements, per batch: see insertHealth().
        uR"(CREATE TABLE IF NOT EXISTS source_hours (source_id UInt64, version UInt64, hour Int64,
            source String, requests Int64, events Int64, new_events Int64, in_hour Int64)
            ENGINE = MergeTree() ORDER BY (source_id, version, hour))"_s,
        uR"(CREATE TABLE IF NOT EXISTS source_types (source_id UInt64, version UInt64, hour Int64,
            source String, type String, events Int64, new_events Int64)
            ENGINE = MergeTree() ORDER BY (source_id, version, hour, type))"_s,
        uR"(CREATE TABLE IF NOT EXISTS source_lag (source_id UInt64, version UInt64, hour Int64,
            source String, bucket Int64, events Int64)
            ENGINE = MergeTree() ORDER BY (source_id, version, hour, bucket))"_s,
        uR"(CREATE TABLE IF NOT EXISTS feed_pages (source_id UInt64, version UInt64, feed String,
            at Int64, missed UInt8) ENGINE = MergeTree() ORDER BY (source_id, version))"_s,
        uR"(CREATE TABLE IF NOT EXISTS quarantine (source_id UInt64, line Int64, reason String,
            raw String) ENGINE = ReplacingMergeTree() ORDER BY (source_id, line))"_s,
        uR"(CREATE TABLE IF NOT EXISTS archive_hours (hour Int64, file_events Int64,
            in_hour Int64, events Int64, live_events Int64, complete UInt8, reason String,
            version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY hour)"_s,
        uR"(CREATE TABLE IF NOT EXISTS star_days (repo_key String, repo_name String, day Int64,
            stars Int64, version UInt64) ENGINE = ReplacingMergeTree(version)
            ORDER BY (repo_key, day))"_s,
        uR"(CREATE TABLE IF NOT EXISTS repository_counts (repo_key String, repo_name String,
            fetched_at Int64, stars Int64, forks Int64, open_issues Int64, subscribers Int64)
            ENGINE = ReplacingMergeTree(fetched_at) ORDER BY repo_key)"_s,
        uR"(CREATE TABLE IF NOT EXISTS pull_requests (repo_key String, repo_name String,
            number Int64, author String, created_at Int64, closed_at Int64, merged_at Int64,
            version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY (repo_key, number))"_s,
    };
}

bool ClickHouseEventStore::fail(const QString &context)
{
    m_error = u"%1 (%2): %3"_s.arg(context, m_where, m_client.lastError());
    return false;
}

bool ClickHouseEventStore::createSchema()
{
    for (const QString &statement : shardSchema(m_client.database(), m_client.cluster())) {
        if (!m_client.executeOnEveryShard(statement))
            return fail(u"cannot create ClickHouse's tables"_s);
    }
    for (const QString &statement : coordinatorSchema()) {
        if (!m_client.execute(statement))
            return fail(u"cannot create ClickHouse's tables"_s);
    }
    const std::optional<ClickHouseClient::Rows> built
        = m_client.select(u"SELECT count() FROM rollups WHERE version = %1"_s.arg(rollupVersion));
    if (!built)
        return fail(u"cannot read gold's version"_s);
    return built->value(0).value(0) != "0" || buildRollups();
}

bool ClickHouseEventStore::dropRollups()
{
    for (const Rollup &rollup : rollups()) {
        const QString local = m_client.shardTable(rollup.table);
        for (const QString &table : {QString(local + u"_view"_s), local, rollup.table}) {
            if (!m_client.executeOnEveryShard(u"DROP TABLE IF EXISTS "_s + table))
                return false;
        }
    }
    return true;
}

// Gold from the events already stored, then views for the events to come; the marker last,
// so that an interrupted build starts again. A collector of an older version writing at the
// same moment would lose the events between a table's fill and its view.
bool ClickHouseEventStore::buildRollups()
{
    if (!dropRollups())
        return fail(u"cannot drop gold's old tables"_s);
    for (const QString &statement : rollupSchema()) {
        if (!m_client.executeOnEveryShard(statement))
            return fail(u"cannot create gold's tables"_s);
    }
    const QString silver = m_client.database() + u'.' + m_client.shardTable(u"events"_s);
    for (const Rollup &rollup : rollups()) {
        const QString local = m_client.shardTable(rollup.table);
        if (!m_client.executeOnEveryShard(
                u"INSERT INTO %1 %2"_s.arg(local, rollup.select.arg(silver)))
            || !m_client.executeOnEveryShard(u"CREATE MATERIALIZED VIEW %1_view TO %1 AS %2"_s.arg(
                local, rollup.select.arg(silver))))
            return fail(u"cannot fill gold from silver"_s);
    }
    return m_client.execute(u"INSERT INTO rollups VALUES (%1)"_s.arg(rollupVersion))
        || fail(u"cannot mark gold as built"_s);
}

// An INSERT of a writer killed mid-request may still be running on the server: its events
// must be in silver before this writer looks them up. Each query's id starts with its
// database's name (ClickHouseClient), so another database's imports are not waited for.
bool ClickHouseEventStore::waitForEarlierInserts()
{
    for (int attempt = 0; attempt < 600; ++attempt) {
        const std::optional<ClickHouseClient::Rows> running = m_client.select(
            uR"(SELECT count() FROM system.processes WHERE query LIKE 'INSERT INTO events %'
                AND startsWith(query_id, '%1-'))"_s.arg(m_client.database()));
        if (!running)
            return fail(u"cannot read ClickHouse's running queries"_s);
        if (running->value(0).value(0) == "0")
            return true;
        QThread::msleep(100);
    }
    m_error = u"an earlier INSERT into ClickHouse is still running after 60 s"_s;
    return false;
}

bool ClickHouseEventStore::open()
{
    return createSchema() && waitForEarlierInserts();
}

void ClickHouseEventStore::close()
{
    clearBatch();
}

bool ClickHouseEventStore::clear()
{
    if (!dropRollups() || !m_client.executeOnEveryShard(u"DROP TABLE IF EXISTS events"_s)
        || !m_client.executeOnEveryShard(u"DROP TABLE IF EXISTS events_local"_s))
        return fail(u"cannot empty silver"_s);
    static const QRegularExpression name(u"^CREATE TABLE IF NOT EXISTS (\\w+)"_s);
    for (const QString &statement : coordinatorSchema()) {
        const QString table = name.match(statement).captured(1);
        if (!m_client.execute(u"DROP TABLE IF EXISTS "_s + table))
            return fail(u"cannot empty silver"_s);
    }
    m_sources.clear();
    return createSchema();
}

std::optional<SourceProgress> ClickHouseEventStore::sourceProgress(const QString &sourceKey)
{
    const qint64 id = sourceIdOf(sourceKey);
    const std::optional<ClickHouseClient::Rows> rows = m_client.select(
        uR"(SELECT argMax(offset, version), argMax(lines, version), argMax(complete, version),
                   argMax(origin, version), argMax(origin_hour, version),
                   argMax(events, version), argMax(in_hour, version),
                   argMax(type_names, version), argMax(type_counts, version)
            FROM sources WHERE key = %1 GROUP BY key)"_s.arg(ClickHouseClient::quoted(sourceKey)));
    if (!rows) {
        fail(u"cannot read the progress of %1"_s.arg(sourceKey));
        return std::nullopt;
    }
    SourceProgress progress {.sourceId = id};
    SourceTotals totals {.key = sourceKey};
    if (!rows->isEmpty()) {
        const ClickHouseClient::Row &row = rows->first();
        progress.offset = row.value(0).toLongLong();
        progress.lines = row.value(1).toLongLong();
        progress.complete = row.value(2) == "1";
        totals.origin = QString::fromUtf8(row.value(3));
        totals.originHour = row.value(4).toLongLong();
        totals.events = row.value(5).toLongLong();
        totals.inHour = row.value(6).toLongLong();
        const QList<QByteArray> names = parseTypeArray(row.value(7));
        const QList<qint64> counts = parseNumberArray(row.value(8));
        for (qsizetype i = 0; i < names.size() && i < counts.size(); ++i)
            totals.types.insert(names[i], counts[i]);
    }
    m_sources.insert(id, totals);
    return progress;
}

bool ClickHouseEventStore::beginBatch(qint64 sourceId)
{
    clearBatch();
    m_sourceId = sourceId;
    m_totals = m_sources.value(sourceId);
    m_totals.origin = m_health.origin().source;
    m_totals.originHour = m_health.origin().hour;
    return true;
}

void ClickHouseEventStore::event(const EventView &event)
{
    ++m_totals.events;
    ++m_totals.types[bytes(event.type)];
    if (m_totals.originHour >= 0 && event.createdAt >= m_totals.originHour
        && event.createdAt < m_totals.originHour + 3600)
        ++m_totals.inHour;
    if (m_batchIds.contains(event.id)) {
        ++m_duplicates;
        m_events.push_back({event.id, event.createdAt, bytes(event.type), {}});
        return;
    }
    m_batchIds.insert(event.id);
    if (event.actorIsBot && !event.actorLogin.ends_with("[bot]"))
        m_botLogins.insert(lowered(event.actorLogin));
    QByteArray row;
    for (const QByteArray &field :
         {number(event.id), bytes(event.type), number(event.createdAt), bytes(event.repoName),
          lowered(event.repoName), number(event.repoId), bytes(event.actorLogin),
          number(event.actorId), bytes(event.orgLogin), bytes(event.action), number(event.isPublic),
          number(event.prNumber), number(m_sourceId)})
        appendField(row, field);
    endRow(row);
    m_events.push_back({event.id, event.createdAt, bytes(event.type), row});
}

void ClickHouseEventStore::invalid(std::string_view reason, std::string_view raw)
{
    for (const QByteArray &field :
         {number(m_sourceId), number(m_line), bytes(reason), bytes(raw.substr(0, 65536))})
        appendField(m_quarantine, field);
    endRow(m_quarantine);
    ++m_quarantined;
}

void ClickHouseEventStore::starDay(const QString &repository, qint64 day, qint64 stars)
{
    const QByteArray name = repository.toUtf8();
    for (const QByteArray &field : {name.toLower(), name, number(day), number(stars),
                                    number(QDateTime::currentMSecsSinceEpoch())})
        appendField(m_starDays, field);
    endRow(m_starDays);
}

void ClickHouseEventStore::repositoryCounts(const RepositoryCounts &counts)
{
    const QByteArray name = counts.repository.toUtf8();
    for (const QByteArray &field :
         {name.toLower(), name, number(counts.fetchedAt), number(counts.stars),
          number(counts.forks), number(counts.openIssues), number(counts.subscribers)})
        appendField(m_repositoryCounts, field);
    endRow(m_repositoryCounts);
}

void ClickHouseEventStore::pullRequest(const QString &repository, qint64 number,
                                       const QString &author, qint64 createdAt, qint64 closedAt,
                                       qint64 mergedAt)
{
    const QByteArray name = repository.toUtf8();
    for (const QByteArray &field :
         {name.toLower(), name, ::number(number), author.toUtf8(), ::number(createdAt),
          ::number(closedAt), ::number(mergedAt), ::number(QDateTime::currentMSecsSinceEpoch())})
        appendField(m_pullRequests, field);
    endRow(m_pullRequests);
}

// The ids of the batch that silver already holds, from any source: read by the batch's time
// and id ranges, a constant-size statement however large the batch, then matched here.
std::optional<QSet<qint64>> ClickHouseEventStore::storedIds()
{
    qint64 first = m_events.front().createdAt;
    qint64 last = first;
    qint64 lowest = m_events.front().id;
    qint64 highest = lowest;
    for (const PendingEvent &event : m_events) {
        first = std::min(first, event.createdAt);
        last = std::max(last, event.createdAt);
        lowest = std::min(lowest, event.id);
        highest = std::max(highest, event.id);
    }
    const std::optional<ClickHouseClient::Rows> rows = m_client.select(
        u"SELECT id FROM events WHERE created_at BETWEEN %1 AND %2 AND id BETWEEN %3 AND %4"_s
            .arg(first)
            .arg(last)
            .arg(lowest)
            .arg(highest));
    if (!rows)
        return std::nullopt;
    QSet<qint64> stored;
    for (const ClickHouseClient::Row &row : *rows) {
        if (const qint64 id = row.value(0).toLongLong(); m_batchIds.contains(id))
            stored.insert(id);
    }
    return stored;
}

bool ClickHouseEventStore::insertRows(const QString &table, const QByteArray &rows)
{
    return rows.isEmpty()
        || m_client.execute(u"INSERT INTO %1 FORMAT TabSeparated"_s.arg(table), rows);
}

QByteArray ClickHouseEventStore::progressRow(const SourceProgress &progress) const
{
    QList<QByteArray> names = m_totals.types.keys();
    std::sort(names.begin(), names.end());
    QByteArray counts = "[";
    for (const QByteArray &name : std::as_const(names))
        counts += (counts.size() > 1 ? "," : "") + number(m_totals.types.value(name));
    counts += ']';
    QByteArray row;
    for (const QByteArray &field :
         {m_totals.key.toUtf8(), number(m_sourceId), number(progress.offset),
          number(progress.lines), number(progress.complete ? 1 : 0), m_totals.origin.toUtf8(),
          number(m_totals.originHour), number(m_totals.events), number(m_totals.inHour)})
        appendField(row, field);
    row += typeArray(names) + '\t' + counts + '\t';
    row += number(versionOf(progress)) + '\n';
    return row;
}

QByteArray ClickHouseEventStore::botRows() const
{
    QByteArray rows;
    for (const QByteArray &login : m_botLogins) {
        ClickHouseClient::appendEscaped(rows, login);
        rows += '\n';
    }
    return rows;
}

bool ClickHouseEventStore::insertHealth(qint64 version)
{
    const QByteArray key = number(m_sourceId) + '\t' + number(version) + '\t';
    const QByteArray source = m_health.origin().source.toUtf8();
    QByteArray hours, types, lag, feeds;
    for (const HealthDelta::HourRow &row : m_health.hourRows()) {
        hours += key;
        for (const QByteArray &field :
             {number(row.hour), source, number(row.requests), number(row.events),
              number(row.newEvents), number(row.inHour)})
            appendField(hours, field);
        endRow(hours);
    }
    for (const HealthDelta::TypeRow &row : m_health.typeRows()) {
        types += key;
        for (const QByteArray &field :
             {number(row.hour), source, row.type, number(row.events), number(row.newEvents)})
            appendField(types, field);
        endRow(types);
    }
    for (const HealthDelta::LagRow &row : m_health.lagRows()) {
        lag += key;
        for (const QByteArray &field :
             {number(row.hour), source, number(row.bucket), number(row.events)})
            appendField(lag, field);
        endRow(lag);
    }
    if (m_health.readsFeed()) {
        feeds += key;
        for (const QByteArray &field :
             {m_health.origin().feed.toLower().toUtf8(), number(m_health.origin().arrivedAt),
              number(m_health.origin().missedBefore ? 1 : 0)})
            appendField(feeds, field);
        endRow(feeds);
    }
    return insertRows(u"source_hours"_s, hours) && insertRows(u"source_types"_s, types)
        && insertRows(u"source_lag"_s, lag) && insertRows(u"feed_pages"_s, feeds);
}

bool ClickHouseEventStore::commitBatch(const SourceProgress &progress,
                                       QList<BatchResult> *committed)
{
    BatchResult result {.duplicates = m_duplicates, .quarantined = m_quarantined};
    QByteArray rows;
    if (!m_events.empty()) {
        const std::optional<QSet<qint64>> stored = storedIds();
        if (!stored)
            return fail(u"cannot look the batch's events up"_s);
        for (const PendingEvent &event : m_events) {
            EventView view;
            view.type = std::string_view(event.type.constData(), size_t(event.type.size()));
            view.createdAt = event.createdAt;
            const bool isNew = !event.row.isEmpty() && !stored->contains(event.id);
            m_health.add(view, isNew);
            if (event.row.isEmpty())
                continue; // counted as a duplicate when it was read
            if (!isNew) {
                ++result.duplicates;
                continue;
            }
            rows += event.row;
            ++result.inserted;
            result.firstCreatedAt = result.firstCreatedAt < 0
                ? event.createdAt
                : std::min(result.firstCreatedAt, event.createdAt);
            result.lastCreatedAt = std::max(result.lastCreatedAt, event.createdAt);
        }
    }
    if (progress.complete)
        m_health.addRequest();
    QByteArray marker;
    for (const QByteArray &field :
         {number(m_sourceId), number(progress.offset), number(result.inserted),
          number(QDateTime::currentMSecsSinceEpoch()), number(result.firstCreatedAt),
          number(result.lastCreatedAt)})
        appendField(marker, field);
    endRow(marker);
    // Everything before the progress row may be written twice; the progress row commits. The
    // marker comes before it: at worst a viewer refreshes for a batch that did not commit.
    const bool written = insertRows(u"events (%1)"_s.arg(QLatin1StringView(eventColumns)), rows)
        && insertRows(u"quarantine"_s, m_quarantine) && insertRows(u"star_days"_s, m_starDays)
        && insertRows(u"repository_counts"_s, m_repositoryCounts)
        && insertRows(u"pull_requests"_s, m_pullRequests) && insertRows(u"bot_logins"_s, botRows())
        && insertHealth(versionOf(progress)) && insertRows(u"batches"_s, marker)
        && insertRows(u"sources"_s, progressRow(progress));
    if (!written)
        return fail(u"cannot store the batch in ClickHouse"_s);
    m_sources.insert(m_sourceId, m_totals);
    clearBatch();
    committed->append(result);
    return true;
}

bool ClickHouseEventStore::waitForCommits(QList<BatchResult> *)
{
    return true; // commitBatch() waits for its own
}

void ClickHouseEventStore::rollbackBatch()
{
    clearBatch();
}

void ClickHouseEventStore::clearBatch()
{
    m_events.clear();
    m_batchIds.clear();
    m_quarantine.clear();
    m_starDays.clear();
    m_repositoryCounts.clear();
    m_pullRequests.clear();
    m_botLogins.clear();
    m_quarantined = 0;
    m_duplicates = 0;
    m_health.clear();
}

bool ClickHouseEventStore::recordCoverage(qint64 hourStart)
{
    const std::optional<ClickHouseClient::Rows> file
        = m_client.select(uR"(SELECT argMax(events, version), argMax(in_hour, version),
                   argMax(type_names, version), argMax(type_counts, version)
            FROM sources WHERE origin = 'archive' AND origin_hour = %1 GROUP BY key)"_s.arg(
            hourStart));
    const std::optional<ClickHouseClient::Rows> earlier = m_client.select(
        uR"(SELECT argMax(file_events, version) AS e FROM archive_hours WHERE hour < %1
            GROUP BY hour ORDER BY hour DESC LIMIT 24)"_s.arg(hourStart));
    const std::optional<ClickHouseClient::Rows> stored
        = m_client.select(uR"(SELECT count(), countIf(source_id GLOBAL IN (
                SELECT id FROM sources WHERE origin LIKE 'feed%'
                    OR origin IN ('repository', 'organization')))
            FROM events WHERE created_at BETWEEN %1 AND %2)"_s.arg(hourStart)
                              .arg(hourStart + 3599));
    if (!file || !earlier || !stored)
        return fail(u"cannot read the archive hour's counts"_s);
    ArchiveHourFile measured;
    for (const ClickHouseClient::Row &totals : *file) { // each file of the hour, usually one
        measured.events += totals.value(0).toLongLong();
        measured.inHour += totals.value(1).toLongLong();
        const QList<QByteArray> names = parseTypeArray(totals.value(2));
        const QList<qint64> counts = parseNumberArray(totals.value(3));
        for (qsizetype i = 0; i < names.size() && i < counts.size(); ++i)
            measured.types[QString::fromLatin1(names[i])] += counts[i];
    }
    for (const ClickHouseClient::Row &row : *earlier)
        measured.earlierVolumes.append(row.value(0).toLongLong());
    const QString reason = archiveHourVerdict(measured);
    QByteArray row;
    for (const QByteArray &field :
         {number(hourStart), number(measured.events), number(measured.inHour),
          stored->value(0).value(0), stored->value(0).value(1), number(reason.isEmpty() ? 1 : 0),
          reason.toUtf8(), number(QDateTime::currentMSecsSinceEpoch())})
        appendField(row, field);
    endRow(row);
    return insertRows(u"archive_hours"_s, row) || fail(u"cannot record the archive hour"_s);
}
