#pragma once

#include <QString>
#include <QStringList>

class QCoreApplication;
struct AppConfig;

// The one-shot command-line modes. `--import FILE...`, `--import-archive FROM..TO` and
// `--rebuild` print progress to the terminal, a summary at the end, and stop cleanly on
// Ctrl-C.
namespace BatchCommands {

int runImport(QCoreApplication &app, const AppConfig &config, const QStringList &files);
int runRebuild(QCoreApplication &app, const AppConfig &config);
// `--import-archive FROM..TO`: every GH Archive hour of the range (importarchive.cpp).
int runImportArchive(QCoreApplication &app, const AppConfig &config, const QString &range);
// `--export FILE --window M --at T --scope S --bots B`, as typed.
struct ExportOptions
{
    QString file; // CSV, JSON or PNG, chosen by the extension
    QString window;
    QString at;
    QString scope; // all or watched (the data folder's watch list)
    QString bots;
};
int runExport(const AppConfig &config, const ExportOptions &options);

} // namespace BatchCommands
