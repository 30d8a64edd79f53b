#include "chartpanels.h"

#include "event/repositoryname.h"
#include "event/timeformat.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCompleter>
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

// Which of the rate chart's lines a series draws: its own, or a segment's.
constexpr char lineProperty[] = "rateLine";

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

// The smallest of 1, 2 or 5 times a power of ten at or above `value`, at least 1.
double niceStep(double value)
{
    if (value <= 1)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// Round steps up to the largest value times `room` (a fifth more leaves room for a value
// written after the longest bar): fitted to the data, never twice the largest.
void setFittedRange(QValueAxis *axis, double maximum, double room = 1.0, int ticks = 5)
{
    room = std::max(maximum * room, 5.0);
    const double step = niceStep(room / ticks);
    const double top = std::ceil(room / step) * step;
    if (axis->max() != top)
        axis->setRange(0, top);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
}

// Count labels a plot of this height shows without QtCharts eliding them: one a 28 px,
// two to five.
int labelsThatFit(const QRectF &plot)
{
    return std::clamp(int(plot.height() / 28), 2, 5);
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

// A narrow panel elides a long note in the chart's title: hovering the title shows it whole.
// The view's own tooltip would not do: QGraphicsView answers tooltips from its items.
bool ChartPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        if (m_view->mapToScene(help->pos()).y() < m_chart->plotArea().top()) {
            QToolTip::showText(help->globalPos(), u"<p>%1</p>"_s.arg(title()), m_view);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
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
    m_view->viewport()->installEventFilter(this);
    // Axes, grids and labels change during relayouts: repainting only what QGraphicsView
    // tracks left stale grid fragments behind. A chart redraws at most twice a second.
    m_view->setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    m_view->setAccessibleName(title);
    // Nothing in a chart takes keys: no Tab stop that would show no focus.
    m_view->setFocusPolicy(Qt::NoFocus);
    m_message = new QLabel(m_view);
    m_message->setObjectName(u"panelMessage"_s);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setAutoFillBackground(true);
    m_message->setMargin(8);
    m_message->setFrameShape(QFrame::StyledPanel);
    m_message->hide();
    connect(m_message, &QLabel::linkActivated, this, &ChartPanel::messageLinkActivated);
    connect(m_chart, &QChart::plotAreaChanged, this, &ChartPanel::placeMessage);
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
    placeMessage();
}

// In the middle of the plot area, at most three quarters of its width, so that the axes
// and the legend beside it stay readable.
void ChartPanel::placeMessage()
{
    const QRectF plot = m_chart->plotArea();
    const QRect area = plot.isEmpty()
        ? m_view->rect()
        : m_view->mapFromScene(m_chart->mapToScene(plot)).boundingRect();
    const int width = std::min(area.width() * 3 / 4, 460);
    const int height = m_message->heightForWidth(width);
    m_message->setGeometry(area.center().x() - width / 2, area.center().y() - height / 2, width,
                           height);
}

void ChartPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QWidget::changeEvent(event);
}

BarsPanel::BarsPanel(const QString &title, std::function<QString(const QString &)> label,
                     QWidget *parent)
    : ChartPanel(title, parent)
    , m_bars(new QBarSet(tr("Events")))
    , m_categories(new QBarCategoryAxis)
    , m_values(new QValueAxis)
    , m_label(std::move(label))
{
    auto *series = new QHorizontalBarSeries;
    series->append(m_bars);
    m_chart->addSeries(series);
    // Every bar's number beside it, as text.
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(u"@value"_s);
    series->setLabelsPrecision(15);
    series->setLabelsVisible(true);
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
    return m_lowerBounds.contains(key);
}

void BarsPanel::setBars(const QList<KeyCount> &topFirst)
{
    m_all = topFirst;
    layOut();
}

// Names longer than about 40 % of the panel lose their middle; the tooltip has them whole.
void BarsPanel::layOut()
{
    const QList<KeyCount> &shown = m_all;
    fitLabelFont(int(shown.size()));
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
    setFittedRange(m_values, double(maximum), 1.2);
    // Outside the bars, on the chart's background: the text colour, whatever the theme says.
    m_bars->setLabelColor(palette().color(QPalette::WindowText));
}

// Every bar keeps its name: on a short panel the names and values get a smaller font, down
// to 7 pixels, rather than QtCharts hiding every other name.
void BarsPanel::fitLabelFont(int rows)
{
    static constexpr int chromeHeight = 72; // the title and the count axis below the bars
    const int normal = QFontInfo(font()).pixelSize();
    const int row = (height() - chromeHeight) / std::max(rows, 1);
    QFont labels = font();
    labels.setPixelSize(std::clamp(row - 3, 7, normal));
    if (m_categories->labelsFont() != labels)
        m_categories->setLabelsFont(labels);
    if (m_bars->labelFont() != labels)
        m_bars->setLabelFont(labels);
}

// A theme change resets the bars' label colour: the values keep the text's.
void BarsPanel::changeEvent(QEvent *event)
{
    ChartPanel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        layOut();
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
    : BarsPanel(tr("Events by type"), displayTypeName, parent)
{
}

EventRatePanel::EventRatePanel(QWidget *parent)
    : ChartPanel(tr("Events over time"), parent)
    , m_time(new RoundTimeAxis)
    , m_values(new QValueAxis)
{
    m_chart->legend()->show();
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
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
        line->setProperty(lineProperty, i);
        addLine(line);
        m_lines << line;
    }
    // Over the lines: nothing was measured there.
    m_gaps = new QAreaSeries(new QLineSeries(this), new QLineSeries(this));
    m_gaps->setName(tr("no source"));
    m_gaps->setPen(Qt::NoPen);
    m_chart->addSeries(m_gaps);
    m_gaps->attachAxis(m_time);
    m_gaps->attachAxis(m_values);
}

// A short panel keeps its height for the plot: the legend moves to the side.
void EventRatePanel::resizeEvent(QResizeEvent *event)
{
    ChartPanel::resizeEvent(event);
    m_chart->legend()->setAlignment(height() < 260 ? Qt::AlignRight : Qt::AlignBottom);
    fitTimeTicks();
}

// Round ticks, as many as fit side by side: QtCharts cuts a label that does not fit to
// "...". Only a new width or window lays them out again.
void EventRatePanel::fitTimeTicks()
{
    // Before its first layout (an image painted off screen) the plot's width is estimated.
    const int plot = int(m_chart->plotArea().width());
    const int room = plot > 0 ? plot : std::max(width() - 120, 200);
    if (room == m_ticksWidth && m_ticksWindow.from == m_window.from
        && m_ticksWindow.to == m_window.to)
        return;
    m_ticksWidth = room;
    m_ticksWindow = m_window;
    m_time->setSpan(m_window, room);
    // A label near the plot's right edge is centred on it: room for its right half.
    const QFontMetrics metrics(m_time->labelsFont());
    const int half = metrics.horizontalAdvance(
                         m_time->categoriesLabels().value(m_time->categoriesLabels().size() - 1))
            / 2
        + 4;
    QMargins margins = m_chart->margins();
    if (margins.right() != half) {
        margins.setRight(half);
        m_chart->setMargins(margins);
    }
}

void EventRatePanel::addLine(QLineSeries *series)
{
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(m_values);
    connect(series, &QLineSeries::hovered, this, [this, series](const QPointF &point, bool state) {
        const QString text
            = state ? pointText(series->property(lineProperty).toInt(), point.x()) : QString();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(QCursor::pos(), text);
    });
}

namespace {

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

QLineSeries *EventRatePanel::segment(qsizetype index)
{
    while (m_segments.size() <= index) {
        auto *series = new QLineSeries;
        addLine(series);
        m_chart->legend()->markers(series).value(0)->setVisible(false);
        m_segments << series;
    }
    return m_segments[index];
}

// Each line is drawn in runs between gaps: its first run carries the legend entry, the
// others and the still-filling last stretch (dashed) are segments of the same colour.
void EventRatePanel::setSeries(const RateSeries &rate, const TimeWindow &window)
{
    m_rate = rate;
    m_window = window;
    double maximum = 0;
    qsizetype segments = 0;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        m_lines[i]->setVisible(i < rate.lines.size());
        if (i >= rate.lines.size()) {
            m_lines[i]->clear();
            continue;
        }
        const RateSeries::Line &line = rate.lines[i];
        QPen pen = m_lines[i]->pen();
        pen.setColor(QColor(line.colour));
        pen.setStyle(Qt::SolidLine);
        QList<QList<QPointF>> runs {{}};
        for (qsizetype bucket = 0; bucket < rate.bucketStarts.size(); ++bucket) {
            const std::optional<double> value = rate.rate(line, bucket);
            if (!value) {
                if (!runs.last().isEmpty())
                    runs.append(QList<QPointF>());
                continue;
            }
            maximum = std::max(maximum, *value);
            runs.last() << QPointF(double(rate.bucketStarts[bucket]) * 1000, *value);
        }
        const bool filling = rate.lastBucketFilling && !rate.gaps.value(rate.gaps.size() - 1, true);
        if (filling && runs.last().size() >= 2) {
            QList<QPointF> &run = runs.last();
            runs.append(QList<QPointF> {run[run.size() - 2], run.last()});
            run.removeLast();
        }
        m_lines[i]->setName(plainText(displayTypeName(line.name)));
        m_lines[i]->setPen(pen);
        m_lines[i]->replace(runs.first());
        m_lines[i]->setPointsVisible(runs.first().size() <= 2);
        for (qsizetype run = 1; run < runs.size(); ++run) {
            QLineSeries *series = segment(segments++);
            series->setProperty(lineProperty, int(i));
            QPen runPen = pen;
            if (filling && run == runs.size() - 1)
                runPen.setStyle(Qt::DashLine);
            series->setPen(runPen);
            series->replace(runs[run]);
            series->setPointsVisible(runs[run].size() <= 2);
            series->setVisible(true);
        }
    }
    for (qsizetype unused = segments; unused < m_segments.size(); ++unused) {
        m_segments[unused]->clear();
        m_segments[unused]->setVisible(false);
    }
    fitTimeTicks();
    m_values->setTitleText(
        rate.bucketSeconds == rate.unitSeconds
            ? unitName(rate.unitSeconds)
            : tr("%1, %2").arg(unitName(rate.unitSeconds), bucketName(rate.bucketSeconds)));
    setFittedRange(m_values, maximum);
    QList<qint64> gapStarts;
    QList<qint64> gapEnds;
    for (qsizetype bucket = 0; bucket < rate.gaps.size(); ++bucket) {
        if (rate.gaps[bucket]) {
            gapStarts << rate.bucketStarts[bucket];
            gapEnds << rate.bucketEnds[bucket];
        }
    }
    shadeSpans(m_gaps, gapStarts, gapEnds, window, Qt::BDiagPattern, 0.35f);
}

// The bucket under a hovered point, in words: "Push: 840 / minute, 14:05 (840 events)".
QString EventRatePanel::pointText(int line, double x) const
{
    // The bucket holding the hovered time: the last one starting at or before it.
    const auto after = std::upper_bound(m_rate.bucketStarts.cbegin(), m_rate.bucketStarts.cend(),
                                        qint64(std::llround(x / 1000)));
    const qsizetype bucket = std::max<qsizetype>(after - m_rate.bucketStarts.cbegin() - 1, 0);
    if (line < 0 || line >= m_rate.lines.size() || bucket >= m_rate.bucketStarts.size())
        return {};
    const RateSeries::Line &each = m_rate.lines[line];
    const std::optional<double> rate = m_rate.rate(each, bucket);
    return tr("%1: %2 %3, from %4 (%5 events in %6)")
        .arg(plainText(displayTypeName(each.name)), TimeFormat::count(rate.value_or(0)),
             unitName(m_rate.unitSeconds),
             QDateTime::fromSecsSinceEpoch(m_rate.bucketStarts[bucket]).toString(u"HH:mm:ss"_s),
             TimeFormat::count(double(each.counts[bucket])),
             TimeFormat::duration(double(m_rate.secondsIn(bucket))));
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
    QList<qint64> ends;
    for (const qint64 hour : hourStarts)
        ends << hour + 3600;
    shadeSpans(area, hourStarts, ends, window, Qt::SolidPattern, alpha);
}

// One area over the spans [starts[i], ends[i]), from the axis to the top of the plot.
void EventRatePanel::shadeSpans(QAreaSeries *area, const QList<qint64> &starts,
                                const QList<qint64> &ends, const TimeWindow &window,
                                Qt::BrushStyle style, float alpha)
{
    const double top = m_values->max();
    QList<QPointF> upper;
    for (qsizetype i = 0; i < starts.size(); ++i) {
        const double from = double(std::max(starts[i], window.from)) * 1000;
        const double to = double(std::min(ends[i], window.to)) * 1000;
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
    area->setBrush(QBrush(shade, style));
    area->setVisible(!upper.isEmpty());
    m_chart->legend()->markers(area).value(0)->setVisible(!upper.isEmpty());
}

QList<QLineSeries *> EventRatePanel::series() const
{
    return m_lines.mid(0, m_rate.lines.size());
}

QList<QLineSeries *> EventRatePanel::segments() const
{
    QList<QLineSeries *> used;
    for (QLineSeries *series : m_segments) {
        if (series->isVisible())
            used << series;
    }
    return used;
}

// A theme change resets the series' colours: the types get theirs back.
void EventRatePanel::changeEvent(QEvent *event)
{
    ChartPanel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_rate.lines.isEmpty())
        setSeries(m_rate, m_window);
}

ActiveRepositoriesPanel::ActiveRepositoriesPanel(QWidget *parent)
    : BarsPanel(tr("Most active repositories"), {}, parent)
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
    : ChartPanel(tr("Pull requests"), parent)
    , m_picker(new QLineEdit(this))
    , m_watch(new QPushButton(tr("Watch"), this))
    , m_names(new QStringListModel(this))
    , m_summary(new QLabel(this))
    , m_watchStatus(new QLabel(this))
    , m_timeline(new QScatterSeries)
    , m_time(new RoundTimeAxis)
    , m_values(new QValueAxis)
{
    m_picker->setPlaceholderText(tr("owner/name"));
    m_picker->setClearButtonEnabled(true);
    auto *completer = new QCompleter(m_names, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_picker->setCompleter(completer);
    connect(m_picker, &QLineEdit::returnPressed, this, [this] {
        const QString name = m_picker->text().trimmed();
        if (RepositoryName::isValid(name.section(u'/', 0, 0), name.section(u'/', 1)))
            emit repositoryRequested(name);
        else
            m_summary->setText(
                tr("\"%1\" is not a repository: %2").arg(name, RepositoryName::syntaxHint()));
    });
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
    // Short: the panel is often only a hundred pixels high.
    m_values->setTitleText(tr("PRs"));

    m_watch->setCheckable(true);
    m_watch->setToolTip(tr("Poll this repository's own events and fetch its pull-request history"));
    connect(m_watch, &QPushButton::clicked, this, [this](bool on) {
        const QString name = m_picker->text().trimmed();
        if (on && !RepositoryName::isValid(name.section(u'/', 0, 0), name.section(u'/', 1))) {
            m_watch->setChecked(false);
            m_summary->setText(
                tr("Cannot watch \"%1\": %2").arg(name, RepositoryName::syntaxHint()));
            return;
        }
        emit watchToggled(name, on);
    });
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
    // Not while the user is typing a name.
    if (!m_picker->hasFocus() || !m_picker->isModified())
        m_picker->setText(stats.repository);
    setTitle(stats.repository.isEmpty()
                 ? tr("Pull requests")
                 : tr("Pull requests · %1").arg(plainText(stats.repository)));
    m_summary->setText(summaryOf(stats) + u'\n' + releasesLine(m_releases));
    m_watch->setEnabled(stats.repositoryKnown || !stats.repository.isEmpty());
    QList<QPointF> points;
    for (qsizetype i = 0; i < stats.openedAt.size(); ++i)
        points << QPointF(double(stats.openedAt[i]) * 1000, double(i + 1));
    m_timeline->replace(points);
    // No pull requests: no axes at all, rather than the epoch five times over and counts of
    // nothing.
    m_time->setVisible(!points.isEmpty());
    m_values->setVisible(!points.isEmpty());
    if (!points.isEmpty()) {
        const qint64 first = stats.openedAt.first();
        const qint64 last = std::max(stats.openedAt.last(), first + 60);
        const qint64 margin = (last - first) / 20 + 30;
        const TimeWindow shown {first - margin, last + margin};
        // The plot is about the panel's width less the count axis.
        m_time->setSpan(shown, std::max(width() - 80, 200));
    }
    // The last point below the top, and no more labels than the short plot holds whole.
    setFittedRange(m_values, double(points.size()), 1.05, labelsThatFit(m_chart->plotArea()));
}

void PullRequestPanel::setWatched(bool watched, const QString &status)
{
    m_watch->setChecked(watched);
    m_watch->setText(watched ? tr("Watching") : tr("Watch"));
    // Once the history is the panel's source, its count is the panel's one count.
    const bool counted = m_stats.source == "history"_L1;
    m_watchStatus->setText(watched && !status.isEmpty() && !counted ? tr("Watch: %1").arg(status)
                                                                    : QString());
    m_watchStatus->setVisible(!m_watchStatus->text().isEmpty());
}

StarsPanel::StarsPanel(QWidget *parent)
    : ChartPanel(tr("Stars"), parent)
    , m_days(new QLineSeries)
    , m_time(new RoundTimeAxis)
    , m_values(new QValueAxis)
{
    m_days->setName(tr("stars a day"));
    m_days->setPointsVisible(true);
    m_chart->addSeries(m_days);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_values, Qt::AlignLeft);
    m_days->attachAxis(m_time);
    m_days->attachAxis(m_values);
    m_values->setLabelFormat(u"%d"_s);
    m_values->setTitleText(tr("stars / day"));
    connect(m_days, &QLineSeries::hovered, this, [](const QPointF &point, bool state) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        QToolTip::showText(QCursor::pos(),
                           tr("%1: %2 stars")
                               .arg(QDateTime::fromMSecsSinceEpoch(qint64(point.x()), Qt::UTC)
                                        .toString(u"ddd d MMM yyyy"_s),
                                    TimeFormat::count(point.y())));
    });
}

