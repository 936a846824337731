#pragma once
// The service's instance lock (platform/instance_lock.hpp), under the root: held by `run` for
// its life, and looked at by `revert`, which must not be undone by a running service. It lives in
// the platform's volatile run directory: macOS has no /run (its root volume is read-only) and its
// /var/run is /private/var/run.
#include "model/agent_context.hpp"

namespace mpa {

inline const char* instanceLockFile(PlatformProfile platform) {
    return platform == PlatformProfile::MacOS ? "/private/var/run/metalama-policy-agent/agent.lock"
                                              : "/run/metalama-policy-agent/agent.lock";
}

}  // namespace mpa
