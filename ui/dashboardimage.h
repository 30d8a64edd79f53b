#pragma once

#include "query/dashboardsnapshot.h"

#include <QImage>

#include <functional>

class QObject;

// The dashboard panels drawn off screen by the same QtCharts code as the window, for PNG
// exports and the API's /dashboard images. The widgets are laid out and painted without
// ever being shown, so no top-level window comes or goes. GUI thread only.
namespace DashboardImage {

constexpr QSize defaultSize(1600, 1000);

QImage render(const DashboardSnapshot &snapshot, const QSize &size = defaultSize);
// One panel by name (see DashboardSnapshot::panelNames()); a null image for an unknown one.
QImage renderPanel(const DashboardSnapshot &snapshot, const QString &panel,
                   const QSize &size = QSize(800, 500));

// PNG bytes of one panel, callable from any thread: the painting runs in `guiContext`'s
// thread, and the caller waits for it with a timeout. Empty on failure or timeout.
std::function<QByteArray(const DashboardSnapshot &, const QString &)>
pngPainter(QObject *guiContext);

} // namespace DashboardImage
