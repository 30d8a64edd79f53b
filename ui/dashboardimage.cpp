#include "dashboardimage.h"

#include "dashboardwidget.h"

#include <QBuffer>
#include <QLayout>
#include <QPainter>
#include <QPointer>
#include <QSemaphore>

namespace {

constexpr int paintTimeoutMs = 10000;

// QWidget::render() lays out and polishes a hidden widget itself: showing it, even with
// WA_DontShowOnScreen, would make a top-level window whose closing can quit the app.
QImage paint(QWidget *widget, const QSize &size)
{
    widget->resize(size);
    if (widget->layout())
        widget->layout()->activate();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(widget->palette().window().color());
    QPainter painter(&image);
    widget->render(&painter);
    return image;
}

} // namespace

QImage DashboardImage::render(const DashboardSnapshot &snapshot, const QSize &size)
{
    DashboardWidget dashboard;
    dashboard.setData(snapshot);
    return paint(&dashboard, size);
}

QImage DashboardImage::renderPanel(const DashboardSnapshot &snapshot, const QString &panel,
                                   const QSize &size)
{
    DashboardWidget dashboard;
    dashboard.setData(snapshot);
    QWidget *widget = dashboard.panel(panel);
    if (!widget)
        return {};
    widget->setParent(nullptr);
    const QImage image = paint(widget, size);
    delete widget;
    return image;
}

std::function<QByteArray(const DashboardSnapshot &, const QString &)>
DashboardImage::pngPainter(QObject *guiContext)
{
    return [context = QPointer<QObject>(guiContext)](const DashboardSnapshot &snapshot,
                                                     const QString &panel) {
        // Shared with the GUI thread, so that a wait that timed out leaves it valid.
        struct Job
        {
            QSemaphore done;
            QByteArray png;
        };
        auto job = std::make_shared<Job>();
        if (!context)
            return QByteArray();
        QMetaObject::invokeMethod(context, [job, snapshot, panel] {
            const QImage image = renderPanel(snapshot, panel);
            QBuffer buffer(&job->png);
            buffer.open(QIODevice::WriteOnly);
            if (!image.isNull())
                image.save(&buffer, "PNG");
            job->done.release();
        });
        if (!job->done.tryAcquire(1, paintTimeoutMs))
            return QByteArray();
        return job->png;
    };
}
