#include "chartpanels.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCompleter>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
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
    auto *axis = new QBarCategoryAxis;
    axis->setTruncateLabels(old->truncateLabels());
    axis->setLabelsFont(old->labelsFont());
    chart->removeAxis(old);
    delete old;
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

QString plainText(const QString &text)
{
    return text.toHtmlEscaped();
}

QString formatMoment(qint64 epochSeconds)
{
    const QDateTime moment = QDateTime::fromSecsSinceEpoch(epochSeconds).toLocalTime();
    return moment.date() == QDate::currentDate() ? moment.toString(u"HH:mm"_s)
                                                 : QLocale().toString(moment, u"ddd d MMM HH:mm"_s);
}

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

QString localTimeZoneLabel()
{
    const QDateTime now = QDateTime::currentDateTime();
    const int offset = now.offsetFromUtc();
    if (offset == 0)
        return u"UTC"_s;
    return u"%1, UTC%2%3:%4"_s.arg(now.timeZoneAbbreviation(), offset < 0 ? u"-"_s : u"+"_s)
        .arg(std::abs(offset) / 3600, 2, 10, QChar(u'0'))
        .arg(std::abs(offset) % 3600 / 60, 2, 10, QChar(u'0'));
}

QString displayTypeName(const QString &type)
{
    return type.endsWith("Event"_L1) ? type.chopped(5) : type;
}

void ChartPanel::setTitle(const QString &title)
{
    m_title = title;
    m_chart->setTitle(this->title());
}

void ChartPanel::setNote(const QString &note)
{
    m_note = note;
    m_chart->setTitle(title());
}

QString ChartPanel::title() const
{
    return m_note.isEmpty() ? m_title : tr("%1 · %2").arg(m_title, m_note);
}

