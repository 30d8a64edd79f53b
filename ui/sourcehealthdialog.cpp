#include "sourcehealthdialog.h"

#include "event/timeformat.h"

#include "chartpanels.h"
#include "event/feedhealth.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <map>

using namespace Qt::StringLiterals;

namespace {

QTableWidgetItem *cell(const QString &text, Qt::Alignment alignment = Qt::AlignRight)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(alignment | Qt::AlignVCenter);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

QString lagText(const SourceHour &source, double p)
{
    const qint64 seconds = FeedHealth::lagPercentile(source.lagHistogram, p);
    return seconds < 0 ? u"–"_s : u"≤ "_s + TimeFormat::duration(double(seconds));
}

QString percent(double share)
{
    return share >= 0.1 ? u"%1 %"_s.arg(share * 100, 0, 'f', 1)
                        : u"%1 %"_s.arg(share * 100, 0, 'f', 2);
}

// "feed-p1" as people say it.
QString sourceName(const QString &source)
{
    if (source.startsWith("feed-p"_L1))
        return QObject::tr("Global feed, page %1").arg(source.mid(6));
    if (source == "repository"_L1)
        return QObject::tr("Watched repositories");
    if (source == "pulls"_L1)
        return QObject::tr("Pull-request lists");
    if (source == "archive"_L1)
        return QObject::tr("GH Archive");
    return QObject::tr("Imported files");
}

} // namespace

SourceHealthDialog::SourceHealthDialog(QWidget *parent)
    : QDialog(parent)
    , m_summary(new QLabel)
    , m_budget(new QLabel)
    , m_sources(new QTableWidget(0, 9))
    , m_mix(new QTableWidget)
{
    setWindowTitle(tr("Source Health"));
    resize(960, 620);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_budget->setWordWrap(true);
    m_budget->setTextFormat(Qt::PlainText);
    m_sources->setObjectName(u"sources"_s);
    m_sources->setHorizontalHeaderLabels({tr("Source"), tr("Requests"), tr("New events"),
                                          tr("Yield / request"), tr("Overlap"), tr("Lag p50"),
                                          tr("p90"), tr("p99"), tr("Degraded types")});
    m_mix->setObjectName(u"mix"_s);
    for (QTableWidget *table : {m_sources, m_mix}) {
        table->verticalHeader()->hide();
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->setTabKeyNavigation(false);
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    }
    m_sources->horizontalHeader()->setStretchLastSection(true);
    auto *reference = new QLabel(
        tr("Reference: %1. A type is degraded in a source when it falls under a third of its "
           "reference share, and that few would come by chance less than once in a thousand "
           "(Poisson). Its counts are then lower bounds (≥).")
            .arg(ReferenceMix::builtIn().provenance.join(u"; "_s)));
    reference->setWordWrap(true);
    reference->setTextFormat(Qt::PlainText);
    reference->setEnabled(false); // secondary text
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_budget);
    layout->addWidget(new QLabel(tr("Sources in this window")));
    layout->addWidget(m_sources, 2);
    layout->addWidget(new QLabel(tr("Type mix against the reference")));
    layout->addWidget(m_mix, 3);
    layout->addWidget(reference);
    layout->addWidget(buttons);
}

void SourceHealthDialog::setData(const DashboardSnapshot &data)
{
    const WindowQuality &quality = data.quality;
    QStringList words {quality.status == WindowQuality::Status::Complete ? tr("complete")
                                                                         : tr("sampled")};
    if (quality.settledAt)
        words << tr("settling until %1").arg(formatMoment(*quality.settledAt));
    QStringList degraded;
    for (const QString &type : quality.degradedTypes)
        degraded << displayTypeName(type);
    if (!degraded.isEmpty())
        words << tr("degraded: %1 are lower bounds").arg(degraded.join(u", "_s));
    QString text = tr("This window: %1.").arg(words.join(u"; "_s));
    if (quality.pushShare)
        text += u' ' + tr("Pushes are %1 of the sampled events.").arg(percent(*quality.pushShare));
    if (quality.settleSeconds)
        text += u' '
            + tr("Late events: 99 % arrive within %1, so an hour settles that long after it ends.")
                  .arg(TimeFormat::duration(double(*quality.settleSeconds)));
    m_summary->setText(text);
    fillSources(data.sources);
    fillMix(data.sources);
}

