#include "dashboardimage.h"

#include "dashboardwidget.h"

#include <QPainter>

namespace {

QImage grab(QWidget *widget, const QSize &size)
{
    widget->setAttribute(Qt::WA_DontShowOnScreen);
    widget->resize(size);
    widget->show(); // lays out and polishes without a window on screen
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(widget->palette().window().color());
    QPainter painter(&image);
    widget->render(&painter);
    return image;
}

} // namespace

QImage DashboardImage::render(const DashboardData &data, const QSize &size)
{
    DashboardWidget dashboard;
    dashboard.setData(data);
    return grab(&dashboard, size);
}

QImage DashboardImage::renderPanel(const DashboardData &data, const QString &panel,
                                   const QSize &size)
{
    DashboardWidget dashboard;
    dashboard.setData(data);
    QWidget *widget = dashboard.panel(panel);
    if (!widget)
        return {};
    widget->setParent(nullptr);
    const QImage image = grab(widget, size);
    delete widget;
    return image;
}
