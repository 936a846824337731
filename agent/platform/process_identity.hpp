// Who this process runs as, for code (and tests) whose behaviour depends on privilege.
#pragma once

namespace mpa::platform {

// True when the process can change file ownership: effective uid 0 on POSIX.
bool isPrivileged();

// The effective user id (0 on Windows, where ownership is by SID and checked differently).
unsigned effectiveUserId();

}  // namespace mpa::platform
