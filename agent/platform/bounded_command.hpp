#pragma once
// Runs a system tool the way a root service must: posix_spawn of an absolute path with a fixed
// argv (no shell, nothing interpreted), a fixed minimal environment, stdin from /dev/null, stdout
// and stderr collected separately up to a limit, killed when it does not answer in time. Used by
// the platform files that drive systemctl (Linux) and launchctl (macOS). POSIX only.
#include <chrono>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

struct CommandResult {
    // Failed when the tool could not start, timed out, or exited non-zero; the error names the
    // command line and carries the tool's stderr.
    Status status;
    std::string out;
};

// arguments[0] is the program's absolute path. `environment` holds KEY=VALUE entries.
CommandResult runBoundedCommand(const std::vector<std::string>& arguments,
                                const std::vector<std::string>& environment,
                                std::chrono::seconds timeout);

}  // namespace mpa::platform
