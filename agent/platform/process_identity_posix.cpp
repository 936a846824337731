#include <unistd.h>

#include "platform/process_identity.hpp"

namespace mpa::platform {

bool isPrivileged() {
    return ::geteuid() == 0;
}

unsigned effectiveUserId() {
    return static_cast<unsigned>(::geteuid());
}

}  // namespace mpa::platform
