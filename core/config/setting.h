#pragma once

#include "config/config.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <variant>

// One setting of the table that Config::load, --help, the Settings dialog and the README's
// configuration table all read (Config::settings()). Its default is taken from the struct
// of the code that uses it where one exists (PollerOptions, Watchlist...), so that every
// default is written once.
struct Setting
{
    enum class Type {
        Text, // any non-empty text
        Secret, // may be empty; never shown
        Folder,
        Url, // http:// or https://
        DatabaseUrl, // checked by Database::checkUrl; never shown, it may hold a password
        Integer, // minimum..maximum, stored times `unit`
        Switch, // on or off
        List, // comma-separated
        HostList, // comma-separated, lower case
        Choice, // one of `choices`
        Octal, // minimum..maximum, written in octal
    };
    // When a new value takes effect.
    enum class Applies {
        Start, // at the next start
        AtOnce, // saved in the window's Settings, it applies to the running program
        Process, // before anything logs or creates a file
    };
    using Field = std::variant<std::monostate, QString AppConfig::*, QUrl AppConfig::*,
                               int AppConfig::*, bool AppConfig::*, QStringList AppConfig::*,
                               int ApiLimits::*, qint64 ApiLimits::*>;

    QString variable {}; // in the environment, and the key in the window's saved settings
    Type type = Type::Text;
    Field field {};
    QString help {}; // one line, for --help and the README
    QVariant defaultValue {}; // in the setting's unit (minutes, kilobytes); null: none
    qint64 minimum = 0;
    qint64 maximum = 0;
    qint64 unit = 1;
    QStringList choices {};
    QString option {}; // the command-line option that overrides it, without "--"
    QString valueName {}; // the option's value, as --help names it
    Applies applies = Applies::Start;
    const char *label = nullptr; // in the Settings dialog (QT_TRANSLATE_NOOP "Setting")
    QString details {}; // more than the help, for the README and the dialog
    QString zeroMeans {}; // what 0 stands for, when it is not a number of something
    QString suffix {}; // the unit, after a number in the dialog
    QString shownDefault {}; // the default, when it is not one value (the data folder's)
    QString accepted {}; // the values accepted, when the type does not say it all

    QString defaultText() const;
    QString acceptedText() const;
    QString translatedLabel() const;
};

namespace Config {

// Every setting, in the order --help and the README list them.
const QList<Setting> &settings();
const Setting *setting(QStringView variable);
// Parses `text` and stores it in `config`; the error naming the variable and what is
// accepted, or empty.
QString assign(AppConfig *config, const Setting &setting, const QString &text);
// The setting's value in `config`, as it would be typed.
QString text(const AppConfig &config, const Setting &setting);
// The labels of the dialog's settings that differ and apply only at the next start.
QStringList changedForNextStart(const AppConfig &running, const AppConfig &saved);

} // namespace Config
