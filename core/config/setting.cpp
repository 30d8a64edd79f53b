#include "config/setting.h"

#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "collect/pullrequestbackfill.h"
#include "collect/watchlist.h"
#include "store/database.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace {

using Type = Setting::Type;
using Applies = Setting::Applies;

QList<Setting> collectionSettings()
{
    const PollerOptions poller;
    const PullRequestBackfill::Options pullRequests;
    const ArchiveFollower::Options archive;
    return {
        {.variable = u"GITHUB_TOKEN"_s,
         .type = Type::Secret,
         .field = &AppConfig::githubToken,
         .help = u"GitHub token, sent as Authorization: Bearer"_s,
         .applies = Applies::AtOnce,
         .label = QT_TRANSLATE_NOOP("Setting", "GitHub &token:"),
         .details = u"Optional: without one GitHub allows 60 requests an hour."_s},
        {.variable = u"GITHUB_API_URL"_s,
         .type = Type::Url,
         .field = &AppConfig::apiUrl,
         .help = u"GitHub API base URL (GitHub Enterprise, or a local stand-in)"_s,
         .defaultValue = u"https://api.github.com"_s,
         .option = u"api-url"_s,
         .valueName = u"url"_s,
         .label = QT_TRANSLATE_NOOP("Setting", "GitHub &API URL:")},
        {.variable = u"COLLECTION_INTERVAL_MINUTES"_s,
         .type = Type::Integer,
         .field = &AppConfig::intervalSeconds,
         .help = u"poll interval, in minutes"_s,
         .defaultValue = poller.intervalSeconds / 60,
         .minimum = 1,
         .maximum = 1440,
         .unit = 60},
        {.variable = u"COLLECTION_INTERVAL_SECONDS"_s,
         .type = Type::Integer,
         .field = &AppConfig::intervalSeconds,
         .help = u"poll interval, in seconds; wins over minutes"_s,
         .defaultValue = poller.intervalSeconds,
         .minimum = 1,
         .maximum = 86400,
         .option = u"interval-seconds"_s,
         .valueName = u"seconds"_s,
         .applies = Applies::AtOnce,
         .label = QT_TRANSLATE_NOOP("Setting", "Poll &interval:"),
         .suffix = u" s"_s},
        {.variable = u"MAX_PAGES_PER_COLLECTION"_s,
         .type = Type::Integer,
         .field = &AppConfig::maxPagesPerCollection,
         .help = u"pages per poll"_s,
         .defaultValue = poller.maxPages,
         .minimum = 1,
         .maximum = 10,
         .option = u"max-pages"_s,
         .valueName = u"n"_s,
         .applies = Applies::AtOnce,
         .label = QT_TRANSLATE_NOOP("Setting", "&Pages per poll:")},
        {.variable = u"GHM_CAPTURE_BUDGET"_s,
         .type = Type::Integer,
         .field = &AppConfig::captureBudgetPercent,
         .help = u"share of the hourly rate limit the global feed may spend, in percent"_s,
         .defaultValue = poller.captureBudgetPercent,
         .minimum = 0,
         .maximum = 100,
         .option = u"capture-budget"_s,
         .valueName = u"percent"_s,
         .applies = Applies::AtOnce,
         .label = QT_TRANSLATE_NOOP("Setting", "Capture &budget:"),
         .details = u"Today's feed shares no event between two requests, so the more of the "
                    "rate limit it may spend, the more of GitHub it sees. Watched "
                    "repositories and GH Archive keep the rest."_s,
         .zeroMeans = u"GitHub's poll interval"_s,
         .suffix = u" % of the rate limit"_s},
        {.variable = u"GHM_REQUEST_TIMEOUT_SECONDS"_s,
         .type = Type::Integer,
         .field = &AppConfig::requestTimeoutSeconds,
         .help = u"timeout of one request, in seconds"_s,
         .defaultValue = poller.timeoutMs / 1000,
         .minimum = 1,
         .maximum = 600},
        {.variable = u"GHM_WATCH"_s,
         .type = Type::List,
         .field = &AppConfig::watch,
         .help = u"repositories (owner/name) and organizations to watch, comma-separated; "
                 "added to the saved watch list"_s,
         .accepted = u"`owner/name,organization,...`"_s},
        {.variable = u"GHM_WATCH_MAX"_s,
         .type = Type::Integer,
         .field = &AppConfig::watchMaximum,
         .help = u"at most this many watched repositories, also when the list is read back"_s,
         .defaultValue = Watchlist::defaultMaximum,
         .minimum = 1,
         .maximum = 1000,
         .details = u"Each costs a poller and a share of the rate limit."_s},
        {.variable = u"GHM_PR_HORIZON_DAYS"_s,
         .type = Type::Integer,
         .field = &AppConfig::prHorizonDays,
         .help = u"days of a watched repository's pull-request history"_s,
         .defaultValue = pullRequests.horizonDays,
         .minimum = 1,
         .maximum = 3650},
        {.variable = u"GHM_PR_HORIZON_COUNT"_s,
         .type = Type::Integer,
         .field = &AppConfig::prHorizonCount,
         .help = u"at most this many pull requests of history"_s,
         .defaultValue = pullRequests.horizonCount,
         .minimum = 1,
         .maximum = 100000},
        {.variable = u"GHM_PR_REFRESH_MINUTES"_s,
         .type = Type::Integer,
         .field = &AppConfig::prRefreshMinutes,
         .help = u"minutes between refreshes of a watched repository's pull-request history"_s,
         .defaultValue = pullRequests.refreshMinutes,
         .minimum = 1,
         .maximum = 1440},
        {.variable = u"GHM_ARCHIVE"_s,
         .type = Type::Switch,
         .field = &AppConfig::archiveEnabled,
         .help = u"follow GH Archive, hour by hour"_s,
         .defaultValue = false,
         .applies = Applies::AtOnce,
         .label = QT_TRANSLATE_NOOP("Setting", "GH &Archive:"),
         .details = u"Complete numbers for every finished hour, instead of the live feed's "
                    "sample; 60 to 130 MB of download and disk an hour."_s},
        {.variable = u"GHM_ARCHIVE_URL"_s,
         .type = Type::Url,
         .field = &AppConfig::archiveUrl,
         .help = u"where GH Archive's hour files are"_s,
         .defaultValue = archive.baseUrl.toString()},
        {.variable = u"GHM_ARCHIVE_BACKFILL_HOURS"_s,
         .type = Type::Integer,
         .field = &AppConfig::archiveBackfillHours,
         .help = u"finished GH Archive hours fetched at the first start"_s,
         .defaultValue = archive.backfillHours,
         .minimum = 0,
         .maximum = 24 * 30,
         .details = u"Counted when bronze holds no archive hour yet; after that every new "
                    "hour is followed."_s},
    };
}

