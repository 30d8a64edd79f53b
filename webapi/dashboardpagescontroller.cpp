#include "dashboardpagescontroller.h"

#include "apierror.h"
#include "apiparameters.h"
#include "jsonanswer.h"
#include "openapi.h"
#include "query/dashboardsnapshot.h"
#include "query/metricsexport.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

// The dashboard's window: an hour unless asked ("all": the whole store).
constexpr ApiParameters::Window dashboardWindow {"window", 60};

// The page and its scripts, from resources/web.
QHttpServerResponse asset(const QString &name)
{
    static const QHash<QString, QByteArray> types {{u"html"_s, "text/html; charset=utf-8"},
                                                   {u"js"_s, "text/javascript; charset=utf-8"},
                                                   {u"css"_s, "text/css; charset=utf-8"},
                                                   {u"svg"_s, "image/svg+xml"}};
    QFile file(u":/web/"_s + name);
    const QByteArray type = types.value(name.section(u'.', -1));
    if (name.contains(u'/') || type.isEmpty() || !file.open(QIODevice::ReadOnly))
        throw ApiError {404, u"no such file: %1"_s.arg(name), u"file"_s};
    return QHttpServerResponse(type, file.readAll());
}

} // namespace

DashboardPagesController::DashboardPagesController(QueriesSource queries, ScopeOf scopeOf,
                                                   PanelPainter painter)
    : m_queries(std::move(queries))
    , m_scopeOf(std::move(scopeOf))
    , m_painter(std::move(painter))
{
}

// Without `at`, the window ends at the latest stored event: the answer then depends on
// the data alone, and stays valid (304) until the data changes.
DashboardRequest DashboardPagesController::requestFrom(const QUrlQuery &query) const
{
    DashboardRequest request;
    request.scope = m_scopeOf(query);
    request.wholeStore = query.queryItemValue(u"window"_s) == "all"_L1;
    if (!request.wholeStore)
        request.minutes = dashboardWindow.read(query);
    request.at = ApiParameters::time(query, u"at"_s, QDateTime());
    request.followNow = false;
    request.latestEvents = 0;
    const QString repository = query.queryItemValue(u"repository"_s, QUrl::FullyDecoded);
    if (!repository.isEmpty())
        request.repository = ApiParameters::repository(repository.section(u'/', 0, 0),
                                                       repository.section(u'/', 1));
    return request;
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

QByteArray DashboardPagesController::snapshot(const QUrlQuery &query) const
{
    DashboardRequest request = requestFrom(query);
    request.latestEvents = 50;
    const DashboardSnapshot data = DashboardSnapshot::load(m_queries(), request);
    return QJsonDocument(MetricsExport::json(data)).toJson(QJsonDocument::Compact);
}

QList<Endpoint> DashboardPagesController::endpoints() const
{
    const auto page = [](const QString &name) {
        return [name](const QStringList &, const ApiRequest &) { return asset(name); };
    };

    const QJsonObject html = OpenApi::textResponse(u"text/html"_s, u"the page"_s);
    Endpoint docs {Routes::apiDocs,
                   Caching::Off,
                   page(u"docs.html"_s),
                   OpenApi::get(u"This document, readable and interactive (Swagger UI)"_s, {},
                                {{u"200"_s, html}}),
                   {}};
    Endpoint assets {Routes::dashboardAsset,
                     Caching::Off,
                     [](const QStringList &path, const ApiRequest &) { return asset(path[0]); },
                     {},
                     {}};
    docs.runs = assets.runs = Endpoint::Runs::OnServer;
    docs.needsToken = assets.needsToken = false;
    QJsonObject window = dashboardWindow.declaration();
    window[u"schema"_s] = QJsonObject {
        {u"oneOf"_s,
         QJsonArray {window[u"schema"_s],
                     QJsonObject {{u"type"_s, u"string"_s}, {u"enum"_s, QJsonArray {u"all"_s}}}}}};
    window[u"description"_s] = u"window length in minutes, or `all`: every stored event"_s;
    QJsonArray panels;
    for (const QString &name : DashboardSnapshot::panelNames())
        panels.append(QString(name + u".png"_s));
    const QJsonObject panel = OpenApi::parameter(
        u"panel"_s, u"path"_s, QJsonObject {{u"type"_s, u"string"_s}, {u"enum"_s, panels}},
        u"one panel of the window, as a PNG image"_s);
    const QJsonObject at = OpenApi::atParameter();
    const QJsonObject repository = OpenApi::parameter(
        u"repository"_s, u"query"_s, QJsonObject {{u"type"_s, u"string"_s}},
        u"owner/name for the pull-request panel; default the most active repository"_s);
    // The page reads its window from its own URL, as the snapshot route does.
    Endpoint dashboard {Routes::dashboard,
                        Caching::Off,
                        page(u"index.html"_s),
                        OpenApi::get(u"The web dashboard: the window's panels in a browser"_s,
                                     OpenApi::scoped({window, at, repository}), {{u"200"_s, html}}),
                        {}};
    dashboard.runs = Endpoint::Runs::OnServer;
    dashboard.needsToken = false;
    return {
        dashboard,
        docs,
        assets,
        {Routes::dashboardData,
         Caching::ByRequest,
         [this](const QStringList &, const ApiRequest &request) {
             return JsonAnswer::ofBytes(snapshot(QUrlQuery(request.url)));
         },
         OpenApi::get(
             u"Everything the dashboard draws, for one window: ends at `at`, or at the "
             "latest stored event; answers 304 to If-None-Match until the data changes"_s,
             OpenApi::scoped({window, at, repository}),
             {{u"200"_s,
               OpenApi::jsonResponse(u"the dashboard's snapshot"_s, OpenApi::typed("object"))}}),
         {}},
        {Routes::dashboardPanel,
         Caching::Off,
         [this](const QStringList &path, const ApiRequest &request) {
             return QHttpServerResponse("image/png", this->panel(path[0], QUrlQuery(request.url)));
         },
         OpenApi::get(
             u"A panel of the window as a PNG image, drawn as the window draws it"_s,
             OpenApi::scoped({panel, window, at, repository}),
             {{u"200"_s,
               QJsonObject {{u"description"_s, u"the panel"_s},
                            {u"content"_s, QJsonObject {{u"image/png"_s, QJsonObject {}}}}}},
              {u"404"_s, OpenApi::jsonResponse(u"no such panel"_s, OpenApi::ref(u"Error"_s))}}),
         {}}};
}
