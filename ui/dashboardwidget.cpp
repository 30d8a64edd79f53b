#include "dashboardwidget.h"

#include "chartpanels.h"
#include "event/timeformat.h"
#include "eventfeedmodel.h"

#include <QClipboard>
#include <QComboBox>
#include <QDataStream>
#include <QDesktopServices>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIODevice>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

DashboardWidget::DashboardWidget(QWidget *parent)
    : QWidget(parent)
    , m_eventTypes(new EventTypesPanel)
    , m_eventRate(new EventRatePanel)
    , m_activeRepositories(new ActiveRepositoriesPanel)
    , m_pullRequests(new PullRequestPanel)
    , m_stars(new StarsPanel)
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
    // The repository's pull requests and its stars share a cell, a tab each.
    auto *repository = new QTabWidget;
    repository->setDocumentMode(true);
    repository->addTab(m_pullRequests, tr("&Pull requests"));
    repository->addTab(m_stars, tr("S&tars"));
    grid->addWidget(repository, 1, 1);

    m_filter->setSourceModel(m_feed);
    m_table->setModel(m_filter);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // One Tab stop: the arrows move within the feed, Tab moves on.
    m_table->setTabKeyNavigation(false);
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
    m_typeFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_typeFilter->setAccessibleName(tr("Event type filter"));
    m_textFilter->setAccessibleName(tr("Repository or actor filter"));
    m_table->setAccessibleName(tr("Latest events"));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        QDesktopServices::openUrl(
            EventFeedModel::webUrl(m_feed->event(m_filter->mapToSource(index).row())));
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, &DashboardWidget::showFeedMenu);
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
    // Three fifths for the charts, and room for at least ten feed rows at the default size.
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    for (ChartPanel *panel : panels())
        connect(panel, &ChartPanel::messageLinkActivated, this,
                &DashboardWidget::messageLinkActivated);
    connect(m_activeRepositories, &ActiveRepositoriesPanel::repositorySelected, this,
            &DashboardWidget::repositorySelected);
    connect(m_pullRequests, &PullRequestPanel::repositoryRequested, this,
            &DashboardWidget::repositorySelected);
}

void DashboardWidget::setData(const DashboardSnapshot &data)
{
    m_data = data;
    m_eventTypes->setBars(data.typeBars);
    QStringList lowerBounds;
    for (const KeyCount &bar : data.typeBars) {
        if (data.isLowerBound(bar.key))
            lowerBounds << bar.key;
    }
    m_eventTypes->setLowerBounds(lowerBounds);
    m_eventRate->setSeries(data.rate, data.window);
    const QString total = tr("%1 events").arg(TimeFormat::count(double(data.eventsTotal())));
    m_eventTypes->setTitle(tr("Events by type · %1").arg(total));
    // The total is in the types' title: here it would cut the quality note at 1024x700.
    m_eventRate->setTitle(tr("Events over time (%1)").arg(localTimeZoneLabel()));
    m_eventRate->setCoverage(data.coverage, data.window, data.quality.settlingHourStarts);
    m_activeRepositories->setCounts(data.activeRepositories);
    const QString note = coverageNote(data);
    const bool degraded = data.quality.hasLowerBounds();
    m_eventTypes->setNote(degraded ? tr("%1; ≥ marks lower bounds").arg(note) : note);
    // A watched scope's note already says why its counts are lower bounds.
    m_eventRate->setNote(degraded && !data.quality.watched ? tr("%1; a degraded feed").arg(note)
                                                           : note);
    m_activeRepositories->setNote(
        degraded && data.quality.pushShare
            ? tr("%1; %2 % pushes").arg(note).arg(qRound(*data.quality.pushShare * 100))
            : note);
    m_pullRequests->setReleases(data.releases);
    m_pullRequests->setStats(data.pullRequests);
    m_stars->setStars(data.stars, data.pullRequests.repository);
    setFeed(data.latestEvents);
    for (const KeyCount &count : data.eventsByType) {
        if (m_typeFilter->findData(count.key) < 0)
            m_typeFilter->addItem(displayTypeName(count.key), count.key);
    }
}

