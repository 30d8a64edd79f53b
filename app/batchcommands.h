#pragma once

#include <QStringList>

class QCoreApplication;
struct AppConfig;

// The one-shot command-line modes: `--import FILE...` and `--rebuild`. Both print
// progress to the terminal, a summary at the end, and stop cleanly on Ctrl-C.
namespace BatchCommands {

int runImport(QCoreApplication &app, const AppConfig &config, const QStringList &files);
int runRebuild(QCoreApplication &app, const AppConfig &config);

} // namespace BatchCommands
