#pragma once

#include <QStringList>

class QCoreApplication;
struct AppConfig;

// The one-shot command-line modes. `--import FILE...` and `--rebuild` print progress to
// the terminal, a summary at the end, and stop cleanly on Ctrl-C.
namespace BatchCommands {

int runImport(QCoreApplication &app, const AppConfig &config, const QStringList &files);
int runRebuild(QCoreApplication &app, const AppConfig &config);
// `--export FILE --window M --at T`: CSV, JSON or PNG chosen by the extension.
int runExport(const AppConfig &config, const QString &file, const QString &window,
              const QString &at);

} // namespace BatchCommands
