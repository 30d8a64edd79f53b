#pragma once

#include "query/metrictypes.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QUrl>

// The latest events, newest first: time, type (named as in the charts), repository,
// actor. Qt::UserRole gives a column's raw value (the type as GitHub spells it).
class EventFeedModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Type, Repository, Actor, ColumnCount };

    // The event's page on GitHub: its pull request when it has one, else its repository.
    static QUrl webUrl(const EventRow &event);
    const EventRow &event(int row) const { return m_events[row]; }

    using QAbstractTableModel::QAbstractTableModel;
    void setEvents(const QList<EventRow> &events);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<EventRow> m_events;
};

// Filters the feed by event type and by text in the repository or actor.
class EventFeedFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setType(const QString &type); // as GitHub spells it; empty: all
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_type;
    QString m_text;
};
