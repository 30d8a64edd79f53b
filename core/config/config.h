#pragma once

#include "store/storelocation.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

class QProcessEnvironment;

// What one client may ask of the REST API before it is refused. Every limit answers with a
// clear status (413, 431, 408, 503) rather than memory, descriptors or a stalled server.
struct ApiLimits
{
    qint64 maxBodyBytes = 64 * 1024; // 413 before the body is read
    int maxHeaderBytes = 16 * 1024; // 431
    int maxHeaders = 100; // 431
    int idleTimeoutSeconds = 30; // an idle connection is closed
    int requestTimeoutSeconds = 10; // a request must arrive whole within this (408)
    int answerTimeoutSeconds = 60; // a client must read a whole answer within this
    int maxPipelined = 16; // requests sent ahead of their answers (429 beyond)
    qint64 maxQueuedAnswerBytes = 8 * 1024 * 1024; // answers waiting for a slow reader
    int maxConnections = 256; // beyond, 503 at once
    qint64 cacheBytes = 32 * 1024 * 1024; // answers kept for repeated requests
};

// Runtime configuration. Read from the environment; the command line overrides it. Each
// field's default, range and help are in the table of settings (config/setting.h).
struct AppConfig
{
    AppConfig(); // every field at the table's default

    QString githubToken;
    QUrl apiUrl;
    int intervalSeconds = 0;
    int maxPagesPerCollection = 0;
    // The share of the hourly rate limit, in percent, the global feed may spend; 0 obeys
    // GitHub's X-Poll-Interval.
    int captureBudgetPercent = 0;
    int requestTimeoutSeconds = 0;
    int bronzeRetentionDays = 0; // 0 keeps bronze forever
    QString dataDir;
    QUrl databaseUrl; // PostgreSQL or ClickHouse; empty keeps silver and gold in SQLite
    int fileMask = 0; // the umask of what the app creates
    QString logLevel;
    QString apiHost;
    int apiPort = 0; // 0 picks a free port
    QString apiToken; // required when apiHost is not a loopback address
    QStringList corsOrigins;
    QStringList allowedHosts; // Host names accepted beyond loopback (lower case)
    ApiLimits apiLimits;
    QStringList watch; // repositories and organizations to watch, added to the watch list
    QUrl alertWebhookUrl; // each alert's transition is POSTed here; empty: no webhook
    QString alertWebhookSecret; // signs each POST (HMAC-SHA256)
    int watchMaximum = 0; // at most this many watched repositories
    int prHorizonDays = 0;
    int prHorizonCount = 0;
    int prRefreshMinutes = 0; // between refreshes of a watched repository's history
    bool archiveEnabled = false; // follow GH Archive hour by hour
    QUrl archiveUrl;
    int archiveBackfillHours = 0; // finished hours fetched at the first start

    bool apiIsLoopback() const;
    // ./data for a binary run from its build tree (make run, the tests);
    // ~/.local/share/ghmonitor for an installed one, which a menu may start anywhere.
    static QString defaultDataDir();
    StoreLocation store() const { return {dataDir, databaseUrl}; }
};

// Where a setting's value comes from, lowest precedence first.
enum class ConfigSource { Default, SettingsFile, Environment, CommandLine };

struct ConfigResult
{
    AppConfig config;
    QStringList errors; // one message per refused value, naming the variable and the range
    QHash<QString, ConfigSource> sources; // by variable; absent: the default
    bool ok() const { return errors.isEmpty(); }
    ConfigSource source(const QString &variable) const
    {
        return sources.value(variable, ConfigSource::Default);
    }
};

namespace Config {

// `overrides` maps variable names (as in the environment) to command-line values.
ConfigResult load(const QProcessEnvironment &environment,
                  const QHash<QString, QString> &overrides = {});
// Only the settings that apply before anything logs or creates a file (the umask...).
ConfigResult loadProcessSettings(const QProcessEnvironment &environment);
// The window's stored settings under the environment under the command line (variable
// names to values), with each value's source.
ConfigResult loadLayers(const QHash<QString, QString> &settings,
                        const QProcessEnvironment &environment,
                        const QHash<QString, QString> &commandLine);

} // namespace Config
