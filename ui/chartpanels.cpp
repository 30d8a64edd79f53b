#include "chartpanels.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCompleter>
#include <QDateTimeAxis>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QStringListModel>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// 1, 2 or 5 times a power of ten: axis ranges that only change when they must.
double niceCeiling(double value)
{
    if (value <= 5)
        return 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// A category axis for new categories.
QBarCategoryAxis *replaceCategories(QChart *chart, QBarCategoryAxis *old,
                                    const QStringList &categories)
{
    if (old->categories() == categories)
        return old;
    const Qt::Alignment alignment = old->alignment();
    const QList<QAbstractSeries *> series = chart->series();
    chart->removeAxis(old);
    delete old;
    auto *axis = new QBarCategoryAxis;
    axis->append(categories);
    chart->addAxis(axis, alignment);
    for (QAbstractSeries *each : series)
        each->attachAxis(axis);
    return axis;
}

void setNiceRange(QValueAxis *axis, double maximum)
{
    const double ceiling = niceCeiling(maximum);
    if (axis->max() != ceiling)
        axis->setRange(0, ceiling);
    axis->setTickCount(6); // fifths of a 1-2-5 ceiling are round numbers
}

} // namespace

QString formatDuration(double seconds)
{
    if (seconds < 90)
        return QObject::tr("%1 s").arg(qRound(seconds));
    if (seconds < 90 * 60)
        return QObject::tr("%1 min").arg(seconds / 60, 0, 'f', 1);
    if (seconds < 36 * 3600)
        return QObject::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
    return QObject::tr("%1 days").arg(seconds / 86400, 0, 'f', 1);
}

ChartPanel::ChartPanel(const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_view(new QChartView(this))
    , m_chart(new QChart)
{
    applyPalette();
    m_chart->setTitle(title);
    m_chart->legend()->hide();
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view->setChart(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    setMinimumSize(360, 240);
}

// QtCharts has its own colours: follow the application's light or dark palette. A theme
// resets series colours, so this runs before any series exists and on palette changes.
void ChartPanel::applyPalette()
{
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_chart->theme() != theme)
        m_chart->setTheme(theme);
}

void ChartPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QWidget::changeEvent(event);
}

// Bars with their names on the left, counts along the bottom and on hover. The category
// axis is looked up at hover time: setCounts() replaces it.
void ChartPanel::addHorizontalBars(QBarSet *bars, QBarCategoryAxis *categories, QValueAxis *values)
{
    auto *series = new QHorizontalBarSeries;
    series->append(bars);
    m_chart->addSeries(series);
    m_chart->addAxis(categories, Qt::AlignLeft);
    m_chart->addAxis(values, Qt::AlignBottom);
    series->attachAxis(categories);
    series->attachAxis(values);
    values->setLabelFormat(u"%d"_s);
    connect(bars, &QBarSet::hovered, this, [this, bars](bool status, int index) {
        const auto *axis = qobject_cast<QBarCategoryAxis *>(m_chart->axes(Qt::Vertical).value(0));
        if (status && axis)
            QToolTip::showText(QCursor::pos(),
                               u"%1: %2"_s.arg(axis->at(index)).arg(bars->at(index)));
        else
            QToolTip::hideText();
    });
}

EventTypesPanel::EventTypesPanel(QWidget *parent)
    : ChartPanel(tr("Events by type"), parent)
    , m_bars(new QBarSet(tr("Events")))
    , m_categories(new QBarCategoryAxis)
    , m_values(new QValueAxis)
{
    addHorizontalBars(m_bars, m_categories, m_values);
}

void EventTypesPanel::setBars(const QList<KeyCount> &bars)
{
    // Horizontal bars list bottom-up: the most frequent type goes last, on top.
    QStringList names;
    QList<qreal> values;
    qint64 maximum = 0;
    for (auto it = bars.crbegin(); it != bars.crend(); ++it) {
        names << QString(it->key).remove("Event"_L1);
        values << qreal(it->count);
        maximum = std::max(maximum, it->count);
    }
    m_categories = replaceCategories(m_chart, m_categories, names);
    m_bars->remove(0, m_bars->count());
    m_bars->append(values);
    setNiceRange(m_values, double(maximum));
}

