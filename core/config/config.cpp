#include "config/config.h"

#include "config/setting.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

ConfigResult loadSettings(const QProcessEnvironment &environment,
                          const QHash<QString, QString> &overrides,
                          const std::function<bool(const Setting &)> &wanted)
{
    ConfigResult result;
    for (const Setting &setting : Config::settings()) {
        const QString &name = setting.variable;
        if (!wanted(setting) || (!overrides.contains(name) && !environment.contains(name)))
            continue;
        const QString value
            = overrides.contains(name) ? overrides.value(name) : environment.value(name);
        if (const QString error = Config::assign(&result.config, setting, value); !error.isEmpty())
            result.errors << error;
    }
    return result;
}

} // namespace

AppConfig::AppConfig()
    : dataDir(defaultDataDir())
{
    for (const Setting &setting : Config::settings()) {
        if (!setting.defaultValue.isNull())
            Config::assign(this, setting, setting.defaultValue.toString());
    }
}

ConfigResult Config::load(const QProcessEnvironment &environment,
                          const QHash<QString, QString> &overrides)
{
    ConfigResult result
        = loadSettings(environment, overrides, [](const Setting &) { return true; });
    const AppConfig &config = result.config;
    if (!config.apiIsLoopback() && config.apiToken.isEmpty()) {
        result.errors << u"GHM_API_HOST=%1 is not a loopback address: set GHM_API_TOKEN so "
                         "that the API requires a bearer token"_s.arg(config.apiHost);
    }
    return result;
}

ConfigResult Config::loadProcessSettings(const QProcessEnvironment &environment)
{
    return loadSettings(environment, {}, [](const Setting &setting) {
        return setting.applies == Setting::Applies::Process;
    });
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
