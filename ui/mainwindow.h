#pragma once

#include "alert/alertgroups.h"
#include "collect/archivefollower.h"
#include "collect/githubpoller.h"
#include "config/config.h"
#include "query/dashboardsnapshot.h"

#include <QMainWindow>
#include <QPointer>
#include <QProgressDialog>

#include <optional>

class AlertsDock;
class DashboardController;
class DashboardWidget;
class Pipeline;
class SourceHealthDialog;
struct IngestSummary;
class Watchlist;
class QActionGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QSystemTrayIcon;

class QTimer;

// "GitHub Event Monitor": the dashboard, its time controls, menus and status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    struct Preset
    {
        const char *label;
        qint64 minutes;
    };
    static const QList<Preset> &presets();

    // Without a pipeline (a viewer of a shared store), File > Import is disabled.
    MainWindow(DashboardController *dashboard, Pipeline *pipeline, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPollerSnapshot(const PollerSnapshot &snapshot);
    void showArchiveStatus(const ArchiveStatus &status);
    // In place of the poller's state: whose data a viewer shows, or why it cannot.
    void showViewerStatus(const QString &database, const QString &problem = {});
    void setApiAddress(const QString &url);
    void setApiFailed(const QString &message);
    void showEventsStored(qint64 events);
    // What the integrity check found wrong with the store, with the way out; empty: sound.
    void showStoreDamage(const QString &problem);
    // Enables the Watch button and the View > Watched menu.
    void setWatchlist(Watchlist *watchlist);
    // The configuration running now and where each value came from, for Settings and About.
    void setConfiguration(const ConfigResult &configuration) { m_configuration = configuration; }

    // The alerts now, in the Alerts dock and the tray icon's tooltip.
    void showAlerts(const AlertBoard &board);
    // A group's notification: the alerts that newly fire are shown (the tray's message,
    // else the status bar); clicking the message opens their repository.
    void notifyAlerts(const AlertNotification &notification);
    AlertsDock *alertsDock() const { return m_alertsDock; }
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QString repository() const { return m_repository; } // the pull-request panel's

    // The same code as the menu entries, without the file dialogs.
    bool exportMetrics(const QString &path, QString *error) const;
    bool exportImage(const QString &path, QString *error) const;
    void startImport(const QStringList &files);

    static QString describe(const PollerSnapshot &snapshot, const QDateTime &now);
    static QString describe(const ArchiveStatus &status);

    DashboardWidget *dashboard() const { return m_dashboard; }
    QLabel *pollerLabel() const { return m_pollerLabel; }
    QLabel *apiLabel() const { return m_apiLabel; }
    QLabel *archiveLabel() const { return m_archiveLabel; }
    QProgressDialog *importDialog() const { return m_importDialog; }
    QMenu *watchedMenu() const { return m_watchedMenu; }
    void selectWindow(qint64 minutes);
    void setFollowNow(bool follow);

signals:
    void settingsSaved();
    void pollNowRequested();
    // A silence or an alert rule was changed here: the alerts are worth evaluating again.
    void alertSettingsChanged();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createToolBar();
    void createStatusBar();
    void createAlerts();
    void openRepository(const QString &repository);
    void silenceAlerts(const QString &rule, const QString &repository, qint64 seconds);
    void endSilences(const QString &rule, const QString &repository);
    QIcon trayIconFor(qsizetype firing) const;
    QString silencesPath() const;
    QString viewGroup() const;
    void restoreSettings();
    void onData(const DashboardSnapshot &data);
    void showStoreUnavailable(const QString &message);
    void updatePanelMessages();
    void followLink(const QString &link);
    void updateRequest();
    void setCustomRange(qint64 from, qint64 to);
    void clearCustomRange();
    void chooseRange();
    void offerImportedRange(const IngestSummary &summary);
    void updateCountdown();
    void chooseImportFiles();
    void chooseMetricsExport();
    void chooseImageExport();
    void showSettings();
    void showApiReference();
    void showAbout();
    void showSourceHealth();
    void fillWatchedMenu();
    void addScopeBoxes(QToolBar *toolBar);
    void showBudget(const PollerSnapshot &snapshot);
    Scope scope() const;
    void fillScopeBox();
    void showWatchState(const QString &repository);
    void chooseWatched();

    DashboardController *m_controller;
    Pipeline *m_pipeline;
    DashboardWidget *m_dashboard;
    Watchlist *m_watchlist = nullptr;
    QMenu *m_watchedMenu = nullptr;
    QAction *m_watchAction = nullptr;
    QComboBox *m_windowBox;
    QCheckBox *m_followBox;
    QComboBox *m_scopeBox;
    QComboBox *m_botsBox;
    QActionGroup *m_windowActions;
    QAction *m_followAction;
    QLabel *m_pollerLabel;
    QLabel *m_countdownLabel;
    QLabel *m_rateLabel;
    QLabel *m_eventsLabel;
    QLabel *m_apiLabel;
    QLabel *m_archiveLabel;
    QTimer *m_countdown;
    QPointer<QProgressDialog> m_importDialog;
    QPointer<SourceHealthDialog> m_sourceHealth;
    std::optional<DashboardSnapshot> m_lastData;
    PollerSnapshot m_snapshot;
    ConfigResult m_configuration;
    QString m_storeProblem; // why the last load failed; empty once one succeeds
    QString m_storeDamage; // what the integrity check found; empty when sound
    QString m_apiUrl;
    QString m_repository;
    AlertsDock *m_alertsDock = nullptr;
    QMenu *m_viewMenu = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QString m_notifiedRepository; // of the last notification, opened when it is clicked
    QString m_savedScope; // the scope the settings named
    std::optional<TimeWindow> m_customRange; // a chosen range, instead of a preset
    bool m_followChosen = false; // by the user or from settings, so no default applies
};
