#pragma once
// What wakes the service: a watched path changing, or a stop or reload request from the system
// (SIGTERM/SIGINT and SIGHUP on Linux). Both arrive through one wait() so the service sleeps in
// exactly one place, with a timeout that is the time to its next deadline and no periodic
// wake-ups in between.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

struct WatchEvents {
    // The watched paths (as given to watch()) that may have changed: the path itself was
    // created, written, replaced, moved or removed, something inside it changed (directories,
    // recursively), or one of its missing ancestors appeared or went away.
    std::vector<std::string> changed;
    bool overflow = false;  // the OS dropped events: any watched path may have changed
    // A watched file is still being written (Linux: modified and not closed since, or created
    // and not yet renamed into place, until the caller has waited quietly; Windows: any
    // file-system notice, which never says whether the write is over). False when
    // every change is complete on arrival: a file renamed into place or closed after writing, a
    // removal, a registry value set, a Group Policy refresh; the caller may read at once.
    bool writing = false;
    bool reload = false;  // the administrator asked for a reload (SIGHUP)
    bool stop = false;    // the system asked the service to stop (SIGTERM, SIGINT)
};

// The watched paths. Shared: the service keeps the same list (two paths per user profile) to
// compare and name them, and the watcher refers to it instead of holding a copy of each path.
using WatchList = std::shared_ptr<const std::vector<std::string>>;

class ChangeWatcher {
  public:
    virtual ~ChangeWatcher() = default;

    // Installs the stop/reload signal handling for this process; at most one watcher at a time.
    // Null with a failed *status when it cannot be set up.
    static std::unique_ptr<ChangeWatcher> create(Status* status);

    // Replaces the watched set. A path may be a file or a directory and need not exist yet:
    // the nearest existing ancestor is watched until it appears. Directories are watched with
    // everything below them, except a path spelled "DIR/*" (Linux): only DIR's own entries, an
    // entry created, removed or renamed in it (a new home under a home root, a login's
    // /run/user/<uid>), not the busy trees below them.
    virtual Status watch(WatchList paths) = 0;
    // The same for a list of the caller's own.
    Status watch(std::vector<std::string> paths) {
        return watch(std::make_shared<const std::vector<std::string>>(std::move(paths)));
    }

    // Waits until something happens or `timeout` passes (nullopt: no timeout). Returns at once
    // when a stop was requested earlier and not yet reported.
    virtual WatchEvents wait(std::optional<std::chrono::milliseconds> timeout) = 0;

    // True once a stop was requested, even while the caller is busy outside wait(): long work
    // checks it between steps. Safe to call from anywhere in the process.
    virtual bool stopRequested() const = 0;

    // Number of OS watches in use (for the log and tests).
    virtual std::size_t watchCount() const = 0;
};

}  // namespace mpa::platform
