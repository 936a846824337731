// No launchd on this platform: the macOS targets build everywhere, their launchd is never
// running here.
#include "platform/launchd.hpp"

namespace mpa::platform {

std::shared_ptr<Launchd> hostLaunchd() {
    return unavailableLaunchd();
}

}  // namespace mpa::platform