QList<Setting> storageSettings()
{
    return {
        {.variable = u"GHM_DATA_DIR"_s,
         .type = Type::Folder,
         .field = &AppConfig::dataDir,
         .help = u"data root: bronze, silver, gold"_s,
         .option = u"data-dir"_s,
         .valueName = u"dir"_s,
         .label = QT_TRANSLATE_NOOP("Setting", "&Data directory:"),
         .shownDefault = u"./data from a build tree (make run), ~/.local/share/ghmonitor when "
                         "installed"_s},
        {.variable = u"GHM_DATABASE_URL"_s,
         .type = Type::DatabaseUrl,
         .field = &AppConfig::databaseUrl,
         .help = u"keep silver and gold in PostgreSQL, or silver in ClickHouse, instead of "
                 "SQLite; the password is never shown"_s,
         .option = u"database-url"_s,
         .valueName = u"url"_s,
         .shownDefault = u"none (SQLite)"_s,
         .accepted = u"`postgresql://user:password@host:port/database[?sslmode=...]` or "
                     "`clickhouse://user:password@host:8123/database[?cluster=NAME]`"_s},
        {.variable = u"BRONZE_RETENTION_DAYS"_s,
         .type = Type::Integer,
         .field = &AppConfig::bronzeRetentionDays,
         .help = u"days of bronze pages and GH Archive hours kept"_s,
         .defaultValue = 0,
         .minimum = 0,
         .maximum = 36500,
         .details = u"An archive hour keeps its .meta.json, so --rebuild fetches it again."_s,
         .zeroMeans = u"forever"_s},
        {.variable = u"GHM_UMASK"_s,
         .type = Type::Octal,
         .field = &AppConfig::fileMask,
         .help = u"the umask of every file and folder the app creates"_s,
         .defaultValue = u"077"_s,
         .minimum = 0,
         .maximum = 0777,
         .applies = Applies::Process,
         .details = u"077 keeps them readable by you only; 022 lets others read."_s},
        {.variable = u"GHM_LOG_LEVEL"_s,
         .type = Type::Choice,
         .field = &AppConfig::logLevel,
         .help = u"log level: info logs a line per poll and the API's address"_s,
         .defaultValue = u"info"_s,
         .choices = {u"debug"_s, u"info"_s, u"warning"_s},
         .applies = Applies::Process},
    };
}