void SourceHealthDialog::setBudget(int captureBudgetPercent, int rateLimit)
{
    m_budgetPercent = captureBudgetPercent;
    m_rateLimit = rateLimit;
    showBudget();
}

void SourceHealthDialog::showBudget()
{
    if (m_budgetPercent == 0) {
        m_budget->setText(tr("Capture budget: the global feed obeys GitHub's poll interval "
                             "(X-Poll-Interval). Give it a share of the rate limit in Settings "
                             "to recover more events: today's feed shares none between "
                             "requests."));
        return;
    }
    m_budget->setText(
        m_rateLimit > 0
            ? tr("Capture budget: the global feed may spend %1 % of %2 requests an hour, %3.")
                  .arg(m_budgetPercent)
                  .arg(m_rateLimit)
                  .arg(m_rateLimit * m_budgetPercent / 100)
            : tr("Capture budget: the global feed may spend %1 % of the rate limit.")
                  .arg(m_budgetPercent));
}

QString SourceHealthDialog::summary() const
{
    return m_summary->text();
}

void SourceHealthDialog::fillSources(const QList<SourceHour> &sources)
{
    m_sources->setRowCount(int(sources.size()));
    for (int row = 0; row < sources.size(); ++row) {
        const SourceHour &source = sources[row];
        m_sources->setItem(row, 0, cell(sourceName(source.source), Qt::AlignLeft));
        m_sources->setItem(row, 1, cell(QString::number(source.requests)));
        m_sources->setItem(row, 2, cell(QString::number(source.newEvents)));
        m_sources->setItem(
            row, 3, cell(source.yield() ? QString::number(*source.yield(), 'f', 1) : u"–"_s));
        m_sources->setItem(row, 4, cell(percent(source.overlap())));
        m_sources->setItem(row, 5, cell(lagText(source, 0.5)));
        m_sources->setItem(row, 6, cell(lagText(source, 0.9)));
        m_sources->setItem(row, 7, cell(lagText(source, 0.99)));
        QStringList degraded;
        for (const QString &type : source.degradedTypes)
            degraded << displayTypeName(type);
        m_sources->setItem(
            row, 8, cell(degraded.isEmpty() ? tr("none") : degraded.join(u", "_s), Qt::AlignLeft));
    }
}

// A row a type, most frequent in the reference first: its reference share, then its share in
// each source; "≥" and bold where the source is degraded for it.
void SourceHealthDialog::fillMix(const QList<SourceHour> &sources)
{
    const ReferenceMix &reference = ReferenceMix::builtIn();
    std::multimap<double, QString, std::greater<>> types;
    for (auto it = reference.shares.cbegin(); it != reference.shares.cend(); ++it) {
        if (it.value() >= FeedHealth::minimumReferenceShare)
            types.insert({it.value(), it.key()});
    }
    QStringList headers {tr("Type"), tr("Reference")};
    for (const SourceHour &source : sources)
        headers << sourceName(source.source);
    m_mix->setColumnCount(int(headers.size()));
    m_mix->setHorizontalHeaderLabels(headers);
    m_mix->setRowCount(int(types.size()));
    int row = 0;
    for (const auto &[share, type] : types) {
        m_mix->setItem(row, 0, cell(displayTypeName(type), Qt::AlignLeft));
        m_mix->setItem(row, 1, cell(percent(share)));
        for (int column = 0; column < sources.size(); ++column) {
            const SourceHour &source = sources[column];
            qint64 total = 0;
            for (const qint64 count : source.types)
                total += count;
            const bool degraded = source.degradedTypes.contains(type);
            QTableWidgetItem *item
                = cell(total == 0 ? u"–"_s
                                  : (degraded ? u"≥ "_s : QString())
                               + percent(double(source.types.value(type)) / double(total)));
            if (degraded) {
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
                item->setToolTip(tr("Degraded: far below the reference, a lower bound"));
            }
            m_mix->setItem(row, column + 2, item);
        }
        ++row;
    }
}
