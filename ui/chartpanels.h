#pragma once

#include "dashboardsnapshot.h"

#include <QWidget>

class QAbstractAxis;
class QBarCategoryAxis;
class QBarSet;
class QChart;
class QChartView;
class QCompleter;
class QDateTimeAxis;
class QLabel;
class QLineEdit;
class QLineSeries;
class QPushButton;
class QScatterSeries;
class QStringListModel;
class QValueAxis;

// A titled QtCharts chart; the base of every dashboard panel.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ChartPanel(const QString &title, QWidget *parent = nullptr);
    QChart *chart() const { return m_chart; }

protected:
    void changeEvent(QEvent *event) override;
    void applyPalette();
    void addHorizontalBars(QBarSet *bars, QBarCategoryAxis *categories, QValueAxis *values);

    QChartView *m_view;
    QChart *m_chart;
};

// 1. Events by type: bars, most frequent on top, counts on hover.
class EventTypesPanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit EventTypesPanel(QWidget *parent = nullptr);
    void setBars(const QList<KeyCount> &bars); // most frequent first
    QBarSet *bars() const { return m_bars; }
    QStringList categories() const; // bottom-up, as drawn

private:
    QBarSet *m_bars;
    QBarCategoryAxis *m_categories;
    QValueAxis *m_values;
};

// 2. Events per minute over time: one line per major type, the rest as "Other".
class EventRatePanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit EventRatePanel(QWidget *parent = nullptr);
    void setSeries(const RateSeries &rate, const TimeWindow &window);
    QList<QLineSeries *> series() const;

private:
    QDateTimeAxis *m_time;
    QValueAxis *m_values;
};

// 3. Most active repositories as horizontal bars; a click selects one.
class ActiveRepositoriesPanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit ActiveRepositoriesPanel(QWidget *parent = nullptr);
    void setCounts(const QList<KeyCount> &counts);
    QBarSet *bars() const { return m_bars; }
    QStringList repositories() const { return m_repositories; }

signals:
    void repositorySelected(const QString &repository);

private:
    QBarSet *m_bars;
    QBarCategoryAxis *m_categories;
    QValueAxis *m_values;
    QStringList m_repositories; // top first; the chart lists them bottom-up
};

// 4. Pull-request cadence of one repository: picker, average and median gap, timeline.
class PullRequestPanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit PullRequestPanel(QWidget *parent = nullptr);
    void setStats(const PullRequestStats &stats);
    void setRepositoryNames(const QStringList &names);
    QString summary() const;
    QScatterSeries *timeline() const { return m_timeline; }
    QLineEdit *picker() const { return m_picker; }
    QPushButton *watchButton() const { return m_watch; }
    void setWatched(bool watched);

signals:
    void repositoryRequested(const QString &repository);
    void watchToggled(const QString &repository, bool watch);

private:
    QLineEdit *m_picker;
    QPushButton *m_watch;
    QStringListModel *m_names;
    QLabel *m_summary;
    QScatterSeries *m_timeline;
    QDateTimeAxis *m_time;
    QValueAxis *m_values;
};

QString formatDuration(double seconds);