QList<Setting> apiSettings()
{
    const ApiLimits limits;
    return {
        {.variable = u"GHM_API_HOST"_s,
         .type = Type::Text,
         .field = &AppConfig::apiHost,
         .help = u"REST API bind address"_s,
         .defaultValue = u"127.0.0.1"_s,
         .option = u"api-host"_s,
         .valueName = u"address"_s,
         .accepted = u"an address"_s},
        {.variable = u"GHM_API_PORT"_s,
         .type = Type::Integer,
         .field = &AppConfig::apiPort,
         .help = u"REST API port"_s,
         .defaultValue = 8000,
         .minimum = 0,
         .maximum = 65535,
         .option = u"api-port"_s,
         .valueName = u"port"_s,
         .label = QT_TRANSLATE_NOOP("Setting", "API p&ort:"),
         .zeroMeans = u"any free port"_s},
        {.variable = u"GHM_API_TOKEN"_s,
         .type = Type::Text,
         .field = &AppConfig::apiToken,
         .help = u"bearer token the API requires; mandatory when GHM_API_HOST is not "
                 "loopback"_s},
        {.variable = u"GHM_API_CORS_ORIGINS"_s,
         .type = Type::List,
         .field = &AppConfig::corsOrigins,
         .help = u"origins that get Access-Control-Allow-Origin, comma-separated"_s},
        {.variable = u"GHM_API_ALLOWED_HOSTS"_s,
         .type = Type::HostList,
         .field = &AppConfig::allowedHosts,
         .help = u"Host names the API answers to beyond loopback, comma-separated"_s,
         .details = u"For GHM_API_HOST=0.0.0.0 behind a name; any other Host gets 403."_s},
        {.variable = u"GHM_ALERT_WEBHOOK_URL"_s,
         .type = Type::Url,
         .field = &AppConfig::alertWebhookUrl,
         .help = u"each alert's transition is POSTed here"_s},
        {.variable = u"GHM_ALERT_WEBHOOK_SECRET"_s,
         .type = Type::Text,
         .field = &AppConfig::alertWebhookSecret,
         .help = u"signs each webhook POST: X-GHM-Signature-256, HMAC-SHA256 of the body"_s},
        {.variable = u"GHM_API_MAX_BODY_KB"_s,
         .type = Type::Integer,
         .field = &ApiLimits::maxBodyBytes,
         .help = u"request body limit, in KB (413 beyond)"_s,
         .defaultValue = limits.maxBodyBytes / 1024,
         .minimum = 1,
         .maximum = 1024 * 1024,
         .unit = 1024},
        {.variable = u"GHM_API_MAX_HEADER_KB"_s,
         .type = Type::Integer,
         .field = &ApiLimits::maxHeaderBytes,
         .help = u"request header limit, in KB (431 beyond)"_s,
         .defaultValue = limits.maxHeaderBytes / 1024,
         .minimum = 1,
         .maximum = 1024,
         .unit = 1024},
        {.variable = u"GHM_API_MAX_HEADERS"_s,
         .type = Type::Integer,
         .field = &ApiLimits::maxHeaders,
         .help = u"request headers at most (431 beyond)"_s,
         .defaultValue = limits.maxHeaders,
         .minimum = 10,
         .maximum = 1000},
        {.variable = u"GHM_API_IDLE_TIMEOUT_SECONDS"_s,
         .type = Type::Integer,
         .field = &ApiLimits::idleTimeoutSeconds,
         .help = u"idle connections are closed after this many seconds"_s,
         .defaultValue = limits.idleTimeoutSeconds,
         .minimum = 1,
         .maximum = 3600},
        {.variable = u"GHM_API_REQUEST_TIMEOUT_SECONDS"_s,
         .type = Type::Integer,
         .field = &ApiLimits::requestTimeoutSeconds,
         .help = u"a request must arrive whole within this many seconds (408)"_s,
         .defaultValue = limits.requestTimeoutSeconds,
         .minimum = 1,
         .maximum = 600},
        {.variable = u"GHM_API_MAX_CONNECTIONS"_s,
         .type = Type::Integer,
         .field = &ApiLimits::maxConnections,
         .help = u"open connections at most (503 beyond)"_s,
         .defaultValue = limits.maxConnections,
         .minimum = 1,
         .maximum = 100000},
        {.variable = u"GHM_API_CACHE_MB"_s,
         .type = Type::Integer,
         .field = &ApiLimits::cacheBytes,
         .help = u"answers kept for repeated requests, in MB"_s,
         .defaultValue = limits.cacheBytes / (1024 * 1024),
         .minimum = 0,
         .maximum = 4096,
         .unit = 1024 * 1024},
    };
}

