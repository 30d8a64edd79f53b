#include "alertsdock.h"

#include "event/timeformat.h"

#include <QDateTime>
#include <QHeaderView>
#include <QMenu>
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

struct Duration
{
    const char *text;
    qint64 seconds;
};

constexpr Duration silenceDurations[] = {{QT_TRANSLATE_NOOP("AlertsDock", "1 hour"), 3600},
                                         {QT_TRANSLATE_NOOP("AlertsDock", "8 hours"), 8 * 3600},
                                         {QT_TRANSLATE_NOOP("AlertsDock", "1 day"), 86400},
                                         {QT_TRANSLATE_NOOP("AlertsDock", "1 week"), 7 * 86400}};

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
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_tree->indexAt(at);
        if (!index.isValid())
            return;
        QMenu *menu = contextMenuFor(index.row());
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_tree->viewport()->mapToGlobal(at));
    });
}

QMenu *AlertsDock::contextMenuFor(int row)
{
    auto *menu = new QMenu(this);
    const Alert alert = m_shown.value(row);
    if (alert.state == Alert::State::Resolved) {
        menu->addAction(tr("Resolved: nothing to silence"))->setEnabled(false);
        return menu;
    }
    const auto addSilences = [&](const QString &title, const QString &repository) {
        QMenu *durations = menu->addMenu(title);
        for (const Duration &duration : silenceDurations) {
            durations->addAction(tr(duration.text), this, [this, alert, repository, duration] {
                emit silenceRequested(alert.rule, repository, duration.seconds);
            });
        }
    };
    if (!alert.repository.isEmpty())
        addSilences(tr("Silence %1's %2 alerts for").arg(alert.repository, alert.rule),
                    alert.repository);
    addSilences(tr("Silence all %1 alerts for").arg(alert.rule), QString());
    if (alert.silencedUntil >= 0) {
        menu->addAction(tr("End the silence"), this,
                        [this, alert] { emit silenceEndRequested(alert.rule, alert.repository); });
    }
    return menu;
}

void AlertsDock::setBoard(const AlertBoard &board)
{
    m_tree->clear();
    m_shown.clear();
    const auto add = [this](const Alert &alert) {
        m_shown.append(alert);
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(State,
                      alert.silencedUntil >= 0 && alert.state != Alert::State::Resolved
                          ? tr("%1, silenced until %2")
                                .arg(Alert::stateName(alert.state), localTime(alert.silencedUntil))
                          : Alert::stateName(alert.state));
        item->setText(Rule, alert.rule);
        item->setData(Rule, Qt::UserRole, alert.repository);
        item->setText(Summary, alert.summary);
        item->setToolTip(Summary, alert.summary);
        item->setText(
            Since,
            localTime(alert.state == Alert::State::Resolved ? alert.resolvedAt : alert.activeAt));
        if (alert.isFiring() && !alert.isSilenced()) {
            QFont bold = item->font(State);
            bold.setBold(true);
            item->setFont(State, bold);
        }
    };
    for (const Alert &alert : board.active)
        add(alert);
    for (const Alert &alert : board.history)
        add(alert);
    const qsizetype silenced = board.silencedFiringCount();
    const QString firing = tr("%n firing", "", int(board.firingCount()));
    setWindowTitle(silenced == 0 ? tr("Alerts (%1)").arg(firing)
                                 : tr("Alerts (%1, %n silenced)", "", int(silenced)).arg(firing));
}
