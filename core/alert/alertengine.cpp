#include "alert/alertengine.h"

#include "alert/spikedetector.h"
#include "collect/watchlist.h"
#include "event/clock.h"
#include "event/timeformat.h"
#include "query/metricsqueries.h"
#include "store/connection.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QStorageInfo>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAlerts, "ghm.alerts")

namespace {

constexpr qint64 evaluationMs = 60 * 1000;
constexpr qint64 day = 86400;
// A per-event alert is remembered this long, past any look-back, so it is raised once.
constexpr qint64 raisedMemorySeconds = 8 * day;
// How far back repository events are news: a day, and not before the repository was first
// watched by the rules, less an hour for events that arrive late.
constexpr qint64 lookBackSeconds = day;
constexpr qint64 lateSeconds = 3600;
// Star spikes are looked for on the last complete days, as the history is read daily.
constexpr int spikeDays = 3;
// Activity bursts: the last complete hours against the two days before them.
constexpr int burstHours = 2;
constexpr int burstLagHours = 48;

QString isoDay(qint64 epochSeconds)
{
    return TimeFormat::iso(epochSeconds).left(10);
}

} // namespace

AlertEngine::AlertEngine(const StoreLocation &store, const QString &dataDir, Watchlist *watchlist,
                         Clock *clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_dataDir(dataDir)
    , m_watchlist(watchlist)
    , m_clock(clock)
{
    qRegisterMetaType<AlertBoard>();
    qRegisterMetaType<Alert>();
    qRegisterMetaType<AlertNotification>();
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::start()
{
    m_queries = std::make_unique<MetricsQueries>(m_store);
    if (QString error; !m_queries->open(&error))
        qCWarning(lcAlerts).noquote() << "the store is unavailable for now:" << error;
    loadState();
    emit boardChanged(board()); // what a restart read back, before anything changes
    tick();
}

void AlertEngine::tick()
{
    evaluate();
    m_clock->callAfter(evaluationMs, this, [this] { tick(); });
}

AlertBoard AlertEngine::board() const
{
    AlertBoard board {m_active.values(), m_history};
    std::sort(board.active.begin(), board.active.end(),
              [](const Alert &a, const Alert &b) { return a.activeAt > b.activeAt; });
    return board;
}

// Rules and silences are read again each time, so that an edit applies within a minute.
void AlertEngine::evaluate()
{
    if (!m_queries)
        return; // not started
    const qint64 now = m_clock->now().toSecsSinceEpoch();
    QString error;
    if (const auto rules = AlertRule::load(m_dataDir + u"/alerts.json"_s, &error)) {
        m_rules = *rules;
        m_rulesError.clear();
    } else if (error != m_rulesError) {
        m_rulesError = error;
        qCWarning(lcAlerts).noquote() << error << "- the last good rules stay";
    }
    if (auto silences = AlertSilence::load(m_dataDir + u"/alert-silences.json"_s, now, &error)) {
        m_silences = *silences;
        m_silencesError.clear();
    } else if (error != std::exchange(m_silencesError, error)) {
        qCWarning(lcAlerts).noquote() << error << "- the last good silences stay";
    }
    bool changed = std::exchange(m_stateChanged, false);
    QStringList names;
    for (const AlertRule &rule : std::as_const(m_rules)) {
        names << rule.name;
        try {
            // A disabled rule's alerts resolve as a condition that ended.
            changed
                |= apply(rule, rule.enabled ? conditionsOf(rule, now) : QList<Condition>(), now);
        } catch (const StoreUnavailable &unavailable) {
            qCWarning(lcAlerts).noquote()
                << "rule" << rule.name << "not evaluated:" << unavailable.message;
        }
    }
    m_groups.keepOnly(names);
    m_raised.removeIf(
        [now](const auto &raised) { return raised.value() < now - raisedMemorySeconds; });
    changed |= applySilences(now);
    changed |= notifyDue(now);
    if (changed) {
        saveState();
        emit boardChanged(board());
    }
    if (m_failures == 0)
        deliver();
}

bool AlertEngine::applySilences(qint64 now)
{
    bool changed = false;
    for (Alert &alert : m_active) {
        qint64 until = -1;
        for (const AlertSilence &silence : std::as_const(m_silences)) {
            if (silence.matches(alert.rule, alert.repository, now))
                until = std::max(until, silence.endsAt);
        }
        changed |= std::exchange(alert.silencedUntil, until) != until;
    }
    return changed;
}

// Each group's notification that is due joins the outbox, and the desktop is told; a timer
// waits for the next group that waits on group_wait or group_interval.
bool AlertEngine::notifyDue(qint64 now)
{
    bool made = false;
    std::optional<qint64> next;
    for (const AlertRule &rule : std::as_const(m_rules)) {
        QList<Alert> alerts;
        for (const Alert &alert : std::as_const(m_active)) {
            if (alert.rule == rule.name)
                alerts.append(alert);
        }
        if (const auto notification = m_groups.due(rule, alerts, m_history, now)) {
            made = true;
            emit notified(*notification);
            if (m_webhook.url.isValid())
                enqueue(notification->deliveryId(), notification->webhookPayload(rule.labels));
        }
        if (const auto at = m_groups.nextDue(rule))
            next = std::min(next.value_or(*at), *at);
    }
    if (next && (m_notifyAt < 0 || *next < m_notifyAt)) {
        m_notifyAt = *next;
        m_clock->callAfter(std::max<qint64>(0, *next - now) * 1000, this,
                           [this] { notifyWhenDue(); });
    }
    return made;
}

void AlertEngine::notifyWhenDue()
{
    const qint64 now = m_clock->now().toSecsSinceEpoch();
    m_notifyAt = -1;
    if (applySilences(now) | notifyDue(now)) { // both, always
        saveState();
        emit boardChanged(board());
        if (m_failures == 0)
            deliver();
    }
}

QList<AlertEngine::Condition> AlertEngine::conditionsOf(const AlertRule &rule, qint64 now)
{
    return rule.isAboutRepositories() ? repositoryConditions(rule, now)
                                      : monitorCondition(rule, now);
}

QStringList AlertEngine::repositoriesOf(const AlertRule &rule) const
{
    if (rule.scope.contains(u'/'))
        return {rule.scope};
    const QStringList entries
        = rule.scope == "watched"_L1 ? m_watchlist->names() : m_watchlist->group(rule.scope);
    QStringList repositories;
    for (const QString &entry : entries) {
        if (Watchlist::isOrganization(entry))
            repositories << m_watchlist->listed(entry);
        else
            repositories << entry;
    }
    repositories.removeDuplicates();
    return repositories;
}

QList<AlertEngine::Condition> AlertEngine::repositoryConditions(const AlertRule &rule, qint64 now)
{
    QList<Condition> conditions;
    for (const QString &repository : repositoriesOf(rule)) {
        auto since = m_watchedSince.constFind(repository.toLower());
        if (since == m_watchedSince.cend()) {
            since = m_watchedSince.insert(repository.toLower(), now);
            m_stateChanged = true;
        }
        const TimeWindow news {std::max(now - lookBackSeconds, *since - lateSeconds), now};
        switch (rule.kind) {
        case AlertRule::Kind::StarSpike: conditions << starSpikes(rule, repository, now); break;
        case AlertRule::Kind::ActivityBurst:
            conditions << activityBursts(rule, repository, now);
            break;
        case AlertRule::Kind::ReleasePublished:
            for (const qint64 at : m_queries->releases(repository, news).publishedAt)
                conditions.append(
                    {repository + u' ' + TimeFormat::iso(at), repository,
                     u"%1 published a release at %2"_s.arg(repository, TimeFormat::iso(at))});
            break;
        default: conditions << pullRequests(rule, repository, news); break;
        }
    }
    return conditions;
}

QList<AlertEngine::Condition> AlertEngine::starSpikes(const AlertRule &rule,
                                                      const QString &repository, qint64 now)
{
    SpikeDetector detector;
    detector.threshold = rule.threshold;
    const qint64 today = now - now % day;
    const StarHistory history
        = m_queries->starHistory(repository, {today - (detector.lag + spikeDays) * day, today - 1});
    QList<double> values;
    for (const auto &[date, stars] : history.days)
        values << double(stars);
    const QList<bool> spikes = detector.spikes(values);
    QList<Condition> conditions;
    for (qsizetype i = 0; i < spikes.size(); ++i) {
        const qint64 date = history.days[i].first;
        if (spikes[i] && date >= today - spikeDays * day)
            conditions.append(
                {repository + u' ' + isoDay(date), repository,
                 u"%1 gained %2 stars on %3, far above its %4 days before"_s.arg(repository)
                     .arg(history.days[i].second)
                     .arg(isoDay(date))
                     .arg(detector.lag)});
    }
    return conditions;
}

// Events an hour, over the last complete hours against the days before. The feed is a
// sample, so the counts are lower bounds, and the summary says so.
QList<AlertEngine::Condition> AlertEngine::activityBursts(const AlertRule &rule,
                                                          const QString &repository, qint64 now)
{
    SpikeDetector detector;
    detector.lag = burstLagHours;
    detector.threshold = rule.threshold;
    const qint64 thisHour = now - now % 3600;
    const qint64 from = thisHour - (detector.lag + burstHours) * 3600;
    QList<double> values(detector.lag + burstHours, 0.0);
    const Scope scope = Scope::watched(repository, {repository});
    for (const MinuteCount &minute : m_queries->eventsPerMinute({from, thisHour - 1}, scope))
        values[(minute.minute * 60 - from) / 3600] += double(minute.count);
    const QList<bool> spikes = detector.spikes(values);
    QList<Condition> conditions;
    for (qsizetype i = detector.lag; i < spikes.size(); ++i) {
        const qint64 hour = from + i * 3600;
        if (spikes[i])
            conditions.append({repository + u' ' + TimeFormat::iso(hour), repository,
                               u"%1 had at least %2 events in the hour from %3 (the feed's "
                               "sample), far above its %4 hours before"_s.arg(repository)
                                   .arg(qint64(values[i]))
                                   .arg(TimeFormat::iso(hour))
                                   .arg(detector.lag)});
    }
    return conditions;
}

QList<AlertEngine::Condition>
AlertEngine::pullRequests(const AlertRule &rule, const QString &repository, const TimeWindow &news)
{
    using Moment = MetricsQueries::PullRequestMoment;
    QList<Condition> conditions;
    if (rule.kind == AlertRule::Kind::PullRequestStale) {
        // One alert a repository, while any pull request has been open that long.
        const qint64 cutoff = news.to - qint64(rule.threshold * day);
        const auto stale = m_queries->pullRequestsAt(repository, Moment::StillOpen, {0, cutoff});
        if (!stale.isEmpty())
            conditions.append(
                {repository, repository,
                 u"%1 has %2 pull requests open %3 days or more, the oldest #%4"_s.arg(repository)
                     .arg(stale.size())
                     .arg(rule.threshold)
                     .arg(stale.first().first)});
        return conditions;
    }
    const bool merged = rule.kind == AlertRule::Kind::PullRequestMerged;
    for (const auto &[number, at] :
         m_queries->pullRequestsAt(repository, merged ? Moment::Merged : Moment::Opened, news))
        conditions.append({u"%1#%2"_s.arg(repository).arg(number), repository,
                           u"%1 %2 pull request #%3 at %4"_s.arg(repository)
                               .arg(merged ? u"merged"_s : u"opened"_s)
                               .arg(number)
                               .arg(TimeFormat::iso(at))});
    return conditions;
}

QList<AlertEngine::Condition> AlertEngine::monitorCondition(const AlertRule &rule, qint64 now)
{
    const auto condition = [](const QString &key, const QString &summary) {
        return QList<Condition> {{key, {}, summary}};
    };
    switch (rule.kind) {
    case AlertRule::Kind::FeedDegraded: {
        const WindowQuality quality
            = m_queries->quality(TimeWindow::endingAt(m_clock->now(), 60), m_clock->now());
        if (quality.status == WindowQuality::Status::Degraded)
            return condition(u"feed"_s, u"the last hour is degraded: %1"_s.arg(quality.label()));
        break;
    }
    case AlertRule::Kind::IngestionStalled: {
        const qint64 stored = m_queries->eventsStored();
        if (stored != m_eventsStored) {
            m_eventsStored = stored;
            m_eventsGrewAt = now;
        }
        const qint64 limit = qint64(rule.threshold * 60);
        const bool polling = m_poller.lastSuccess.isValid()
            && m_poller.lastSuccess.toSecsSinceEpoch() >= now - limit;
        if (polling && now - m_eventsGrewAt >= limit)
            return condition(u"ingestion"_s,
                             u"polls succeed, yet no event was stored for %1 minutes"_s.arg(
                                 (now - m_eventsGrewAt) / 60));
        break;
    }
    case AlertRule::Kind::RateLimitLow: {
        const RateLimitInfo &rate = m_poller.rateLimit;
        if (rate.isKnown() && rate.limit > 0
            && rate.remaining * 100.0 < rule.threshold * rate.limit)
            return condition(u"rate_limit"_s,
                             u"%1 of %2 requests left until %3"_s.arg(rate.remaining)
                                 .arg(rate.limit)
                                 .arg(TimeFormat::iso(rate.reset.toSecsSinceEpoch())));
        break;
    }
    case AlertRule::Kind::DiskLow: {
        const QStorageInfo storage(m_dataDir);
        const qint64 freeMiB = storage.bytesAvailable() / (1024 * 1024);
        if (storage.isValid() && freeMiB < rule.threshold)
            return condition(
                u"disk"_s,
                u"%1 MiB free where the data is kept (%2)"_s.arg(freeMiB).arg(m_dataDir));
        break;
    }
    case AlertRule::Kind::ArchiveBehind: {
        const QDateTime last = m_archive.lastStoredHour;
        // The newest stored hour ends an hour after it starts.
        const qint64 behind = last.isValid() ? now - last.toSecsSinceEpoch() - 3600 : -1;
        if (m_archive.state != ArchiveStatus::State::Off && behind >= rule.threshold * 3600)
            return condition(
                u"archive"_s,
                u"GH Archive's newest stored hour is %1 hours old"_s.arg(behind / 3600));
        break;
    }
    default: break;
    }
    return {};
}

bool AlertEngine::apply(const AlertRule &rule, const QList<Condition> &conditions, qint64 now)
{
    bool changed = false;
    QSet<QString> seen;
    for (const Condition &condition : conditions) {
        Alert alert;
        alert.rule = rule.name;
        alert.key = condition.key;
        const QString id = alert.id();
        if (rule.isPerEvent() && m_raised.contains(id))
            continue; // raised once already
        seen.insert(id);
        auto active = m_active.find(id);
        if (active == m_active.end()) {
            alert.kind = rule.kind;
            alert.repository = condition.repository;
            alert.labels = rule.labels;
            alert.activeAt = now;
            active = m_active.insert(id, alert);
            changed = true;
            if (rule.isPerEvent())
                m_raised.insert(id, now);
        }
        active->summary = condition.summary;
        active->lastSeenAt = now;
        if (active->state == Alert::State::Pending && now - active->activeAt >= rule.forSeconds) {
            fire(*active, now);
            changed = true;
        }
    }
    for (auto it = m_active.begin(); it != m_active.end();) {
        const bool ours = it->rule == rule.name;
        if (!ours || seen.contains(it.key())) {
            ++it;
            continue;
        }
        if (it->state == Alert::State::Pending) {
            it = m_active.erase(it); // gone before it fired
            changed = true;
            continue;
        }
        if (now - it->lastSeenAt < rule.keepFiringForSeconds) {
            ++it;
            continue;
        }
        Alert resolved = it.value();
        resolved.state = Alert::State::Resolved;
        resolved.resolvedAt = now;
        it = m_active.erase(it);
        m_history.prepend(resolved);
        if (m_history.size() > historySize)
            m_history.resize(historySize);
        qCInfo(lcAlerts).noquote() << "alert resolved:" << resolved.rule << "-" << resolved.summary;
        emit alertChanged(resolved);
        changed = true;
    }
    return changed;
}

void AlertEngine::fire(Alert &alert, qint64 now)
{
    alert.state = Alert::State::Firing;
    alert.firedAt = now;
    qCInfo(lcAlerts).noquote() << "alert firing:" << alert.rule << "-" << alert.summary;
    emit alertChanged(alert);
}

// The notification joins the outbox before the state is saved with it: one file holds
// both, so a crash loses neither, and at worst sends one again under the same id.
void AlertEngine::enqueue(const QString &deliveryId, const QJsonObject &body)
{
    m_outbox.append({{u"id"_s, deliveryId}, {u"body"_s, body}});
    if (m_outbox.size() > outboxSize) {
        m_outbox.removeFirst();
        qCWarning(lcAlerts) << "the webhook's outbox is full: its oldest notification is dropped";
    }
}

// One notification at a time, oldest first; no redirect is followed, so the POST goes to
// the configured URL only, and it carries nothing but the alert.
void AlertEngine::deliver()
{
    if (m_sending || m_outbox.isEmpty() || !m_webhook.url.isValid())
        return;
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    const QJsonObject &next = m_outbox.first();
    const QByteArray body
        = QJsonDocument(next["body"_L1].toObject()).toJson(QJsonDocument::Compact);
    QNetworkRequest request(m_webhook.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(10000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("ghmonitor/" GHM_VERSION));
    request.setRawHeader("X-GHM-Delivery", next["id"_L1].toString().toLatin1());
    request.setRawHeader(
        "X-GHM-Signature-256",
        "sha256="
            + QMessageAuthenticationCode::hash(body, m_webhook.secret, QCryptographicHash::Sha256)
                  .toHex());
    m_sending = true;
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        delivered(status >= 200 && status < 300,
                  status ? u"HTTP %1"_s.arg(status) : reply->errorString());
    });
}

void AlertEngine::delivered(bool ok, const QString &problem)
{
    m_sending = false;
    if (ok) {
        m_failures = 0;
        m_outbox.removeFirst();
        saveState();
        deliver();
        return;
    }
    // 5 s, doubling to at most 10 minutes; the notification waits, nothing is dropped.
    const qint64 delayMs = std::min<qint64>(5000LL << std::min(m_failures++, 10), 600 * 1000);
    qCWarning(lcAlerts).noquote() << "the webhook failed:" << problem << "- retrying in"
                                  << delayMs / 1000 << "s," << m_outbox.size() << "waiting";
    m_clock->callAfter(delayMs, this, [this] { deliver(); });
}

void AlertEngine::loadState()
{
    QFile file(m_dataDir + u"/alerts-state.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject state = QJsonDocument::fromJson(file.read(16 * 1024 * 1024)).object();
    const QJsonObject since = state["watched_since"_L1].toObject();
    for (auto it = since.begin(); it != since.end(); ++it)
        m_watchedSince.insert(it.key(), it->toInteger());
    for (const QJsonValue &value : state["active"_L1].toArray()) {
        const Alert alert = Alert::fromJson(value.toObject());
        m_active.insert(alert.id(), alert);
    }
    for (const QJsonValue &value : state["history"_L1].toArray())
        m_history.append(Alert::fromJson(value.toObject()));
    for (const QJsonValue &value : state["outbox"_L1].toArray())
        m_outbox.append(value.toObject());
    m_groups.fromJson(state["groups"_L1].toObject());
    const QJsonObject raised = state["raised"_L1].toObject();
    for (auto it = raised.begin(); it != raised.end(); ++it)
        m_raised.insert(it.key(), it->toInteger());
}

// Written whole and renamed into place: a kill -9 leaves the previous state or this one.
void AlertEngine::saveState()
{
    QJsonArray active;
    for (const Alert &alert : board().active)
        active.append(alert.toJson());
    QJsonArray history;
    for (const Alert &alert : std::as_const(m_history))
        history.append(alert.toJson());
    QJsonObject raised;
    for (auto it = m_raised.cbegin(); it != m_raised.cend(); ++it)
        raised.insert(it.key(), it.value());
    QJsonObject since;
    for (auto it = m_watchedSince.cbegin(); it != m_watchedSince.cend(); ++it)
        since.insert(it.key(), it.value());
    QJsonArray outbox;
    for (const QJsonObject &notification : std::as_const(m_outbox))
        outbox.append(notification);
    QSaveFile file(m_dataDir + u"/alerts-state.json"_s);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(QJsonObject {{u"watched_since"_s, since},
                                                 {u"active"_s, active},
                                                 {u"history"_s, history},
                                                 {u"raised"_s, raised},
                                                 {u"groups"_s, m_groups.toJson()},
                                                 {u"outbox"_s, outbox}})
                          .toJson(QJsonDocument::Compact))
            < 0
        || !file.commit())
        qCWarning(lcAlerts).noquote() << "cannot keep the alerts' state:" << file.errorString();
}
