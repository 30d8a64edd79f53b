#pragma once

#include <QDialog>

class QLineEdit;
class QSpinBox;

// Token, interval, pages per poll, data directory and API port, kept in QSettings.
// The environment and the command line still win over these.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    // Settings as environment variables, for Config::load underneath the real environment.
    static QHash<QString, QString> stored();

private:
    void save();

    QLineEdit *m_token;
    QSpinBox *m_interval;
    QSpinBox *m_pages;
    QLineEdit *m_dataDir;
    QSpinBox *m_port;
};
