#pragma once

#include "endpoint.h"

#include <QByteArray>
#include <QString>

#include <functional>

class QUrlQuery;
struct DashboardRequest;
struct DashboardSnapshot;

// The dashboard on the web: GET /dashboard, a page that draws the panels in the browser
// from GET /api/dashboard (the window's snapshot as JSON), its scripts under
// /dashboard/assets/ (compiled into the binary from resources/web), and each panel as a
// PNG (/dashboard/<panel>.png) for scripts and embedding. Snapshots are loaded on a
// reader thread; only PNG painting goes to the painter, which app/ supplies from ui/
// (webapi knows no widgets).
class DashboardPagesController
{
public:
    // PNG bytes of one panel of a snapshot; empty when it could not be drawn.
    using PanelPainter = std::function<QByteArray(const DashboardSnapshot &, const QString &)>;

    DashboardPagesController(QueriesSource queries, ScopeOf scopeOf, PanelPainter painter);
    QList<Endpoint> endpoints() const;

private:
    // window, at, repository, scope, bots -> what the snapshot holds
    DashboardRequest requestFrom(const QUrlQuery &query) const;
    // <panel>.png, window, at -> image/png; 404 for an unknown panel, 503 when no painter
    QByteArray panel(const QString &file, const QUrlQuery &query) const;
    // window, at, repository -> the snapshot as JSON (MetricsExport::json)
    QByteArray snapshot(const QUrlQuery &query) const;

    QueriesSource m_queries;
    ScopeOf m_scopeOf;
    PanelPainter m_painter;
};
