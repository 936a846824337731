#pragma once
// How `run` becomes the system's service. Linux (systemd) and macOS (launchd) start it in the
// foreground and stop it with SIGTERM, which the change watcher handles: the body simply runs.
// Windows: when the service control manager started the process, Poco's ServerApplication
// connects to it (its stop event is what the change watcher waits on, change_watcher_win.cpp);
// from a console the body runs as it is. Only the Windows build links Poco Util, so the Linux
// service does not map it (docs/performance.md, "Where the idle service's memory goes").
#include <functional>

namespace mpa::platform {

// Runs `body` as the process's service and returns its exit code.
int runAsService(const std::function<int()>& body);

}  // namespace mpa::platform
