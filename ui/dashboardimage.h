#pragma once

#include "dashboarddata.h"

#include <QImage>

// The dashboard panels rendered off screen by the same QtCharts code as the window:
// for PNG exports and the API's /dashboard images. GUI thread only.
namespace DashboardImage {

constexpr QSize defaultSize(1600, 1000);

QImage render(const DashboardData &data, const QSize &size = defaultSize);
// One panel by name (see DashboardWidget::panelNames()); a null image for an unknown one.
QImage renderPanel(const DashboardData &data, const QString &panel,
                   const QSize &size = QSize(800, 500));

} // namespace DashboardImage
