#include "config/config.h"

#include "store/database.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {

class Reader
{
public:
    Reader(const QProcessEnvironment &environment, const QHash<QString, QString> &overrides)
        : m_environment(environment)
        , m_overrides(overrides)
    {
    }

    std::optional<QString> value(const QString &name) const
    {
        if (m_overrides.contains(name))
            return m_overrides.value(name);
        if (m_environment.contains(name))
            return m_environment.value(name);
        return std::nullopt;
    }

    // A whole number in [minimum, maximum], stored times `unit` (kilobytes as bytes...).
    template <typename Number>
    void readInt(const QString &name, qint64 minimum, qint64 maximum, Number *target,
                 qint64 unit = 1)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        bool ok = false;
        const qlonglong number = text->trimmed().toLongLong(&ok);
        if (!ok || number < minimum || number > maximum) {
            m_errors << u"%1=%2 is invalid: expected a whole number from %3 to %4"_s.arg(
                name, *text, QString::number(minimum), QString::number(maximum));
            return;
        }
        *target = Number(number * unit);
    }

    void readSwitch(const QString &name, bool *target)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        const QString word = text->trimmed().toLower();
        if (word == "on"_L1 || word == "1"_L1 || word == "true"_L1)
            *target = true;
        else if (word == "off"_L1 || word == "0"_L1 || word == "false"_L1)
            *target = false;
        else
            m_errors << u"%1=%2 is invalid: expected on or off"_s.arg(name, *text);
    }

    void readString(const QString &name, QString *target)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        if (text->trimmed().isEmpty()) {
            m_errors << u"%1 is empty: give a value or unset it"_s.arg(name);
            return;
        }
        *target = text->trimmed();
    }

    void readUrl(const QString &name, QUrl *target)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        const QUrl url(text->trimmed(), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1)
            || url.host().isEmpty()) {
            m_errors << u"%1=%2 is invalid: expected an http:// or https:// URL"_s.arg(name, *text);
            return;
        }
        QUrl normalized = url;
        normalized.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0));
        *target = normalized;
    }

    QStringList errors() const { return m_errors; }

private:
    const QProcessEnvironment &m_environment;
    const QHash<QString, QString> &m_overrides;
    QStringList m_errors;
};

} // namespace

