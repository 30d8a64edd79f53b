#include "dashboardimage.h"

#include "chartpanels.h"
#include "dashboardwidget.h"

#include <QApplication>
#include <QLocale>

#include <QBuffer>
#include <QLayout>
#include <QPainter>
#include <QPointer>
#include <QSemaphore>

using namespace Qt::StringLiterals;

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
    // The first pass lays the charts out, so that their time axes choose ticks for the real
    // width; the second draws them.
    for (int pass = 0; pass < 2; ++pass) {
        image.fill(widget->palette().window().color());
        QPainter painter(&image);
        widget->render(&painter);
        // The charts lay their axes out again on posted layout requests: only those.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    }
    return image;
}

} // namespace

// A report: what it shows and when, then the panels, two by two.
QImage DashboardImage::render(const DashboardSnapshot &snapshot, const QSize &size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(QApplication::palette().window().color());
    QPainter painter(&image);
    QFont title = QApplication::font();
    title.setPointSizeF(title.pointSizeF() * 1.6);
    title.setBold(true);
    const int margin = 16;
    const QFontMetrics titleMetrics(title);
    painter.setPen(QApplication::palette().windowText().color());
    painter.setFont(title);
    painter.drawText(margin, margin + titleMetrics.ascent(), QObject::tr("GitHub Event Monitor"));
    const QDateTime from = QDateTime::fromSecsSinceEpoch(snapshot.window.from);
    const QDateTime to = QDateTime::fromSecsSinceEpoch(snapshot.window.to);
    const QString format = u"yyyy-MM-dd HH:mm:ss"_s;
    const QString subtitle
        = QObject::tr("%1 minutes, %2 to %3 (%4) · %5 events stored")
              .arg(snapshot.minutes)
              .arg(from.toString(format), to.toString(format), localTimeZoneLabel(),
                   QLocale().toString(snapshot.eventsStored));
    painter.setFont(QApplication::font());
    const int top = margin + titleMetrics.height() + 4;
    painter.drawText(margin, top + painter.fontMetrics().ascent(), subtitle);

    const int gridTop = top + painter.fontMetrics().height() + margin;
    const QStringList panels = DashboardSnapshot::panelNames();
    const int rows = int(panels.size() + 1) / 2;
    const QSize cell((size.width() - 3 * margin) / 2,
                     (size.height() - gridTop - rows * margin) / rows);
    for (qsizetype i = 0; i < panels.size(); ++i) {
        const QPoint at(margin + int(i % 2) * (cell.width() + margin),
                        gridTop + int(i / 2) * (cell.height() + margin));
        painter.drawImage(at, renderPanel(snapshot, panels[i], cell));
    }
    return image;
}

QImage DashboardImage::renderPanel(const DashboardSnapshot &snapshot, const QString &panel,
                                   const QSize &size)
{
    DashboardWidget dashboard;
    dashboard.setData(snapshot);
    dashboard.pullRequests()->setControlsVisible(false);
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
