#include "dashboardpagescontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "dashboardsnapshot.h"

#include <QHttpServerRequest>

using namespace Qt::StringLiterals;

namespace {

// Without `at`, the window ends at the latest stored event: a page about stored history.
DashboardRequest requestFrom(const QUrlQuery &query)
{
    DashboardRequest request;
    request.minutes = ApiParameters::windowMinutes(query, u"window"_s, 60);
    request.at = ApiParameters::time(query, u"at"_s, QDateTime());
    request.followNow = false;
    request.latestEvents = 0;
    return request;
}

} // namespace

DashboardPagesController::DashboardPagesController(QueriesSource queries, PanelPainter painter)
    : m_queries(std::move(queries))
    , m_painter(std::move(painter))
{
}

QByteArray DashboardPagesController::page(const QUrlQuery &query) const
{
    const QByteArray minutes = QByteArray::number(requestFrom(query).minutes);
    QByteArray html = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>GitHub Event Monitor</title>
<style>body{font-family:sans-serif;margin:1em;background:#fafafa}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}
img{width:100%;border:1px solid #ddd;background:#fff}</style></head>
<body><h1>GitHub Event Monitor</h1><p>Window: )"
        + minutes
        + R"( minutes, ending at the latest stored event. Refreshes every 30 s.</p><div class="grid">)";
    for (const QString &panel : DashboardSnapshot::panelNames())
        html += "<img alt=\"" + panel.toUtf8() + "\" src=\"/dashboard/" + panel.toUtf8()
            + ".png?window=" + minutes + "\">";
    return html + "</div></body></html>\n";
}

QByteArray DashboardPagesController::panel(const QString &file, const QUrlQuery &query) const
{
    const QString panel = file.endsWith(".png"_L1) ? file.chopped(4) : QString();
    if (!DashboardSnapshot::panelNames().contains(panel))
        throw ApiError {404, u"no such panel: %1"_s.arg(file), u"panel"_s};
    const DashboardSnapshot snapshot = DashboardSnapshot::load(m_queries(), requestFrom(query));
    const QByteArray png = m_painter ? m_painter(snapshot, panel) : QByteArray();
    if (png.isEmpty())
        throw ApiError {503, u"the dashboard image could not be drawn"_s, {}};
    return png;
}

QList<Endpoint> DashboardPagesController::endpoints() const
{
    return {{Routes::dashboard,
             Caching::Off,
             [this](const QStringList &, const ApiRequest &request) {
                 return QHttpServerResponse("text/html; charset=utf-8",
                                            page(QUrlQuery(request.url)));
             },
             {},
             {}},
            {Routes::dashboardPanel,
             Caching::Off,
             [this](const QStringList &path, const ApiRequest &request) {
                 return QHttpServerResponse("image/png", panel(path[0], QUrlQuery(request.url)));
             },
             {},
             {}}};
}