ChartPanel::ChartPanel(const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_view(new QChartView(this))
    , m_chart(new QChart)
{
    applyPalette();
    setTitle(title);
    m_chart->legend()->hide();
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setBackgroundRoundness(0);
    m_view->setChart(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    // Axes, grids and labels change during relayouts: repainting only what QGraphicsView
    // tracks left stale grid fragments behind. A chart redraws at most twice a second.
    m_view->setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    m_view->setAccessibleName(title);
    m_message = new QLabel(m_view);
    m_message->setObjectName(u"panelMessage"_s);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setAutoFillBackground(true);
    m_message->setMargin(8);
    m_message->setFrameShape(QFrame::StyledPanel);
    m_message->hide();
    connect(m_message, &QLabel::linkActivated, this, &ChartPanel::messageLinkActivated);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    setMinimumSize(300, 180);
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

void ChartPanel::setMessage(const QString &message)
{
    if (m_message->text() == message && m_message->isVisible() == !message.isEmpty())
        return;
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    resizeEvent(nullptr);
}

QString ChartPanel::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ChartPanel::resizeEvent(QResizeEvent *event)
{
    if (event)
        QWidget::resizeEvent(event);
    // In the middle of the chart, at most three quarters of its width.
    const int width = std::min(m_view->width() * 3 / 4, 460);
    const int height = m_message->heightForWidth(width);
    m_message->setGeometry((m_view->width() - width) / 2, (m_view->height() - height) / 2, width,
                           height);
}

void ChartPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QWidget::changeEvent(event);
}

BarsPanel::BarsPanel(const QString &title, std::function<QString(const QString &)> label,
                     const QString &other, QWidget *parent)
    : ChartPanel(title, parent)
    , m_bars(new QBarSet(tr("Events")))
    , m_categories(new QBarCategoryAxis)
    , m_values(new QValueAxis)
    , m_label(std::move(label))
    , m_other(other)
{
    auto *series = new QHorizontalBarSeries;
    series->append(m_bars);
    m_chart->addSeries(series);
    m_chart->addAxis(m_categories, Qt::AlignLeft);
    m_chart->addAxis(m_values, Qt::AlignBottom);
    series->attachAxis(m_categories);
    series->attachAxis(m_values);
    m_values->setLabelFormat(u"%d"_s);
    // QtCharts cuts a label to "..." whenever its layout runs short; layOut() shortens
    // long names itself, in the middle.
    m_categories->setTruncateLabels(false);
    connect(m_bars, &QBarSet::hovered, this, [this](bool status, int index) {
        if (!status || index >= m_names.size()) {
            QToolTip::hideText();
            return;
        }
        const QString count = QString::number(qint64(m_bars->at(index)));
        QToolTip::showText(
            QCursor::pos(),
            isLowerBound(m_names[index])
                ? tr("%1: at least %2 (a lower bound: this type is missing from the sampled "
                     "feed far more than chance allows)")
                      .arg(plainText(m_names[index]), count)
                : u"%1: %2"_s.arg(plainText(m_names[index]), count));
    });
}

void BarsPanel::setLowerBounds(const QStringList &keys)
{
    m_lowerBounds = keys;
    layOut();
}

bool BarsPanel::isLowerBound(const QString &key) const
{
    if (m_lowerBounds.contains(key))
        return true;
    if (key != m_other)
        return false;
    const QList<KeyCount> shown = fitting();
    return std::any_of(m_all.cbegin() + std::min(shown.size() - 1, m_all.size()), m_all.cend(),
                       [this](const KeyCount &count) { return m_lowerBounds.contains(count.key); });
}

void BarsPanel::setBars(const QList<KeyCount> &topFirst)
{
    m_all = topFirst;
    layOut();
}

// The bars that have rows tall enough for their labels. Measured on the panel, not the
// chart's plot area: the plot area follows the bars, and would feed back.
QList<KeyCount> BarsPanel::fitting() const
{
    const qsizetype rows = std::max((height() - chromeHeight) / minRowHeight, 2);
    if (m_all.size() <= rows)
        return m_all;
    if (m_other.isEmpty())
        return m_all.mid(0, rows);
    QList<KeyCount> shown = m_all.mid(0, rows - 1);
    KeyCount rest {m_other, 0};
    for (qsizetype i = rows - 1; i < m_all.size(); ++i)
        rest.count += m_all[i].count;
    shown << rest;
    return shown;
}

// Names longer than about 40 % of the panel lose their middle; the tooltip has them whole.
void BarsPanel::layOut()
{
    const QList<KeyCount> shown = fitting();
    const QFontMetrics metrics(m_categories->labelsFont());
    const int room = std::max(width() * 2 / 5, 120);
    QStringList names;
    QStringList labels;
    QList<qreal> counts;
    qint64 maximum = 0;
    for (auto it = shown.crbegin(); it != shown.crend(); ++it) {
        const QString mark = isLowerBound(it->key) ? u"≥ "_s : QString();
        const QString label = mark
            + plainText(metrics.elidedText(m_label ? m_label(it->key) : it->key, Qt::ElideMiddle,
                                           room));
        // Categories must stay distinct.
        labels << (labels.contains(label) ? plainText(it->key) : label);
        names << it->key;
        counts << qreal(it->count);
        maximum = std::max(maximum, it->count);
    }
    m_names = names;
    m_categories = replaceCategories(m_chart, m_categories, labels);
    // Values change in place while the bars stay the same, so a tooltip stays up.
    if (m_bars->count() == counts.size()) {
        for (int i = 0; i < counts.size(); ++i)
            m_bars->replace(i, counts[i]);
    } else {
        m_bars->remove(0, m_bars->count());
        m_bars->append(counts);
    }
    setNiceRange(m_values, double(maximum));
}

QStringList BarsPanel::categories() const
{
    return m_categories->categories();
}

void BarsPanel::resizeEvent(QResizeEvent *event)
{
    ChartPanel::resizeEvent(event);
    layOut();
}

EventTypesPanel::EventTypesPanel(QWidget *parent)
    : BarsPanel(tr("Events by type"), displayTypeName, DashboardSnapshot::otherName(), parent)
{
}

EventRatePanel::EventRatePanel(QWidget *parent)
    : ChartPanel(tr("Events over time"), parent)
    , m_time(new QDateTimeAxis)
    , m_values(new QValueAxis)
{
    m_chart->legend()->show();
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
    m_time->setTickCount(6);
    m_values->setLabelFormat(u"%d"_s);
    connect(m_chart, &QChart::plotAreaChanged, this, &EventRatePanel::fitTimeTicks);
    m_sampled = new QAreaSeries(new QLineSeries(this), new QLineSeries(this));
    m_sampled->setName(tr("sampled"));
    m_settling = new QAreaSeries(new QLineSeries(this), new QLineSeries(this));
    m_settling->setName(tr("settling"));
    for (QAreaSeries *area : {m_sampled, m_settling}) {
        area->setPen(Qt::NoPen);
        m_chart->addSeries(area);
        area->attachAxis(m_time);
        area->attachAxis(m_values);
    }
    for (int i = 0; i <= RateSeries::majorTypes; ++i) {
        auto *line = new QLineSeries;
        addLine(line);
        m_lines << line;
        auto *partial = new QLineSeries;
        addLine(partial);
        m_partial << partial;
    }
}

// A short panel keeps its height for the plot: the legend moves to the side.
void EventRatePanel::resizeEvent(QResizeEvent *event)
{
    ChartPanel::resizeEvent(event);
    m_chart->legend()->setAlignment(height() < 260 ? Qt::AlignRight : Qt::AlignBottom);
    fitTimeTicks();
}

// As many time labels as fit side by side, 3 to 7: QtCharts cuts a label that does not
// fit to "...".
void EventRatePanel::fitTimeTicks()
{
    const QFontMetrics metrics(m_time->labelsFont());
    const int label = metrics.horizontalAdvance(m_time->min().toString(m_time->format())) + 24;
    const int room = int(m_chart->plotArea().width());
    const int ticks = std::clamp(room / std::max(label, 1) + 1, 3, 7);
    if (m_time->tickCount() != ticks)
        m_time->setTickCount(ticks);
    // The last label is centred on the plot's right edge: room for its right half.
    QMargins margins = m_chart->margins();
    if (margins.right() != label / 2) {
        margins.setRight(label / 2);
        m_chart->setMargins(margins);
    }
}

void EventRatePanel::addLine(QLineSeries *series)
{
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(m_values);
}

namespace {

// Labels that fit the span: seconds, minutes, then days; the year once the span crosses
// one, so that no two ticks read alike.
QString timeFormat(const TimeWindow &window)
{
    const qint64 span = window.to - window.from;
    const QDate first = QDateTime::fromSecsSinceEpoch(window.from).date();
    const QDate last = QDateTime::fromSecsSinceEpoch(window.to).date();
    const QString year = first.year() != last.year() ? u"yyyy-"_s : QString();
    if (span > 400 * 86400)
        return u"yyyy-MM"_s;
    if (span > 14 * 86400)
        return year + u"MM-dd"_s;
    if (span > 86400 || first != last)
        return year + u"MM-dd HH:mm"_s;
    return span <= 10 * 60 ? u"HH:mm:ss"_s : u"HH:mm"_s;
}

QString unitName(qint64 unitSeconds)
{
    return unitSeconds == 60  ? QObject::tr("events / minute")
        : unitSeconds == 3600 ? QObject::tr("events / hour")
                              : QObject::tr("events / day");
}

QString bucketName(qint64 seconds)
{
    return seconds % 86400 == 0 ? QObject::tr("%n-day buckets", nullptr, int(seconds / 86400))
        : seconds % 3600 == 0   ? QObject::tr("%n-hour buckets", nullptr, int(seconds / 3600))
                                : QObject::tr("%n-minute buckets", nullptr, int(seconds / 60));
}

} // namespace

void EventRatePanel::setSeries(const RateSeries &rate, const TimeWindow &window)
{
    const qsizetype complete = rate.bucketStarts.size() - (rate.lastBucketPartial ? 1 : 0);
    double maximum = 0;
    m_used = rate.lines.size();
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        QList<QPointF> points;
        QList<QPointF> partial;
        if (i < rate.lines.size()) {
            const RateSeries::Line &line = rate.lines[i];
            for (qsizetype bucket = 0; bucket < rate.bucketStarts.size(); ++bucket) {
                const QPointF point(double(rate.bucketStarts[bucket]) * 1000,
                                    rate.rate(line, bucket));
                maximum = std::max(maximum, point.y());
                (bucket < complete ? points : partial) << point;
            }
            if (!partial.isEmpty() && !points.isEmpty())
                partial.prepend(points.last());
            m_lines[i]->setName(plainText(displayTypeName(line.name)));
        }
        m_lines[i]->replace(points);
        m_partial[i]->replace(partial);
        QPen dashed = m_lines[i]->pen(); // the line's colour, which the theme may change
        dashed.setStyle(Qt::DashLine);
        m_partial[i]->setPen(dashed);
        m_lines[i]->setVisible(i < rate.lines.size());
        m_partial[i]->setVisible(i < rate.lines.size());
        m_chart->legend()->markers(m_partial[i]).value(0)->setVisible(false);
        // A lone point needs a marker to be seen at all.
        m_lines[i]->setPointsVisible(points.size() <= 2);
    }
    m_time->setRange(QDateTime::fromSecsSinceEpoch(window.from),
                     QDateTime::fromSecsSinceEpoch(window.to));
    m_time->setFormat(timeFormat(window));
    fitTimeTicks();
    setTitle(tr("Events over time (%1)").arg(localTimeZoneLabel()));
    m_values->setTitleText(
        rate.bucketSeconds == rate.unitSeconds
            ? unitName(rate.unitSeconds)
            : tr("%1, %2").arg(unitName(rate.unitSeconds), bucketName(rate.bucketSeconds)));
    setNiceRange(m_values, maximum);
}

// One area over every sampled stretch, from the axis to the top of the plot.
void EventRatePanel::setCoverage(const QList<HourCoverage> &coverage, const TimeWindow &window,
                                 const QList<qint64> &settlingHourStarts)
{
    QList<qint64> sampled;
    for (const HourCoverage &hour : coverage) {
        if (!hour.complete && !settlingHourStarts.contains(hour.hour))
            sampled << hour.hour;
    }
    shadeHours(m_sampled, sampled, window, 0.07f);
    shadeHours(m_settling, settlingHourStarts, window, 0.18f);
}

void EventRatePanel::shadeHours(QAreaSeries *area, const QList<qint64> &hourStarts,
                                const TimeWindow &window, float alpha)
{
    const double top = m_values->max();
    QList<QPointF> upper;
    for (const qint64 hour : hourStarts) {
        const double from = double(std::max(hour, window.from)) * 1000;
        const double to = double(std::min(hour + 3600, window.to)) * 1000;
        if (!upper.isEmpty() && upper.last().x() == from) {
            upper.removeLast(); // the stretch goes on
            upper.last().setX(to);
        } else {
            upper << QPointF(from, 0) << QPointF(from, top) << QPointF(to, top);
        }
        upper << QPointF(to, 0);
    }
    area->upperSeries()->replace(upper);
    area->lowerSeries()->replace(
        {QPointF(double(window.from) * 1000, 0), QPointF(double(window.to) * 1000, 0)});
    QColor shade = palette().color(QPalette::Text);
    shade.setAlphaF(alpha);
    area->setBrush(shade);
    area->setVisible(!upper.isEmpty());
    m_chart->legend()->markers(area).value(0)->setVisible(!upper.isEmpty());
}

QList<QLineSeries *> EventRatePanel::series() const
{
    return m_lines.mid(0, m_used);
}

ActiveRepositoriesPanel::ActiveRepositoriesPanel(QWidget *parent)
    : BarsPanel(tr("Most active repositories"), {}, {}, parent)
{
    m_view->setToolTip(tr("Click a bar to see the repository's pull requests"));
    connect(bars(), &QBarSet::clicked, this, [this](int index) {
        const qsizetype top = m_repositories.size() - 1 - index;
        if (top >= 0 && top < m_repositories.size())
            emit repositorySelected(m_repositories[top]);
    });
}

void ActiveRepositoriesPanel::setCounts(const QList<KeyCount> &counts)
{
    m_repositories.clear();
    for (const KeyCount &count : counts)
        m_repositories << count.key;
    setBars(counts);
}

PullRequestPanel::PullRequestPanel(QWidget *parent)
    : ChartPanel(tr("Pull-request cadence"), parent)
    , m_picker(new QLineEdit(this))
    , m_watch(new QPushButton(tr("Watch"), this))
    , m_names(new QStringListModel(this))
    , m_summary(new QLabel(this))
    , m_watchStatus(new QLabel(this))
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
    // Both name repositories and carry GitHub's words: never rich text.
    m_summary->setTextFormat(Qt::PlainText);
    m_watchStatus->setTextFormat(Qt::PlainText);

    m_timeline->setName(tr("opened"));
    // Which pull request a point is, on hover: its number where the history has it.
    connect(m_timeline, &QScatterSeries::hovered, this, [this](const QPointF &point, bool state) {
        const qsizetype index = qsizetype(point.y()) - 1;
        if (!state || index < 0 || index >= m_stats.openedAt.size()) {
            QToolTip::hideText();
            return;
        }
        const QString when = QDateTime::fromSecsSinceEpoch(m_stats.openedAt[index])
                                 .toString(u"yyyy-MM-dd HH:mm"_s);
        QToolTip::showText(
            QCursor::pos(),
            index < m_stats.numbers.size()
                ? tr("#%1 opened %2 (%3 of %4)")
                      .arg(m_stats.numbers[index])
                      .arg(when)
                      .arg(index + 1)
                      .arg(m_stats.openedAt.size())
                : tr("Opened %1 (%2 of %3)").arg(when).arg(index + 1).arg(m_stats.openedAt.size()));
    });
    m_timeline->setMarkerSize(8);
    m_chart->addSeries(m_timeline);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
    m_timeline->attachAxis(m_time);
    m_timeline->attachAxis(m_values);
    m_values->setLabelFormat(u"%d"_s);
    m_values->setTitleText(tr("opened (cumulative)"));
    m_time->setTickCount(5);

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
    layout->insertWidget(2, m_watchStatus);
    m_watchStatus->setWordWrap(true);
    m_watchStatus->hide();
    m_picker->setAccessibleName(tr("Repository"));
}

