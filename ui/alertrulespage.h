#pragma once

#include "alert/alertrule.h"

#include <QWidget>

class QLabel;
class QTableWidget;

// The Alerts page of Settings: each rule of <data>/alerts.json in a row, to switch on or
// off and to set its threshold, `for` and scope. Saving validates each rule as the API
// does, and writes only the rules the user changed, so that an edit made meanwhile over
// the API to another rule stays.
class AlertRulesPage : public QWidget
{
    Q_OBJECT

public:
    explicit AlertRulesPage(const QString &rulesPath, QWidget *parent = nullptr);

    // False, with a message naming the rule and the value, when a rule is not valid or
    // the file cannot be written; nothing is written then.
    bool save(QString *error);
    QTableWidget *table() const { return m_table; }

private:
    void addRow(const AlertRule &rule);
    QJsonObject edited(int row) const; // the row's rule, as the fields show it

    QString m_path;
    QList<AlertRule> m_loaded; // as read, in the table's order
    QTableWidget *m_table;
    QLabel *m_problem;
};
