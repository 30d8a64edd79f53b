#pragma once

#include "alert/alert.h"

#include <QDockWidget>

class QTreeWidget;

// The Alerts dock: the firing and pending alerts, then the latest resolved ones, newest
// first. Activating a repository's alert opens that repository; its context menu silences
// the alert's rule, for the repository or for all, or ends the silence.
class AlertsDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit AlertsDock(QWidget *parent = nullptr);

    void setBoard(const AlertBoard &board);
    QTreeWidget *tree() const { return m_tree; }
    // The context menu of the alert in `row`, as a right click opens it.
    QMenu *contextMenuFor(int row);

signals:
    void repositoryActivated(const QString &repository);
    // `repository` empty: all of the rule's alerts.
    void silenceRequested(const QString &rule, const QString &repository, qint64 seconds);
    void silenceEndRequested(const QString &rule, const QString &repository);

private:
    QTreeWidget *m_tree;
    QList<Alert> m_shown; // in the tree's order
};
