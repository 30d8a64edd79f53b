#pragma once

#include "query/dashboardsnapshot.h"
#include "roundtimeaxis.h"

#include <QWidget>

#include <functional>

class QAbstractAxis;
class QBarCategoryAxis;
class QBarSet;
class QChart;
class QChartView;
class QCompleter;
class QLabel;
class QLineEdit;
class QAreaSeries;
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
    // A state over the chart (empty, offline, rate-limited...); rich text, whose links
    // come back as messageLinkActivated(). Empty hides it.
    void setMessage(const QString &message);
    QString message() const;
    // The title, and a note after it (how complete the numbers are).
    void setTitle(const QString &title);
    void setNote(const QString &note);
    QString title() const;

signals:
    void messageLinkActivated(const QString &link);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void applyPalette();

    QChartView *m_view;
    QChart *m_chart;

private:
    void placeMessage();

    QLabel *m_message;
    QString m_title;
    QString m_note;
};

// Horizontal bars as the snapshot shaped them, the first on top, their names on the left
// and whole in the tooltip, each count written after its bar. The panel is tall enough for
// every bar the snapshot gives (at most ten).
class BarsPanel : public ChartPanel
{
    Q_OBJECT

public:
    // `label` shortens a name for the axis; null keeps it.
    BarsPanel(const QString &title, std::function<QString(const QString &)> label,
              QWidget *parent = nullptr);
    void setBars(const QList<KeyCount> &topFirst);
    // Bars whose counts are lower bounds: their labels start with "≥", their tooltips say
    // "at least".
    void setLowerBounds(const QStringList &keys);
    bool isLowerBound(const QString &key) const;
    QBarSet *bars() const { return m_bars; }
    QStringList categories() const; // bottom-up, as drawn
    QStringList names() const { return m_names; } // bottom-up, whole

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void layOut();
    void fitLabelFont(int rows);

    QBarSet *m_bars;
    QBarCategoryAxis *m_categories;
    QValueAxis *m_values;
    std::function<QString(const QString &)> m_label;
    QList<KeyCount> m_all; // top first, as given
    QStringList m_lowerBounds;
    QStringList m_names; // bottom-up, whole, as drawn
};

// 1. Events by type: bars, most frequent on top, counts on hover.
class EventTypesPanel : public BarsPanel
{
    Q_OBJECT

public:
    explicit EventTypesPanel(QWidget *parent = nullptr);
};

// 2. Events over time: one line per major type, the rest as "Other", each in its type's
// colour, in the unit the bucket allows (per minute, hour or day). Lines break at gaps (no
// source measured them), which are hatched; a window ending now draws its still-filling
// last bucket dashed. Hours counted from the live feed alone (sampled) are shaded.
class EventRatePanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit EventRatePanel(QWidget *parent = nullptr);
    void setSeries(const RateSeries &rate, const TimeWindow &window);
    // After setSeries(): shades the window's sampled hours, and apart from them the hours
    // still settling (late events may still arrive).
    void setCoverage(const QList<HourCoverage> &coverage, const TimeWindow &window,
                     const QList<qint64> &settlingHourStarts = {});
    QAreaSeries *sampled() const { return m_sampled; }
    QAreaSeries *settling() const { return m_settling; }
    QAreaSeries *gaps() const { return m_gaps; }
    QList<QLineSeries *> series() const; // the lines in use, biggest type first
    // The runs after each line's first, and the dashed filling stretch, in use.
    QList<QLineSeries *> segments() const;
    // A hovered point's tooltip: the bucket's rate, start, events and length, for the
    // `line`th line (biggest type first) at time `x` (epoch milliseconds).
    QString pointText(int line, double x) const;
    RoundTimeAxis *timeAxis() const { return m_time; }
    QValueAxis *valueAxis() const { return m_values; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void addLine(QLineSeries *series);
    QLineSeries *segment(qsizetype index);
    void fitTimeTicks();
    // Shades the hours with `area`, in `alpha` of the text colour.
    void shadeHours(QAreaSeries *area, const QList<qint64> &hourStarts, const TimeWindow &window,
                    float alpha);
    void shadeSpans(QAreaSeries *area, const QList<qint64> &starts, const QList<qint64> &ends,
                    const TimeWindow &window, Qt::BrushStyle style, float alpha);

    RoundTimeAxis *m_time;
    QValueAxis *m_values;
    QList<QLineSeries *> m_lines; // made once; a chart's series are never removed
    QList<QLineSeries *> m_segments; // a pool, made as needed, never removed
    QAreaSeries *m_sampled; // the sampled hours, under the lines
    QAreaSeries *m_settling; // the hours whose late events may still arrive
    QAreaSeries *m_gaps; // no source, over the lines
    RateSeries m_rate;
    TimeWindow m_window;
    TimeWindow m_ticksWindow; // what the ticks were laid out for
    int m_ticksWidth = -1;
};

