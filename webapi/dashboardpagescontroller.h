#pragma once

#include "endpoint.h"

#include <QByteArray>
#include <QString>

#include <functional>

class QUrlQuery;
struct DashboardSnapshot;

// GET /dashboard (a small self-refreshing HTML page) and /dashboard/<panel>.png. The
// snapshot is loaded here, on a reader thread; only the painting is handed to the painter,
// which app/ supplies from ui/ (webapi knows no widgets).
class DashboardPagesController
{
public:
    // PNG bytes of one panel of a snapshot; empty when it could not be drawn.
    using PanelPainter = std::function<QByteArray(const DashboardSnapshot &, const QString &)>;

    DashboardPagesController(QueriesSource queries, PanelPainter painter);
    QList<Endpoint> endpoints() const;

private:
    // window (minutes, default 60) -> text/html
    QByteArray page(const QUrlQuery &query) const;
    // <panel>.png, window, at -> image/png; 404 for an unknown panel, 503 when no painter
    QByteArray panel(const QString &file, const QUrlQuery &query) const;

    QueriesSource m_queries;
    PanelPainter m_painter;
};
