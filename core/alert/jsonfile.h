#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>

// The alert wing's small JSON files under <data> (alerts.json, alert-silences.json), which
// the window, the API and other processes on the same data all write.
namespace JsonFile {

// Writes `object` whole, through QSaveFile: a crash leaves the old file or the new one.
bool write(const QString &path, const QJsonObject &object, QString *error);
// Runs `change` holding `<path>.lock`, so that two writers never lose each other's edit.
bool whileLocked(const QString &path, const std::function<bool()> &change, QString *error);

} // namespace JsonFile
