#include "alertrulespage.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

enum Column { Enabled, Name, Kind, Threshold, For, Scope, ColumnCount };

constexpr int maxForSeconds = 30 * 86400;

} // namespace

AlertRulesPage::AlertRulesPage(const QString &rulesPath, QWidget *parent)
    : QWidget(parent)
    , m_path(rulesPath)
    , m_table(new QTableWidget(0, ColumnCount))
    , m_problem(new QLabel)
{
    m_table->setHorizontalHeaderLabels(
        {tr("On"), tr("Rule"), tr("Kind"), tr("Threshold"), tr("For"), tr("Scope")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Scope, QHeaderView::Stretch);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setAccessibleName(tr("Alert rules"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    QString error;
    if (const auto rules = AlertRule::load(m_path, &error)) {
        m_loaded = *rules;
        for (const AlertRule &rule : std::as_const(m_loaded))
            addRow(rule);
    } else {
        m_problem->setText(tr("The rules cannot be shown: %1. Fix or remove the file; the "
                              "alerts keep the last good rules meanwhile.")
                               .arg(error));
        m_problem->show();
        m_table->setEnabled(false);
    }
    auto *note = new QLabel(tr("Repository rules apply to the scope: \"watched\", a group's "
                               "name or one owner/name. Labels, notification timing and new "
                               "rules are edited in %1 or over the API (README, \"Alerts\").")
                                .arg(m_path));
    note->setWordWrap(true);
    note->setEnabled(false); // drawn as secondary text
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_problem);
    layout->addWidget(m_table, 1);
    layout->addWidget(note);
}

void AlertRulesPage::addRow(const AlertRule &rule)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *enabled = new QCheckBox;
    enabled->setChecked(rule.enabled);
    enabled->setAccessibleName(tr("%1 on").arg(rule.name));
    m_table->setCellWidget(row, Enabled, enabled);
    auto *name = new QTableWidgetItem(rule.name);
    name->setFlags(Qt::ItemIsEnabled);
    m_table->setItem(row, Name, name);
    auto *kind = new QTableWidgetItem(AlertRule::kindName(rule.kind));
    kind->setFlags(Qt::ItemIsEnabled);
    m_table->setItem(row, Kind, kind);
    const QString unit = AlertRule::thresholdUnit(rule.kind);
    auto *threshold = new QDoubleSpinBox;
    threshold->setRange(0, rule.kind == AlertRule::Kind::RateLimitLow ? 100 : 1e9);
    threshold->setDecimals(1);
    threshold->setValue(rule.threshold);
    if (unit == "none"_L1) {
        threshold->setSpecialValueText(tr("—")); // the rule has no threshold
        threshold->setEnabled(false);
    } else {
        threshold->setSuffix(u' ' + unit);
    }
    threshold->setAccessibleName(tr("%1 threshold").arg(rule.name));
    m_table->setCellWidget(row, Threshold, threshold);
    auto *forSeconds = new QSpinBox;
    forSeconds->setRange(0, maxForSeconds);
    forSeconds->setSuffix(tr(" s"));
    forSeconds->setValue(int(rule.forSeconds));
    forSeconds->setToolTip(tr("How long the condition must hold before the alert fires"));
    forSeconds->setAccessibleName(tr("%1 for").arg(rule.name));
    m_table->setCellWidget(row, For, forSeconds);
    auto *scope = new QLineEdit(rule.isAboutRepositories() ? rule.scope : QString());
    scope->setEnabled(rule.isAboutRepositories());
    scope->setPlaceholderText(rule.isAboutRepositories() ? u"watched"_s : tr("the monitor"));
    scope->setAccessibleName(tr("%1 scope").arg(rule.name));
    m_table->setCellWidget(row, Scope, scope);
}

QJsonObject AlertRulesPage::edited(int row) const
{
    const AlertRule &rule = m_loaded[row];
    QJsonObject json = rule.toJson();
    json.insert(u"enabled"_s,
                qobject_cast<QCheckBox *>(m_table->cellWidget(row, Enabled))->isChecked());
    json.insert(u"threshold"_s,
                qobject_cast<QDoubleSpinBox *>(m_table->cellWidget(row, Threshold))->value());
    json.insert(u"for_seconds"_s, qobject_cast<QSpinBox *>(m_table->cellWidget(row, For))->value());
    if (rule.isAboutRepositories()) {
        const QString scope
            = qobject_cast<QLineEdit *>(m_table->cellWidget(row, Scope))->text().trimmed();
        json.insert(u"scope"_s, scope.isEmpty() ? u"watched"_s : scope);
    }
    return json;
}

bool AlertRulesPage::save(QString *error)
{
    QList<AlertRule> changed;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QJsonObject json = edited(row);
        if (json == m_loaded[row].toJson())
            continue;
        const std::optional<AlertRule> rule = AlertRule::fromJson(json, error);
        if (!rule)
            return false;
        changed.append(*rule);
    }
    if (changed.isEmpty())
        return true;
    const auto replace = [&changed](QList<AlertRule> &rules, QString *) {
        for (AlertRule &rule : rules) {
            for (const AlertRule &edit : std::as_const(changed)) {
                if (edit.name == rule.name)
                    rule = edit;
            }
        }
        return true;
    };
    if (!AlertRule::update(m_path, replace, error))
        return false;
    m_loaded = AlertRule::load(m_path, error).value_or(m_loaded);
    return true;
}
