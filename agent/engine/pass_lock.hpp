#pragma once
// One pass at a time, machine-wide: apply, revert and the service's passes take an exclusive
// lock on a file next to the compliance database (<database>.lock) for the length of a pass.
// Two passes at once would double-write every file and read each other's half-done changes.
// The kernel releases it when the holder ends, however it ends (kill -9 included).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "platform/instance_lock.hpp"

namespace mpa {

std::string passLockPath(const std::string& databasePath);

struct PassLock {
    std::unique_ptr<platform::InstanceLock> lock;  // set when held
    std::string error;  // why not: held by another pass past the wait, or cannot be taken
};

// Waits up to `wait` while another process holds it; `waiting` (optional) is told once, with
// the holder's pid (0 when unknown), so the command can say why it waits.
PassLock acquirePassLock(const std::string& databasePath, std::chrono::milliseconds wait,
                         const std::function<void(long holderPid)>& waiting = nullptr);

// How long a command waits for a pass in progress (a pass over ten thousand profiles takes
// tens of seconds).
inline constexpr std::chrono::seconds kPassLockWait{300};

}  // namespace mpa