void StarsPanel::setStars(const StarHistory &stars, const QString &repository)
{
    QList<QPointF> points;
    double most = 0;
    for (const auto &[day, count] : stars.days) {
        points << QPointF(double(day) * 1000, double(count));
        most = std::max(most, double(count));
    }
    m_days->replace(points);
    setTitle(repository.isEmpty() ? tr("Stars") : tr("Stars · %1").arg(plainText(repository)));
    // GitHub's own count where it was read, else the history's sum.
    const QString total = stars.count >= 0
        ? tr("%1 stars on GitHub").arg(TimeFormat::count(double(stars.count)))
        : tr("%1 in the history").arg(TimeFormat::count(double(stars.total)));
    setNote(stars.known ? tr("%1 gained on the window's days · %2")
                              .arg(TimeFormat::count(double(stars.gained)), total)
                : repository.isEmpty() ? QString()
                                       : tr("no star history: watch it to fetch one"));
    m_time->setVisible(!points.isEmpty());
    m_values->setVisible(!points.isEmpty());
    if (!points.isEmpty()) {
        const qint64 first = stars.days.first().first;
        const qint64 last = stars.days.last().first + 86399;
        m_time->setSpan({first, last}, std::max(width() - 80, 200));
    }
    setFittedRange(m_values, most, 1.1, labelsThatFit(m_chart->plotArea()));
}

