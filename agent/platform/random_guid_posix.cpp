// getentropy: on Linux glibc's wrapper of getrandom(2) (the kernel's generator, no file to
// open, fails only before the pool is first initialised), on macOS the kernel's own call.
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "platform/random_guid.hpp"

namespace mpa::platform {

void fillRandomBytes(unsigned char* out, std::size_t size) {
    if (getentropy(out, size) != 0)
        throw std::runtime_error(std::string("the system random generator failed: ") +
                                 std::strerror(errno));
}

}  // namespace mpa::platform