// The feed keeps its selection and current row across refreshes, by event id.
void DashboardWidget::setFeed(const QList<EventRow> &events)
{
    QItemSelectionModel *selection = m_table->selectionModel();
    QSet<qint64> selected;
    for (const QModelIndex &row : selection->selectedRows())
        selected.insert(m_feed->event(m_filter->mapToSource(row).row()).id);
    const QModelIndex current = m_table->currentIndex();
    const qint64 currentId
        = current.isValid() ? m_feed->event(m_filter->mapToSource(current).row()).id : -1;
    m_feed->setEvents(events);
    QItemSelection rows;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        const qint64 id = m_feed->event(m_filter->mapToSource(index).row()).id;
        if (selected.contains(id))
            rows.select(index, m_filter->index(row, EventFeedModel::ColumnCount - 1));
        if (id == currentId)
            selection->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    }
    if (!rows.isEmpty())
        selection->select(rows, QItemSelectionModel::ClearAndSelect);
    // A focused feed shows where it is: the first row until one is chosen.
    if (!m_table->currentIndex().isValid() && m_filter->rowCount() > 0)
        selection->setCurrentIndex(m_filter->index(0, 0), QItemSelectionModel::NoUpdate);
}

// How much of GitHub the window's numbers are: all of it where GH Archive vouches for every
// hour, else a sample, still settling while late events may arrive, with the live feed's
// share as last measured.
QString DashboardWidget::coverageNote(const DashboardSnapshot &data)
{
    const QString note = data.quality.watched ? watchedNote(data) : sampleNote(data);
    switch (data.scope.bots) {
    case Scope::Bots::Include: return note;
    case Scope::Bots::Exclude: return tr("%1; bots left out").arg(note);
    case Scope::Bots::Only: return tr("%1; bots only").arg(note);
    }
    return note;
}

QString DashboardWidget::watchedNote(const DashboardSnapshot &data)
{
    const WindowQuality &quality = data.quality;
    if (data.scope.repositories.isEmpty() && data.scope.organizations.isEmpty())
        return tr("watched: nothing watched yet");
    if (quality.status == WindowQuality::Status::Complete)
        return tr("watched feeds: complete");
    if (!quality.feedGaps.isEmpty())
        return tr("watched: %n poll(s) missed events", nullptr, int(quality.feedGaps.size()));
    return tr("watched: %n feed(s) not read all along", nullptr, int(quality.feedsReadLate.size()));
}

QString DashboardWidget::sampleNote(const DashboardSnapshot &data)
{
    if (data.complete())
        return tr("complete");
    if (data.quality.settledAt)
        return tr("settling until %1").arg(formatMoment(*data.quality.settledAt));
    if (!data.recentLiveShare)
        return tr("sampled");
    const double percent = *data.recentLiveShare * 100;
    return percent < 1 ? tr("sampled: under 1 % of GitHub")
                       : tr("sampled: about %1 % of GitHub").arg(qRound(percent));
}

// Right-click on an event: open it, watch or filter by its repository, copy the row. The
// row is taken by value when the menu opens: the feed may refresh while the menu is up.
void DashboardWidget::showFeedMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (!index.isValid())
        return;
    const EventRow event = m_feed->event(m_filter->mapToSource(index).row());
    QStringList fields;
    for (int column = 0; column < EventFeedModel::ColumnCount; ++column)
        fields << index.siblingAtColumn(column).data().toString();
    QMenu menu(this);
    menu.addAction(tr("Open on GitHub"), this,
                   [event] { QDesktopServices::openUrl(EventFeedModel::webUrl(event)); });
    menu.addAction(tr("Watch %1").arg(event.repository), this,
                   [this, event] { emit watchRequested(event.repository); });
    menu.addAction(tr("Show Only %1").arg(event.repository), this,
                   [this, event] { m_textFilter->setText(event.repository); });
    menu.addAction(tr("Pull Requests of %1").arg(event.repository), this,
                   [this, event] { emit repositorySelected(event.repository); });
    menu.addSeparator();
    menu.addAction(tr("Copy"), this,
                   [fields] { QGuiApplication::clipboard()->setText(fields.join(u'\t')); });
    menu.exec(m_table->viewport()->mapToGlobal(position));
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

void DashboardWidget::setPanelMessage(const QString &message)
{
    for (ChartPanel *panel : panels())
        panel->setMessage(message);
}

void DashboardWidget::setRepositoryNames(const QStringList &names)
{
    m_pullRequests->setRepositoryNames(names);
}

QWidget *DashboardWidget::panel(const QString &name) const
{
    const qsizetype index = DashboardSnapshot::panelNames().indexOf(name);
    return index < 0 ? nullptr : panels().at(index);
}

QList<ChartPanel *> DashboardWidget::panels() const
{
    return {m_eventTypes, m_eventRate, m_activeRepositories, m_pullRequests, m_stars};
}
