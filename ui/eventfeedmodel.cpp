#include "eventfeedmodel.h"

#include "chartpanels.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

void EventFeedModel::setEvents(const QList<EventRow> &events)
{
    // Only the ids matter for identity: an unchanged feed keeps the view untouched.
    const bool same = events.size() == m_events.size()
        && std::equal(events.cbegin(), events.cend(), m_events.cbegin(),
                      [](const EventRow &a, const EventRow &b) { return a.id == b.id; });
    if (same)
        return;
    beginResetModel();
    m_events = events;
    endResetModel();
}

int EventFeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventFeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QUrl EventFeedModel::webUrl(const EventRow &event)
{
    QString path = u"/"_s + event.repository;
    if (event.pullRequest > 0 && event.type.startsWith("PullRequest"_L1))
        path += u"/pull/"_s + QString::number(event.pullRequest);
    return QUrl(u"https://github.com"_s + path);
}

QVariant EventFeedModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const EventRow &event = m_events[index.row()];
    if (role == Qt::UserRole)
        return index.column() == Type ? event.type : data(index, Qt::DisplayRole);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromSecsSinceEpoch(event.createdAt, Qt::UTC)
            .toLocalTime()
            .toString(u"yyyy-MM-dd HH:mm:ss");
    case Type: {
        const QString type = displayTypeName(event.type);
        return event.action.isEmpty() ? type : type + u" (" + event.action + u')';
    }
    case Repository: return event.repository;
    case Actor: return event.actor;
    default: return {};
    }
}

QVariant EventFeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time (%1)").arg(localTimeZoneLabel());
    case Type: return tr("Type");
    case Repository: return tr("Repository");
    case Actor: return tr("Actor");
    default: return {};
    }
}

void EventFeedFilter::setType(const QString &type)
{
    m_type = type;
    invalidateFilter();
}

void EventFeedFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool EventFeedFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    const auto text = [&](int column) {
        return model->index(sourceRow, column, sourceParent).data().toString();
    };
    if (!m_type.isEmpty()
        && model->index(sourceRow, EventFeedModel::Type, sourceParent).data(Qt::UserRole) != m_type)
        return false;
    return m_text.isEmpty()
        || text(EventFeedModel::Repository).contains(m_text, Qt::CaseInsensitive)
        || text(EventFeedModel::Actor).contains(m_text, Qt::CaseInsensitive);
}
