#include "alertsdock.h"

#include "timeformat.h"

#include <QDateTime>
#include <QHeaderView>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace {

enum Column { State, Rule, Summary, Since, ColumnCount };

QString localTime(qint64 epochSeconds)
{
    return epochSeconds < 0
        ? QString()
        : QDateTime::fromSecsSinceEpoch(epochSeconds).toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s);
}

} // namespace

AlertsDock::AlertsDock(QWidget *parent)
    : QDockWidget(tr("Alerts"), parent)
    , m_tree(new QTreeWidget)
{
    setObjectName(u"alerts"_s);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("State"), tr("Rule"), tr("Summary"), tr("Since")});
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(Summary, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setAccessibleName(tr("Alerts"));
    setWidget(m_tree);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString repository = item->data(Rule, Qt::UserRole).toString();
        if (!repository.isEmpty())
            emit repositoryActivated(repository);
    });
}

void AlertsDock::setBoard(const AlertBoard &board)
{
    m_tree->clear();
    const auto add = [this](const Alert &alert) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(State, Alert::stateName(alert.state));
        item->setText(Rule, alert.rule);
        item->setData(Rule, Qt::UserRole, alert.repository);
        item->setText(Summary, alert.summary);
        item->setToolTip(Summary, alert.summary);
        item->setText(
            Since,
            localTime(alert.state == Alert::State::Resolved ? alert.resolvedAt : alert.activeAt));
        if (alert.state == Alert::State::Firing) {
            QFont bold = item->font(State);
            bold.setBold(true);
            item->setFont(State, bold);
        }
    };
    for (const Alert &alert : board.active)
        add(alert);
    for (const Alert &alert : board.history)
        add(alert);
    setWindowTitle(
        tr("Alerts (%n firing)", "",
           int(std::count_if(board.active.cbegin(), board.active.cend(), [](const Alert &alert) {
               return alert.state == Alert::State::Firing;
           }))));
}