void PullRequestPanel::setControlsVisible(bool visible)
{
    m_picker->setVisible(visible);
    m_watch->setVisible(visible);
}

void PullRequestPanel::setRepositoryNames(const QStringList &names)
{
    if (m_names->stringList() != names)
        m_names->setStringList(names);
}

void PullRequestPanel::setStats(const PullRequestStats &stats)
{
    m_stats = stats;
    if (!m_picker->hasFocus())
        m_picker->setText(stats.repository);
    if (!stats.repositoryKnown) {
        m_summary->setText(stats.repository.isEmpty()
                               ? tr("No repository selected")
                               : tr("%1: no stored events").arg(stats.repository));
    } else if (stats.count == 0) {
        m_summary->setText(tr("No opened pull requests stored for %1").arg(stats.repository));
    } else if (stats.count < 2) {
        m_summary->setText(tr("One opened pull request: not enough for an average"));
    } else {
        m_summary->setText(
            tr("%1 opened pull requests · average gap %2 · median gap %3")
                .arg(stats.count)
                .arg(formatDuration(*stats.averageSeconds), formatDuration(*stats.medianSeconds)));
    }
    if (stats.source == "history"_L1) {
        QString history = tr("Complete history (watched), pull requests opened in the last %n "
                             "day(s): %1 open",
                             nullptr, stats.horizonDays)
                              .arg(stats.open);
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
    // No pull requests: no time axis at all, rather than the epoch five times over.
    m_time->setVisible(!points.isEmpty());
    if (!points.isEmpty()) {
        const qint64 first = stats.openedAt.first();
        const qint64 last = std::max(stats.openedAt.last(), first + 60);
        const qint64 margin = (last - first) / 20 + 30;
        const TimeWindow shown {first - margin, last + margin};
        m_time->setRange(QDateTime::fromSecsSinceEpoch(shown.from),
                         QDateTime::fromSecsSinceEpoch(shown.to));
        m_time->setFormat(timeFormat(shown));
    }
    setNiceRange(m_values, double(points.size()) * 1.05); // the last point below the top
}

void PullRequestPanel::setWatched(bool watched, const QString &status)
{
    m_watch->setChecked(watched);
    m_watch->setText(watched ? tr("Watching") : tr("Watch"));
    m_watchStatus->setText(watched && !status.isEmpty() ? tr("Watch: %1").arg(status) : QString());
    m_watchStatus->setVisible(!m_watchStatus->text().isEmpty());
}

QString PullRequestPanel::summary() const
{
    return m_summary->text();
}