QStringList EventTypesPanel::categories() const
{
    return m_categories->categories();
}

EventRatePanel::EventRatePanel(QWidget *parent)
    : ChartPanel(tr("Events per minute"), parent)
    , m_time(new QDateTimeAxis)
    , m_values(new QValueAxis)
{
    m_chart->legend()->show();
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
    m_time->setFormat(u"HH:mm"_s);
    m_values->setLabelFormat(u"%d"_s);
}

void EventRatePanel::setSeries(const RateSeries &rate, const TimeWindow &window)
{
    m_chart->removeAllSeries();
    const double bucketMinutes = double(rate.bucketSeconds) / 60.0;
    double maximum = 0;
    for (const RateSeries::Line &line : rate.lines) {
        auto *series = new QLineSeries;
        series->setPointsVisible(true); // a window of one minute is a single point
        series->setName(QString(line.name).remove("Event"_L1));
        for (qsizetype i = 0; i < rate.bucketStarts.size(); ++i) {
            const double perMinute = double(line.counts[i]) / bucketMinutes;
            series->append(double(rate.bucketStarts[i] * 1000), perMinute);
            maximum = std::max(maximum, perMinute);
        }
        m_chart->addSeries(series);
        series->attachAxis(m_time);
        series->attachAxis(m_values);
    }
    m_time->setRange(QDateTime::fromSecsSinceEpoch(window.from, Qt::UTC),
                     QDateTime::fromSecsSinceEpoch(window.to, Qt::UTC));
    m_time->setFormat(window.to - window.from > 86400 ? u"MM-dd HH:mm"_s : u"HH:mm"_s);
    setNiceRange(m_values, maximum);
}

QList<QLineSeries *> EventRatePanel::series() const
{
    QList<QLineSeries *> lines;
    for (QAbstractSeries *series : m_chart->series())
        lines << static_cast<QLineSeries *>(series);
    return lines;
}

ActiveRepositoriesPanel::ActiveRepositoriesPanel(QWidget *parent)
    : ChartPanel(tr("Most active repositories (click to select)"), parent)
    , m_bars(new QBarSet(tr("Events")))
    , m_categories(new QBarCategoryAxis)
    , m_values(new QValueAxis)
{
    addHorizontalBars(m_bars, m_categories, m_values);
    connect(m_bars, &QBarSet::clicked, this, [this](int index) {
        const qsizetype top = m_repositories.size() - 1 - index;
        if (top >= 0 && top < m_repositories.size())
            emit repositorySelected(m_repositories[top]);
    });
}

void ActiveRepositoriesPanel::setCounts(const QList<KeyCount> &counts)
{
    m_repositories.clear();
    QStringList bottomUp;
    QList<qreal> values;
    qint64 maximum = 0;
    for (auto it = counts.crbegin(); it != counts.crend(); ++it) {
        bottomUp << it->key;
        values << qreal(it->count);
        maximum = std::max(maximum, it->count);
    }
    for (const KeyCount &count : counts)
        m_repositories << count.key;
    m_categories = replaceCategories(m_chart, m_categories, bottomUp);
    m_bars->remove(0, m_bars->count());
    m_bars->append(values);
    setNiceRange(m_values, double(maximum));
}

