#pragma once

#include "dashboarddata.h"
#include "storelocation.h"

#include <QObject>

#include <memory>

class ApiServer;

// GET /dashboard (a small self-refreshing HTML page) and /dashboard/<panel>.png, drawn by
// the same QtCharts code as the window. Core does not know Charts: app/ installs these
// routes into ApiServer. Lives in the GUI thread, where widgets may be rendered; the API
// thread waits for each image with a timeout.
class DashboardPages : public QObject
{
    Q_OBJECT

public:
    explicit DashboardPages(const StoreLocation &location, QObject *parent = nullptr);
    ~DashboardPages() override;

    void install(ApiServer *server);

    // GUI thread: the PNG bytes of one panel, or empty for an unknown panel.
    QByteArray renderPanel(const QString &panel, const DashboardRequest &request);

private:
    StoreLocation m_location;
    std::unique_ptr<MetricsQueries> m_queries;
};
