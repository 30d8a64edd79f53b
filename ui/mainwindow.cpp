#include "mainwindow.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

using namespace Qt::StringLiterals;

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_pollerStatus(new QLabel(tr("Starting…"), this))
{
    setWindowTitle(tr("GitHub Event Monitor"));
    resize(1200, 800);
    createMenus();
    statusBar()->addWidget(m_pollerStatus, 1);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    menuBar()->addMenu(tr("&View"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About GitHub Event Monitor"),
                       tr("<b>GitHub Event Monitor</b> %1<p>Watches GitHub's public event "
                          "stream and keeps it in a bronze/silver/gold store.</p>")
                               .arg(QApplication::applicationVersion()));
}

void MainWindow::showPollerSnapshot(const PollerSnapshot &snapshot)
{
    m_pollerStatus->setText(describe(snapshot, QDateTime::currentDateTimeUtc()));
}

QString MainWindow::describe(const PollerSnapshot &snapshot, const QDateTime &now)
{
    using State = PollerSnapshot::State;
    const QString until = snapshot.nextPoll.toLocalTime().toString(u"HH:mm"_s);
    const qint64 seconds = std::max<qint64>(now.secsTo(snapshot.nextPoll), 0);
    switch (snapshot.state) {
    case State::Idle: return tr("Idle");
    case State::Polling: return tr("Polling…");
    case State::UpToDate: return tr("Up to date");
    case State::RateLimited: return tr("Rate-limited until %1").arg(until);
    case State::BackingOff:
        return tr("Error: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    case State::BadToken: return tr("Bad token");
    case State::Offline:
        return tr("Offline: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    case State::StorageError:
        return tr("Cannot store data: %1, retrying in %2 s").arg(snapshot.lastError).arg(seconds);
    }
    return {};
}
