#pragma once
// The service's instance lock (platform/instance_lock.hpp), under the root: held by `run` for
// its life, and looked at by `revert`, which must not be undone by a running service.
namespace mpa {

inline constexpr const char* kInstanceLockFile = "/run/metalama-policy-agent/agent.lock";

}  // namespace mpa
