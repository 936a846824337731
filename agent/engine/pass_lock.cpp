#include "engine/pass_lock.hpp"

#include <thread>

namespace mpa {

std::string passLockPath(const std::string& databasePath) {
    return databasePath + ".lock";
}

PassLock acquirePassLock(const std::string& databasePath, std::chrono::milliseconds wait,
                         const std::function<void(long holderPid)>& waiting) {
    const auto path = passLockPath(databasePath);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    bool told = false;
    while (true) {
        auto outcome = platform::InstanceLock::acquire(path, 0600);
        if (outcome.lock) return {std::move(outcome.lock), {}};
        if (!outcome.heldByOther) return {nullptr, "cannot take the pass lock: " + outcome.error};
        if (!told && waiting) waiting(outcome.holderPid);
        told = true;
        if (std::chrono::steady_clock::now() >= deadline)
            return {nullptr,
                    "another pass is in progress (" +
                        (outcome.holderPid > 0 ? "process " + std::to_string(outcome.holderPid)
                                               : std::string("a process")) +
                        " holds " + path + ")"};
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace mpa
