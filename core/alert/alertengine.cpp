#include "alertengine.h"

#include "clock.h"
#include "connection.h"
#include "metricsqueries.h"
#include "spikedetector.h"
#include "timeformat.h"
#include "watchlist.h"

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

QString isoDay(qint64 epochSeconds)
{
    return TimeFormat::iso(epochSeconds).left(10);
}

} // namespace

QString Alert::deliveryId() const
{
    const QByteArray text = (id() + u'\x1f' + stateName(state) + u'\x1f'
                             + QString::number(state == State::Resolved ? resolvedAt : firedAt))
                                .toUtf8();
    return QString::fromLatin1(
        QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(32));
}

QJsonObject Alert::webhookPayload() const
{
    QJsonObject labelObject {{u"alertname"_s, rule}};
    if (!repository.isEmpty())
        labelObject.insert(u"repository"_s, repository);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        labelObject.insert(it.key(), it.value());
    const QString status = state == State::Resolved ? u"resolved"_s : u"firing"_s;
    const QJsonObject alert {
        {u"status"_s, status},
        {u"labels"_s, labelObject},
        {u"annotations"_s, QJsonObject {{u"summary"_s, summary}}},
        {u"startsAt"_s, TimeFormat::iso(firedAt >= 0 ? firedAt : activeAt)},
        {u"endsAt"_s, resolvedAt >= 0 ? TimeFormat::iso(resolvedAt) : u"0001-01-01T00:00:00Z"_s},
        {u"generatorURL"_s, QString()},
        {u"fingerprint"_s,
         QString::fromLatin1(QCryptographicHash::hash(id().toUtf8(), QCryptographicHash::Sha256)
                                 .toHex()
                                 .left(16))}};
    return {{u"version"_s, u"4"_s},
            {u"groupKey"_s, id()},
            {u"truncatedAlerts"_s, 0},
            {u"status"_s, status},
            {u"receiver"_s, u"ghmonitor"_s},
            {u"groupLabels"_s, QJsonObject {{u"alertname"_s, rule}}},
            {u"commonLabels"_s, labelObject},
            {u"commonAnnotations"_s, QJsonObject {{u"summary"_s, summary}}},
            {u"externalURL"_s, QString()},
            {u"alerts"_s, QJsonArray {alert}}};
}

QString Alert::stateName(State state)
{
    switch (state) {
    case State::Pending: return u"pending"_s;
    case State::Firing: return u"firing"_s;
    case State::Resolved: return u"resolved"_s;
    }
    return {};
}

QJsonObject Alert::toJson() const
{
    QJsonObject labelObject;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        labelObject.insert(it.key(), it.value());
    const auto time
        = [](qint64 at) { return at >= 0 ? QJsonValue(TimeFormat::iso(at)) : QJsonValue(); };
    return {{u"rule"_s, rule},
            {u"kind"_s, AlertRule::kindName(kind)},
            {u"key"_s, key},
            {u"repository"_s, repository.isEmpty() ? QJsonValue() : QJsonValue(repository)},
            {u"summary"_s, summary},
            {u"labels"_s, labelObject},
            {u"state"_s, stateName(state)},
            {u"active_at"_s, time(activeAt)},
            {u"last_seen_at"_s, time(lastSeenAt)},
            {u"fired_at"_s, time(firedAt)},
            {u"resolved_at"_s, time(resolvedAt)}};
}

Alert Alert::fromJson(const QJsonObject &json)
{
    const auto time = [&json](const char *key) {
        const QJsonValue value = json[QLatin1StringView(key)];
        return value.isString()
            ? QDateTime::fromString(value.toString(), Qt::ISODate).toSecsSinceEpoch()
            : qint64(-1);
    };
    Alert alert;
    alert.rule = json["rule"_L1].toString();
    alert.kind
        = AlertRule::kindFrom(json["kind"_L1].toString()).value_or(AlertRule::Kind::StarSpike);
    alert.key = json["key"_L1].toString();
    alert.repository = json["repository"_L1].toString();
    alert.summary = json["summary"_L1].toString();
    const QJsonObject labels = json["labels"_L1].toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        alert.labels.insert(it.key(), it->toString());
    const QString state = json["state"_L1].toString();
    alert.state = state == "firing"_L1 ? State::Firing
        : state == "resolved"_L1       ? State::Resolved
                                       : State::Pending;
    alert.activeAt = time("active_at");
    alert.lastSeenAt = time("last_seen_at");
    alert.firedAt = time("fired_at");
    alert.resolvedAt = time("resolved_at");
    return alert;
}

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
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::start()
{
    m_queries = std::make_unique<MetricsQueries>(m_store);
    if (QString error; !m_queries->open(&error))
        qCWarning(lcAlerts).noquote() << "the store is unavailable for now:" << error;
    loadState();
    emit boardChanged(board()); // what a restart read back, before anything changes
    evaluate();
}

