#include "dashboardpages.h"

#include "apierror.h"
#include "apiparameters.h"
#include "apiserver.h"
#include "dashboardimage.h"
#include "dashboardwidget.h"

#include <QBuffer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QPointer>
#include <QSemaphore>

using namespace Qt::StringLiterals;

namespace {

constexpr int renderTimeoutMs = 10000;

DashboardRequest requestFrom(const QHttpServerRequest &request)
{
    const QUrlQuery query(request.url());
    DashboardRequest dashboard;
    dashboard.minutes = ApiParameters::integer(query, u"window"_s, 1, 5256000, 60);
    const QDateTime at = ApiParameters::time(query, u"at"_s, QDateTime());
    dashboard.at = at;
    dashboard.followNow = false; // without `at`, the window ends at the latest stored event
    dashboard.latestEvents = 0;
    return dashboard;
}

QByteArray page(qint64 minutes)
{
    QByteArray html = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>GitHub Event Monitor</title>
<style>body{font-family:sans-serif;margin:1em;background:#fafafa}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}
img{width:100%;border:1px solid #ddd;background:#fff}</style></head>
<body><h1>GitHub Event Monitor</h1><p>Window: )"
        + QByteArray::number(minutes)
        + R"( minutes, ending at the latest stored event. Refreshes every 30 s.</p><div class="grid">)";
    for (const QString &panel : DashboardWidget::panelNames())
        html += "<img alt=\"" + panel.toUtf8() + "\" src=\"/dashboard/" + panel.toUtf8()
            + ".png?window=" + QByteArray::number(minutes) + "\">";
    return html + "</div></body></html>\n";
}

} // namespace

DashboardPages::DashboardPages(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_location(location)
{
}

DashboardPages::~DashboardPages() = default;

QByteArray DashboardPages::renderPanel(const QString &panel, const DashboardRequest &request)
{
    if (!m_queries) {
        m_queries = std::make_unique<MetricsQueries>(m_location);
        QString error;
        if (!m_queries->open(&error))
            m_queries.reset();
    }
    if (!m_queries)
        return {};
    const QImage image
        = DashboardImage::renderPanel(DashboardData::load(*m_queries, request), panel);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

void DashboardPages::install(ApiServer *server)
{
    server->addPage(u"/dashboard"_s, u"/dashboard"_s,
                    [](const QString &, const QHttpServerRequest &request) {
                        return QHttpServerResponse("text/html; charset=utf-8",
                                                   page(requestFrom(request).minutes));
                    });
    server->addPage(
        u"/dashboard/<arg>"_s, u"/dashboard/{panel}.png"_s,
        [pages = QPointer<DashboardPages>(this)](const QString &file,
                                                 const QHttpServerRequest &request) {
            const QString panel = file.endsWith(".png"_L1) ? file.chopped(4) : QString();
            if (!DashboardWidget::panelNames().contains(panel))
                throw ApiError {404, u"no such panel: %1"_s.arg(file), u"panel"_s};
            const DashboardRequest dashboard = requestFrom(request);
            // Rendered in the GUI thread; shared state outlives a timed-out wait.
            struct Job
            {
                QSemaphore done;
                QByteArray png;
            };
            auto job = std::make_shared<Job>();
            QMetaObject::invokeMethod(pages, [pages, job, panel, dashboard] {
                if (pages)
                    job->png = pages->renderPanel(panel, dashboard);
                job->done.release();
            });
            if (!job->done.tryAcquire(1, renderTimeoutMs) || job->png.isEmpty())
                throw ApiError {503, u"the dashboard image could not be rendered"_s, {}};
            return QHttpServerResponse("image/png", job->png);
        });
}