PullRequestPanel::PullRequestPanel(QWidget *parent)
    : ChartPanel(tr("Pull-request cadence"), parent)
    , m_picker(new QLineEdit(this))
    , m_watch(new QPushButton(tr("Watch"), this))
    , m_names(new QStringListModel(this))
    , m_summary(new QLabel(this))
    , m_timeline(new QScatterSeries)
    , m_time(new QDateTimeAxis)
    , m_values(new QValueAxis)
{
    m_picker->setPlaceholderText(tr("owner/name"));
    m_picker->setClearButtonEnabled(true);
    auto *completer = new QCompleter(m_names, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_picker->setCompleter(completer);
    connect(m_picker, &QLineEdit::returnPressed, this,
            [this] { emit repositoryRequested(m_picker->text().trimmed()); });
    connect(completer, qOverload<const QString &>(&QCompleter::activated), this,
            &PullRequestPanel::repositoryRequested);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_timeline->setName(tr("opened"));
    m_timeline->setMarkerSize(8);
    m_chart->addSeries(m_timeline);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
    m_timeline->attachAxis(m_time);
    m_timeline->attachAxis(m_values);
    m_values->setLabelFormat(u"%d"_s);
    m_values->setTitleText(tr("PR #"));
    m_time->setFormat(u"MM-dd HH:mm"_s);

    m_watch->setCheckable(true);
    m_watch->setToolTip(tr("Poll this repository's own events and fetch its pull-request history"));
    connect(m_watch, &QPushButton::clicked, this,
            [this](bool on) { emit watchToggled(m_picker->text().trimmed(), on); });
    auto *pickerRow = new QHBoxLayout;
    pickerRow->addWidget(m_picker, 1);
    pickerRow->addWidget(m_watch);
    auto *layout = static_cast<QVBoxLayout *>(this->layout());
    layout->insertLayout(0, pickerRow);
    layout->insertWidget(1, m_summary);
}

void PullRequestPanel::setRepositoryNames(const QStringList &names)
{
    if (m_names->stringList() != names)
        m_names->setStringList(names);
}

void PullRequestPanel::setStats(const PullRequestStats &stats)
{
    if (!m_picker->hasFocus())
        m_picker->setText(stats.repository);
    if (!stats.repositoryKnown) {
        m_summary->setText(stats.repository.isEmpty()
                               ? tr("No repository selected")
                               : tr("%1: no stored events").arg(stats.repository));
    } else if (stats.count < 2) {
        m_summary->setText(
            tr("%1 opened pull request(s): not enough for an average").arg(stats.count));
    } else {
        m_summary->setText(
            tr("%1 opened pull requests · average gap %2 · median gap %3")
                .arg(stats.count)
                .arg(formatDuration(*stats.averageSeconds), formatDuration(*stats.medianSeconds)));
    }
    if (stats.source == "history"_L1) {
        QString history = tr("Complete history (watched): %1 open").arg(stats.open);
        if (stats.mergeMedianSeconds)
            history += tr(" · time to merge: median %1, p90 %2")
                           .arg(formatDuration(*stats.mergeMedianSeconds),
                                formatDuration(*stats.mergeP90Seconds));
        m_summary->setText(m_summary->text() + u'\n' + history);
    } else if (stats.repositoryKnown) {
        m_summary->setText(
            m_summary->text() + u'\n'
            + tr("From the public feed, a sample: watch the repository for its full history."));
    }
    m_watch->setEnabled(stats.repositoryKnown || !stats.repository.isEmpty());
    QList<QPointF> points;
    for (qsizetype i = 0; i < stats.openedAt.size(); ++i)
        points << QPointF(double(stats.openedAt[i]) * 1000, double(i + 1));
    m_timeline->replace(points);
    if (!points.isEmpty()) {
        const qint64 first = stats.openedAt.first();
        const qint64 last = std::max(stats.openedAt.last(), first + 60);
        m_time->setRange(QDateTime::fromSecsSinceEpoch(first - 30, Qt::UTC),
                         QDateTime::fromSecsSinceEpoch(last + 30, Qt::UTC));
    }
    setNiceRange(m_values, double(points.size()));
}

void PullRequestPanel::setWatched(bool watched)
{
    m_watch->setChecked(watched);
}

QString PullRequestPanel::summary() const
{
    return m_summary->text();
}
