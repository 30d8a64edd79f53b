#pragma once

#include "githubpoller.h"

#include <QMainWindow>

class QLabel;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    void showPollerSnapshot(const PollerSnapshot &snapshot);
    static QString describe(const PollerSnapshot &snapshot, const QDateTime &now);

private:
    void createMenus();
    void showAbout();

    QLabel *m_pollerStatus;
};