void PullRequestPanel::setReleases(const ReleaseStats &releases)
{
    m_releases = releases;
    m_summary->setText(summaryOf(m_stats) + u'\n' + releasesLine(m_releases));
}

QString PullRequestPanel::releasesLine(const ReleaseStats &releases)
{
    const qsizetype count = releases.publishedAt.size();
    if (count == 0)
        return tr("No release in this window");
    const QString latest = QDateTime::fromSecsSinceEpoch(releases.publishedAt.last())
                               .toString(u"yyyy-MM-dd HH:mm"_s);
    if (count == 1)
        return tr("1 release in this window, %1").arg(latest);
    return tr("%1 releases in this window · median gap %2 · latest %3")
        .arg(TimeFormat::count(double(count)), TimeFormat::duration(*releases.medianGapSeconds),
             latest);
}

QString PullRequestPanel::summary() const
{
    return m_summary->text();
}

// One count, the window's openings, and where it comes from: the repository's complete
// history when it is watched, else the public feed's sample.
QString PullRequestPanel::summaryOf(const PullRequestStats &stats)
{
    if (!stats.repositoryKnown)
        return stats.repository.isEmpty() ? tr("No repository selected")
                                          : tr("%1: no stored events").arg(stats.repository);
    const bool history = stats.source == "history"_L1;
    QString text = stats.count == 0 ? tr("No pull request opened in this window")
        : stats.count == 1
        ? tr("1 pull request opened in this window: not enough for an average")
        : tr("%1 pull requests opened in this window · average gap %2 · median gap %3")
              .arg(TimeFormat::count(double(stats.count)),
                   TimeFormat::duration(*stats.averageSeconds),
                   TimeFormat::duration(*stats.medianSeconds));
    text += history ? tr(", from its complete history (watched).")
                    : tr(", from the public feed, a sample: watch it for its full history.");
    if (history) {
        text += u'\n' + tr("%1 still open").arg(TimeFormat::count(double(stats.open)));
        if (stats.mergeMedianSeconds)
            text += tr(" · time to merge: median %1, p90 %2")
                        .arg(TimeFormat::duration(*stats.mergeMedianSeconds),
                             TimeFormat::duration(*stats.mergeP90Seconds));
        if (stats.closeMedianSeconds)
            text += tr(" · to first close: median %1")
                        .arg(TimeFormat::duration(*stats.closeMedianSeconds));
    }
    return text;
}