ConfigResult Config::load(const QProcessEnvironment &environment,
                          const QHash<QString, QString> &overrides)
{
    Reader reader(environment, overrides);
    ConfigResult result;
    AppConfig &config = result.config;

    if (const auto token = reader.value(u"GITHUB_TOKEN"_s))
        config.githubToken = token->trimmed();
    reader.readUrl(u"GITHUB_API_URL"_s, &config.apiUrl);

    int minutes = 1;
    reader.readInt(u"COLLECTION_INTERVAL_MINUTES"_s, 1, 1440, &minutes);
    config.intervalSeconds = minutes * 60;
    reader.readInt(u"COLLECTION_INTERVAL_SECONDS"_s, 1, 86400, &config.intervalSeconds);

    reader.readInt(u"MAX_PAGES_PER_COLLECTION"_s, 1, 10, &config.maxPagesPerCollection);
    reader.readInt(u"GHM_CAPTURE_BUDGET"_s, 0, 100, &config.captureBudgetPercent);
    reader.readInt(u"GHM_REQUEST_TIMEOUT_SECONDS"_s, 1, 600, &config.requestTimeoutSeconds);
    reader.readInt(u"BRONZE_RETENTION_DAYS"_s, 0, 36500, &config.bronzeRetentionDays);
    reader.readString(u"GHM_DATA_DIR"_s, &config.dataDir);
    QString urlProblem;
    if (const auto url = reader.value(u"GHM_DATABASE_URL"_s); url && !url->isEmpty()) {
        config.databaseUrl = QUrl(url->trimmed(), QUrl::StrictMode);
        urlProblem = Database::checkUrl(config.databaseUrl);
    }
    reader.readString(u"GHM_API_HOST"_s, &config.apiHost);
    reader.readInt(u"GHM_API_PORT"_s, 0, 65535, &config.apiPort);
    reader.readString(u"GHM_API_TOKEN"_s, &config.apiToken);
    reader.readUrl(u"GHM_ALERT_WEBHOOK_URL"_s, &config.alertWebhookUrl);
    reader.readString(u"GHM_ALERT_WEBHOOK_SECRET"_s, &config.alertWebhookSecret);
    if (const auto origins = reader.value(u"GHM_API_CORS_ORIGINS"_s)) {
        for (const QString &origin : origins->split(u',', Qt::SkipEmptyParts))
            config.corsOrigins << origin.trimmed();
    }
    ApiLimits &limits = config.apiLimits;
    reader.readInt(u"GHM_API_MAX_BODY_KB"_s, 1, 1024 * 1024, &limits.maxBodyBytes, 1024);
    reader.readInt(u"GHM_API_MAX_HEADER_KB"_s, 1, 1024, &limits.maxHeaderBytes, 1024);
    reader.readInt(u"GHM_API_MAX_HEADERS"_s, 10, 1000, &limits.maxHeaders);
    reader.readInt(u"GHM_API_IDLE_TIMEOUT_SECONDS"_s, 1, 3600, &limits.idleTimeoutSeconds);
    reader.readInt(u"GHM_API_REQUEST_TIMEOUT_SECONDS"_s, 1, 600, &limits.requestTimeoutSeconds);
    reader.readInt(u"GHM_API_MAX_CONNECTIONS"_s, 1, 100000, &limits.maxConnections);
    reader.readInt(u"GHM_API_CACHE_MB"_s, 0, 4096, &limits.cacheBytes, 1024 * 1024);
    if (const auto hosts = reader.value(u"GHM_API_ALLOWED_HOSTS"_s)) {
        for (const QString &host : hosts->split(u',', Qt::SkipEmptyParts))
            config.allowedHosts << host.trimmed().toLower();
    }

    if (const auto watch = reader.value(u"GHM_WATCH"_s)) {
        for (const QString &name : watch->split(u',', Qt::SkipEmptyParts))
            config.watch << name.trimmed();
    }
    reader.readInt(u"GHM_WATCH_MAX"_s, 1, 1000, &config.watchMaximum);
    reader.readInt(u"GHM_PR_HORIZON_DAYS"_s, 1, 3650, &config.prHorizonDays);
    reader.readInt(u"GHM_PR_HORIZON_COUNT"_s, 1, 100000, &config.prHorizonCount);
    reader.readInt(u"GHM_PR_REFRESH_MINUTES"_s, 1, 1440, &config.prRefreshMinutes);
    reader.readSwitch(u"GHM_ARCHIVE"_s, &config.archiveEnabled);
    reader.readUrl(u"GHM_ARCHIVE_URL"_s, &config.archiveUrl);
    reader.readInt(u"GHM_ARCHIVE_BACKFILL_HOURS"_s, 0, 24 * 30, &config.archiveBackfillHours);

    result.errors = reader.errors();
    // Not the value itself: it may hold a password.
    if (!urlProblem.isEmpty())
        result.errors << u"GHM_DATABASE_URL: %1"_s.arg(urlProblem);
    if (!config.apiIsLoopback() && config.apiToken.isEmpty()) {
        result.errors << u"GHM_API_HOST=%1 is not a loopback address: set GHM_API_TOKEN so "
                         "that the API requires a bearer token"_s.arg(config.apiHost);
    }
    return result;
}

ConfigResult Config::loadLayers(const QHash<QString, QString> &settings,
                                const QProcessEnvironment &environment,
                                const QHash<QString, QString> &commandLine)
{
    QProcessEnvironment merged;
    QHash<QString, ConfigSource> sources;
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        merged.insert(it.key(), it.value());
        sources.insert(it.key(), ConfigSource::SettingsFile);
    }
    for (const QString &name : environment.keys()) {
        merged.insert(name, environment.value(name));
        sources.insert(name, ConfigSource::Environment);
    }
    for (auto it = commandLine.cbegin(); it != commandLine.cend(); ++it)
        sources.insert(it.key(), ConfigSource::CommandLine);
    ConfigResult result = load(merged, commandLine);
    result.sources = sources;
    return result;
}

QString AppConfig::defaultDataDir()
{
    const QString checkout = QStringLiteral("./data");
    if (!QCoreApplication::instance()
        || QCoreApplication::applicationDirPath().startsWith(QStringLiteral(GHM_BUILD_DIR)))
        return checkout;
    const QString shared = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return shared.isEmpty() ? checkout : shared + QStringLiteral("/ghmonitor");
}

bool AppConfig::apiIsLoopback() const
{
    return apiHost == "localhost"_L1 || QHostAddress(apiHost).isLoopback();
}
