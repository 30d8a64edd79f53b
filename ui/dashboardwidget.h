#pragma once

#include "query/dashboardsnapshot.h"

#include <QWidget>

class ActiveRepositoriesPanel;
class ChartPanel;
class EventFeedFilter;
class EventFeedModel;
class EventRatePanel;
class EventTypesPanel;
class PullRequestPanel;
class StarsPanel;
class QComboBox;
class QLineEdit;
class QSplitter;
class QTableView;

// The four chart panels and the live event feed, showing one DashboardSnapshot.
class DashboardWidget : public QWidget
{
    Q_OBJECT

public:
    explicit DashboardWidget(QWidget *parent = nullptr);

    void setData(const DashboardSnapshot &data);
    void setRepositoryNames(const QStringList &names);
    const DashboardSnapshot &data() const { return m_data; }

    EventTypesPanel *eventTypes() const { return m_eventTypes; }
    EventRatePanel *eventRate() const { return m_eventRate; }
    ActiveRepositoriesPanel *activeRepositories() const { return m_activeRepositories; }
    PullRequestPanel *pullRequests() const { return m_pullRequests; }
    StarsPanel *stars() const { return m_stars; }
    EventFeedModel *feed() const { return m_feed; }
    QComboBox *typeFilter() const { return m_typeFilter; }

    // The same message over every panel (see ChartPanel::setMessage); empty hides it.
    void setPanelMessage(const QString &message);

    // The splitter and the feed's columns, to keep per data directory.
    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &layout);

    // The panel of one of DashboardSnapshot::panelNames(), or null.
    QTableView *feedTable() const { return m_table; }
    QWidget *panel(const QString &name) const;

    // "complete", or "sampled: about N % of GitHub": after the titles of the panels whose
    // numbers depend on it.
    static QString coverageNote(const DashboardSnapshot &data);
    static QString watchedNote(const DashboardSnapshot &data);
    static QString sampleNote(const DashboardSnapshot &data);

signals:
    void repositorySelected(const QString &repository);
    void watchRequested(const QString &repository);
    void messageLinkActivated(const QString &link);

private:
    void showFeedMenu(const QPoint &position);
    void setFeed(const QList<EventRow> &events);
    QList<ChartPanel *> panels() const; // in the order of DashboardSnapshot::panelNames()

    EventTypesPanel *m_eventTypes;
    EventRatePanel *m_eventRate;
    ActiveRepositoriesPanel *m_activeRepositories;
    PullRequestPanel *m_pullRequests;
    StarsPanel *m_stars;
    EventFeedModel *m_feed;
    EventFeedFilter *m_filter;
    QTableView *m_table;
    QComboBox *m_typeFilter;
    QLineEdit *m_textFilter;
    QSplitter *m_splitter;
    DashboardSnapshot m_data;
};