AlertBoard AlertEngine::board() const
{
    AlertBoard board {m_active.values(), m_history};
    std::sort(board.active.begin(), board.active.end(),
              [](const Alert &a, const Alert &b) { return a.activeAt > b.activeAt; });
    return board;
}

// Rules are read again each time, so that an edit of alerts.json applies within a minute.
void AlertEngine::evaluate()
{
    const qint64 now = m_clock->now().toSecsSinceEpoch();
    QString error;
    if (const auto rules = AlertRule::load(m_dataDir + u"/alerts.json"_s, &error)) {
        m_rules = *rules;
        m_rulesError.clear();
    } else if (error != m_rulesError) {
        m_rulesError = error;
        qCWarning(lcAlerts).noquote() << error << "- the last good rules stay";
    }
    bool changed = std::exchange(m_stateChanged, false);
    for (const AlertRule &rule : std::as_const(m_rules)) {
        if (!rule.enabled)
            continue;
        try {
            changed |= apply(rule, conditionsOf(rule, now), now);
        } catch (const StoreUnavailable &unavailable) {
            qCWarning(lcAlerts).noquote()
                << "rule" << rule.name << "not evaluated:" << unavailable.message;
        }
    }
    m_raised.removeIf(
        [now](const auto &raised) { return raised.value() < now - raisedMemorySeconds; });
    if (changed) {
        saveState();
        emit boardChanged(board());
    }
    if (m_failures == 0)
        deliver();
    m_clock->callAfter(evaluationMs, this, [this] { evaluate(); });
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
        case AlertRule::Kind::StarSpike: {
            SpikeDetector detector;
            detector.threshold = rule.threshold;
            const qint64 today = now - now % day;
            const StarHistory history = m_queries->starHistory(
                repository, {today - (detector.lag + spikeDays) * day, today - 1});
            QList<double> values;
            for (const auto &[date, stars] : history.days)
                values << double(stars);
            const QList<bool> spikes = detector.spikes(values);
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
            break;
        }
        case AlertRule::Kind::ReleasePublished:
            for (const qint64 at : m_queries->releases(repository, news).publishedAt)
                conditions.append(
                    {repository + u' ' + TimeFormat::iso(at), repository,
                     u"%1 published a release at %2"_s.arg(repository, TimeFormat::iso(at))});
            break;
        case AlertRule::Kind::PullRequestMerged:
            for (const auto &[number, at] : m_queries->mergedPullRequests(repository, news))
                conditions.append({u"%1#%2"_s.arg(repository).arg(number), repository,
                                   u"%1 merged pull request #%2 at %3"_s.arg(repository)
                                       .arg(number)
                                       .arg(TimeFormat::iso(at))});
            break;
        default: break;
        }
    }
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
        announce(resolved);
        changed = true;
    }
    return changed;
}

void AlertEngine::fire(Alert &alert, qint64 now)
{
    alert.state = Alert::State::Firing;
    alert.firedAt = now;
    qCInfo(lcAlerts).noquote() << "alert firing:" << alert.rule << "-" << alert.summary;
    announce(alert);
}

// The notification joins the outbox before the state is saved with it: one file holds
// both, so a crash loses neither, and at worst sends one again under the same id.
void AlertEngine::announce(const Alert &alert)
{
    emit alertChanged(alert);
    if (!m_webhook.url.isValid())
        return;
    m_outbox.append({{u"id"_s, alert.deliveryId()}, {u"body"_s, alert.webhookPayload()}});
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
                                                 {u"outbox"_s, outbox}})
                          .toJson(QJsonDocument::Compact))
            < 0
        || !file.commit())
        qCWarning(lcAlerts).noquote() << "cannot keep the alerts' state:" << file.errorString();
}