// The field a member pointer names in `config`, const or not.
template <typename Config, typename Value> auto &fieldOf(Config &config, Value AppConfig::*member)
{
    return config.*member;
}

template <typename Config, typename Value> auto &fieldOf(Config &config, Value ApiLimits::*member)
{
    return config.apiLimits.*member;
}

void store(AppConfig *config, const Setting::Field &field, const QVariant &value)
{
    std::visit(
        [&](auto member) {
            if constexpr (!std::is_same_v<decltype(member), std::monostate>) {
                auto &target = fieldOf(*config, member);
                target = value.value<std::remove_reference_t<decltype(target)>>();
            }
        },
        field);
}

QVariant read(const AppConfig &config, const Setting::Field &field)
{
    return std::visit(
        [&](auto member) -> QVariant {
            if constexpr (std::is_same_v<decltype(member), std::monostate>)
                return {};
            else
                return QVariant::fromValue(fieldOf(config, member));
        },
        field);
}

QString invalid(const Setting &setting, const QString &text, const QString &expected)
{
    return u"%1=%2 is invalid: expected %3"_s.arg(setting.variable, text, expected);
}

// The value `text` stands for, or the error.
std::variant<QVariant, QString> parse(const Setting &setting, const QString &text)
{
    const QString trimmed = text.trimmed();
    switch (setting.type) {
    case Type::Secret: return QVariant(trimmed);
    case Type::Text:
    case Type::Folder:
        if (trimmed.isEmpty())
            return u"%1 is empty: give a value or unset it"_s.arg(setting.variable);
        return QVariant(trimmed);
    case Type::Integer:
    case Type::Octal: {
        bool ok = false;
        const qlonglong number = trimmed.toLongLong(&ok, setting.type == Type::Octal ? 8 : 10);
        if (!ok || number < setting.minimum || number > setting.maximum)
            return invalid(
                setting, text,
                setting.type == Type::Octal
                    ? u"an octal umask such as 077 or 022"_s
                    : u"a whole number from %1 to %2"_s.arg(setting.minimum).arg(setting.maximum));
        return QVariant(number * setting.unit);
    }
    case Type::Switch: {
        const QString word = trimmed.toLower();
        if (word == "on"_L1 || word == "1"_L1 || word == "true"_L1)
            return QVariant(true);
        if (word == "off"_L1 || word == "0"_L1 || word == "false"_L1)
            return QVariant(false);
        return invalid(setting, text, u"on or off"_s);
    }
    case Type::Choice:
        if (!setting.choices.contains(trimmed))
            return invalid(setting, text, setting.acceptedText().remove(u'`'));
        return QVariant(trimmed);
    case Type::List:
    case Type::HostList: {
        QStringList items;
        for (const QString &item : text.split(u',', Qt::SkipEmptyParts))
            items << (setting.type == Type::HostList ? item.trimmed().toLower() : item.trimmed());
        return QVariant(items);
    }
    case Type::Url: {
        QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1)
            || url.host().isEmpty())
            return invalid(setting, text, u"an http:// or https:// URL"_s);
        url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0));
        return QVariant(url);
    }
    case Type::DatabaseUrl: {
        if (trimmed.isEmpty())
            return QVariant(QUrl());
        // Not the value itself: it may hold a password.
        const QUrl url(trimmed, QUrl::StrictMode);
        if (const QString problem = Database::checkUrl(url); !problem.isEmpty())
            return u"%1: %2"_s.arg(setting.variable, problem);
        return QVariant(url);
    }
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace

