#pragma once

#include "alertengine.h"

#include <QDockWidget>

class QTreeWidget;

// The Alerts dock: the firing and pending alerts, then the latest resolved ones, newest
// first. Activating a repository's alert opens that repository.
class AlertsDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit AlertsDock(QWidget *parent = nullptr);

    void setBoard(const AlertBoard &board);
    QTreeWidget *tree() const { return m_tree; }

signals:
    void repositoryActivated(const QString &repository);

private:
    QTreeWidget *m_tree;
};
