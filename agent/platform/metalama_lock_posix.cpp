// Metalama on Linux and macOS takes no lock another process can share: nothing to wait for.
#include "platform/metalama_lock.hpp"

namespace mpa::platform {

MetalamaLockResult lockMetalamaDataDirectory(const std::string&, std::chrono::milliseconds) {
    MetalamaLockResult result;
    result.lock = std::make_unique<MetalamaLock>();
    return result;
}

}  // namespace mpa::platform
