// Who this process runs as, for code (and tests) whose behaviour depends on privilege.
#pragma once

namespace mpa::platform {

// True when the process can change file ownership: effective uid 0 on POSIX.
bool isPrivileged();

}  // namespace mpa::platform
