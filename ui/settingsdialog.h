#pragma once

#include "config/setting.h"

#include <QDialog>
#include <QHash>

#include <functional>

class AlertRulesPage;
class QFormLayout;
class QLineEdit;
class QTabWidget;

// The settings the window keeps: the token in the keyring (TokenStore); the others of the
// table of settings that have a label (Config::settings()) in QSettings; the alert rules, on
// a page of their own, in <data>/alerts.json (AlertRulesPage). It shows the values running
// now, marks those set by the environment or the command line (which win over the stored
// ones), and saves only the fields the user changed.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(const ConfigResult &running, QWidget *parent = nullptr);

    // Settings as environment variables, for Config::loadLayers.
    static QHash<QString, QString> stored();
    AlertRulesPage *alertRules() const { return m_alertRules; }

private:
    QHash<QString, QString> values() const; // by variable, as the fields show them now
    QWidget *fieldFor(const Setting &setting);
    void addRow(QFormLayout *form, const Setting &setting, QWidget *field);
    void save();
    QWidget *tokenRow();

    ConfigResult m_running;
    QLineEdit *m_token;
    bool m_clearToken = false;
    QHash<QString, std::function<QString()>> m_values; // by variable, what its field shows
    QTabWidget *m_tabs;
    AlertRulesPage *m_alertRules;
    QHash<QString, QString> m_shown; // what the fields showed when the dialog opened
};
