// BCryptGenRandom with the system-preferred generator (what the CRT's rand_s and .NET use).
#include <windows.h>
// bcrypt.h uses the types windows.h declares: it must come second.
#include <bcrypt.h>

#include <stdexcept>
#include <string>

#include "platform/random_guid.hpp"

namespace mpa::platform {

void fillRandomBytes(unsigned char* out, std::size_t size) {
    const NTSTATUS status =
        BCryptGenRandom(nullptr, out, static_cast<ULONG>(size), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (status < 0)
        throw std::runtime_error("the system random generator failed (BCryptGenRandom status " +
                                 std::to_string(static_cast<long>(status)) + ")");
}

}  // namespace mpa::platform
