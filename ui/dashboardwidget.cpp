#include "dashboardwidget.h"

#include "chartpanels.h"
#include "eventfeedmodel.h"

#include <QComboBox>
#include <QDataStream>
#include <QGridLayout>
#include <QHeaderView>
#include <QIODevice>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

DashboardWidget::DashboardWidget(QWidget *parent)
    : QWidget(parent)
    , m_eventTypes(new EventTypesPanel)
    , m_eventRate(new EventRatePanel)
    , m_activeRepositories(new ActiveRepositoriesPanel)
    , m_pullRequests(new PullRequestPanel)
    , m_feed(new EventFeedModel(this))
    , m_filter(new EventFeedFilter(this))
    , m_table(new QTableView)
    , m_typeFilter(new QComboBox)
    , m_textFilter(new QLineEdit)
{
    auto *charts = new QWidget;
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_eventTypes, 0, 0);
    grid->addWidget(m_eventRate, 0, 1);
    grid->addWidget(m_activeRepositories, 1, 0);
    grid->addWidget(m_pullRequests, 1, 1);

    m_filter->setSourceModel(m_feed);
    m_table->setModel(m_filter);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(EventFeedModel::Time,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(EventFeedModel::Type,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(EventFeedModel::Repository,
                                                      QHeaderView::Stretch);
    m_typeFilter->addItem(tr("All types"), QString());
    m_textFilter->setPlaceholderText(tr("Filter by repository or actor"));
    m_textFilter->setClearButtonEnabled(true);
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setType(m_typeFilter->currentData().toString()); });
    connect(m_textFilter, &QLineEdit::textChanged, m_filter, &EventFeedFilter::setText);

    auto *feed = new QWidget;
    auto *feedLayout = new QVBoxLayout(feed);
    feedLayout->setContentsMargins(0, 0, 0, 0);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_textFilter, 1);
    feedLayout->addLayout(filters);
    feedLayout->addWidget(m_table);

    auto *splitter = m_splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(charts);
    splitter->addWidget(feed);
    // Two thirds for the charts, and room for at least ten feed rows at the default size.
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_activeRepositories, &ActiveRepositoriesPanel::repositorySelected, this,
            &DashboardWidget::repositorySelected);
    connect(m_pullRequests, &PullRequestPanel::repositoryRequested, this,
            &DashboardWidget::repositorySelected);
}

void DashboardWidget::setData(const DashboardSnapshot &data)
{
    m_data = data;
    m_eventTypes->setBars(data.typeBars);
    m_eventRate->setSeries(data.rate, data.window);
    m_activeRepositories->setCounts(data.activeRepositories);
    m_pullRequests->setStats(data.pullRequests);
    m_feed->setEvents(data.latestEvents);
    for (const KeyCount &count : data.eventsByType) {
        if (m_typeFilter->findData(count.key) < 0)
            m_typeFilter->addItem(count.key, count.key);
    }
}

QByteArray DashboardWidget::saveLayout() const
{
    QByteArray layout;
    QDataStream out(&layout, QIODevice::WriteOnly);
    out << m_splitter->saveState() << m_table->horizontalHeader()->saveState();
    return layout;
}

void DashboardWidget::restoreLayout(const QByteArray &layout)
{
    QDataStream in(layout);
    QByteArray splitter;
    QByteArray header;
    in >> splitter >> header;
    if (in.status() != QDataStream::Ok)
        return;
    m_splitter->restoreState(splitter);
    m_table->horizontalHeader()->restoreState(header);
}

void DashboardWidget::setRepositoryNames(const QStringList &names)
{
    m_pullRequests->setRepositoryNames(names);
}

QWidget *DashboardWidget::panel(const QString &name) const
{
    const QList<QWidget *> panels {m_eventTypes, m_eventRate, m_activeRepositories, m_pullRequests};
    const qsizetype index = DashboardSnapshot::panelNames().indexOf(name);
    return index < 0 ? nullptr : panels[index];
}