const QList<Setting> &Config::settings()
{
    static const QList<Setting> all = collectionSettings() + storageSettings() + apiSettings();
    return all;
}

const Setting *Config::setting(QStringView variable)
{
    for (const Setting &setting : settings()) {
        if (setting.variable == variable)
            return &setting;
    }
    return nullptr;
}

QString Config::assign(AppConfig *config, const Setting &setting, const QString &text)
{
    const std::variant<QVariant, QString> parsed = parse(setting, text);
    if (const QString *error = std::get_if<QString>(&parsed))
        return *error;
    store(config, setting.field, std::get<QVariant>(parsed));
    return {};
}

QString Config::text(const AppConfig &config, const Setting &setting)
{
    const QVariant value = read(config, setting.field);
    switch (setting.type) {
    case Type::Integer: return QString::number(value.toLongLong() / setting.unit);
    case Type::Octal: return u"%1"_s.arg(value.toLongLong(), 3, 8, QChar(u'0'));
    case Type::Switch: return value.toBool() ? u"on"_s : u"off"_s;
    case Type::List:
    case Type::HostList: return value.toStringList().join(u',');
    case Type::Url:
    case Type::DatabaseUrl: return value.toUrl().toString();
    default: return value.toString();
    }
}

QStringList Config::changedForNextStart(const AppConfig &running, const AppConfig &saved)
{
    QStringList changed;
    for (const Setting &setting : settings()) {
        if (setting.label && setting.applies == Applies::Start
            && text(running, setting) != text(saved, setting))
            changed << setting.translatedLabel().remove(u'&').remove(u':');
    }
    return changed;
}

QString Setting::defaultText() const
{
    if (!shownDefault.isEmpty())
        return shownDefault;
    if (defaultValue.isNull())
        return u"none"_s;
    if (type == Type::Switch)
        return defaultValue.toBool() ? u"on"_s : u"off"_s;
    return defaultValue.toString();
}

QString Setting::acceptedText() const
{
    if (!accepted.isEmpty())
        return accepted;
    switch (type) {
    case Type::Integer: return u"%1-%2"_s.arg(minimum).arg(maximum);
    case Type::Octal:
        return u"%1-%2"_s.arg(minimum, 3, 8, QChar(u'0')).arg(maximum, 3, 8, QChar(u'0'));
    case Type::Switch: return u"`on`, `off`"_s;
    case Type::Choice: return u"`%1`"_s.arg(choices.join(u"`, `"_s));
    case Type::Url: return u"an http(s) URL"_s;
    case Type::Folder: return u"a folder"_s;
    case Type::List: return u"comma-separated"_s;
    case Type::HostList: return u"comma-separated names"_s;
    default: return u"any"_s;
    }
}

QString Setting::translatedLabel() const
{
    return QCoreApplication::translate("Setting", label);
}