// 3. Most active repositories as horizontal bars; a click selects one.
class ActiveRepositoriesPanel : public BarsPanel
{
    Q_OBJECT

public:
    explicit ActiveRepositoriesPanel(QWidget *parent = nullptr);
    void setCounts(const QList<KeyCount> &counts);
    QStringList repositories() const { return m_repositories; }

signals:
    void repositorySelected(const QString &repository);

private:
    QStringList m_repositories; // top first; the chart lists them bottom-up
};

// 4. The pull requests of one repository opened in the window, named in the title: picker,
// one count with its source, average and median gap, timeline.
class PullRequestPanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit PullRequestPanel(QWidget *parent = nullptr);
    void setStats(const PullRequestStats &stats);
    // The same repository's releases in the window, a line under the pull requests.
    void setReleases(const ReleaseStats &releases);
    void setRepositoryNames(const QStringList &names);
    QString summary() const;
    static QString summaryOf(const PullRequestStats &stats);
    static QString releasesLine(const ReleaseStats &releases);
    QScatterSeries *timeline() const { return m_timeline; }
    QLineEdit *picker() const { return m_picker; }
    QPushButton *watchButton() const { return m_watch; }
    // The Watch button's state, and the watch list's word on its history (an error...).
    void setWatched(bool watched, const QString &status = {});
    // The picker and the Watch button; hidden in images, where they could not be used.
    void setControlsVisible(bool visible);

signals:
    void repositoryRequested(const QString &repository);
    void watchToggled(const QString &repository, bool watch);

private:
    QLineEdit *m_picker;
    QPushButton *m_watch;
    QStringListModel *m_names;
    QLabel *m_summary;
    QLabel *m_watchStatus;
    PullRequestStats m_stats;
    ReleaseStats m_releases;
    QScatterSeries *m_timeline;
    RoundTimeAxis *m_time;
    QValueAxis *m_values;
};

// Text from GitHub or a file, made safe where Qt would read rich text (chart labels,
// legends, titles, tooltips): shown as written, never styled, never loading a resource.
QString plainText(const QString &text);

// 5. Stars of the pull-request panel's repository, from its star history: the stars given
// on each day the window touches, with the window's gain and the total in the title.
class StarsPanel : public ChartPanel
{
    Q_OBJECT

public:
    explicit StarsPanel(QWidget *parent = nullptr);
    void setStars(const StarHistory &stars, const QString &repository);
    QLineSeries *days() const { return m_days; }

private:
    QLineSeries *m_days;
    RoundTimeAxis *m_time;
    QValueAxis *m_values;
};
// A coming time in local time: "14:05" today, "Sat 12 Dec 04:00" on another day.
QString formatMoment(qint64 epochSeconds);
// The time zone the axes use (the computer's): "UTC", or "CET, UTC+01:00".
QString localTimeZoneLabel();
// An event type as the window names it: "Push" for PushEvent, in charts, feed and filter.
QString displayTypeName(const QString &type);
