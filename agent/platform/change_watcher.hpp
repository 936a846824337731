#pragma once
// What wakes the service: a watched path changing, or a stop or reload request from the system
// (SIGTERM/SIGINT and SIGHUP on Linux). Both arrive through one wait() so the service sleeps in
// exactly one place, with a timeout that is the time to its next deadline and no periodic
// wake-ups in between.
#include <chrono>
#include <cstddef>
#include <cstdint>
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
    // The OS dropped events: any watched path may have changed. They are not listed in
    // `changed` (at two paths a profile, a copy of every one was most of the service's peak):
    // the caller looks at them itself.
    bool overflow = false;
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

// What the last watch() left without a watch. The OS bounds the watches a user may hold (Linux:
// inotify's per-user limit, shared by every process of that user: for the service, root's, which
// systemd, udev and the rest of the system use too), and a watcher takes at most its share of
// that bound, so that the machine's other services can still watch. macOS (a descriptor a
// watched node) and Windows (64 handles a wait) bound the watcher itself. Past the bound, the
// paths the caller listed first are watched; those left out are covered by the caller's own
// periodic checks.
struct WatchShortfall {
    std::vector<std::uint32_t> unwatched;  // places in the watched list, ascending
    std::size_t limit = 0;                 // the OS limit; 0 when there is none or it is unknown
    std::size_t share = 0;                 // the most watches this watcher takes; 0: no bound
    std::string why;  // when some are unwatched: the bound, and what would lift it, for the log
};

class ChangeWatcher {
  public:
    virtual ~ChangeWatcher() = default;

    // Installs the stop/reload signal handling for this process; at most one watcher at a time.
    // Null with a failed *status when it cannot be set up. `share`: the most OS watches to take;
    // 0 for the default, half of the OS limit (Linux; no bound elsewhere).
    static std::unique_ptr<ChangeWatcher> create(Status* status, std::size_t share = 0);

    // Replaces the watched set, listed most important first (what a bound on watches keeps).
    // A path may be a file or a directory and need not exist yet: the nearest existing
    // ancestor is watched until it appears. Directories are watched with everything below
    // them, except a path spelled "DIR/*" (Linux): only DIR's own entries, an entry created,
    // removed or renamed in it (a new home under a home root, a login's /run/user/<uid>), not
    // the busy trees below them.
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

    // What the last watch() could not cover (nothing, on a platform without a bound).
    virtual const WatchShortfall& shortfall() const {
        static const WatchShortfall none;
        return none;
    }
};

}  // namespace mpa::platform
