#pragma once
// One service instance per machine: an exclusive lock held for the life of the process, released
// by the kernel when it ends (even on a crash), so there is never a stale lock to clean up.
#include <memory>
#include <string>

namespace mpa::platform {

class InstanceLock {
  public:
    virtual ~InstanceLock() = default;

    struct Outcome {
        std::unique_ptr<InstanceLock> lock;  // set when this process now holds the lock
        bool heldByOther = false;            // another live process holds it
        long holderPid = 0;                  // that process, when it could be read (else 0)
        std::string error;                   // the lock could not be taken for another reason
    };

    // `path`: the lock file (created with its directory when missing). The holder's PID is
    // written into it for the message a second instance prints. `mode`: of a new file (POSIX);
    // 0600 where another account must not be able to take the lock and stall the agent.
    static Outcome acquire(const std::string& path, unsigned mode = 0644);
};

}  // namespace mpa::platform
