#pragma once

#include "config/config.h"

#include <QDialog>
#include <QHash>

class AlertRulesPage;
class QCheckBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;
class QTabWidget;

// The settings the window keeps: the token in the keyring (TokenStore); GitHub API URL,
// interval, pages per poll, data directory, API port and the GH Archive switch in QSettings;
// the alert rules, on a page of their own, in <data>/alerts.json (AlertRulesPage). It
// shows the values running now, marks those set by the environment or the command line (which win
// over the stored ones), and saves only the fields the user changed.
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
    void addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &variable,
                const QString &option = {});
    void save();
    QWidget *tokenRow();

    ConfigResult m_running;
    QLineEdit *m_token;
    bool m_clearToken = false;
    QLineEdit *m_apiUrl;
    QSpinBox *m_interval;
    QSpinBox *m_pages;
    QSpinBox *m_budget;
    QLineEdit *m_dataDir;
    QSpinBox *m_port;
    QCheckBox *m_archive;
    QTabWidget *m_tabs;
    AlertRulesPage *m_alertRules;
    QHash<QString, QString> m_shown; // what the fields showed when the dialog opened
};
