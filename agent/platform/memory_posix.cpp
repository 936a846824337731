// glibc keeps freed memory in its arenas until asked; other C libraries (macOS's) return it on
// their own schedule, so there is nothing to do there.
#include <stdlib.h>  // defines __GLIBC__ where it applies

#include <cstdio>

#include "platform/memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mpa::platform {

void releaseFreedMemory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

std::optional<std::uint64_t> unwrittenFileBytes() {
#if defined(__linux__)
    // The kernel's own file, not under the agent's --root: it describes this machine.
    std::FILE* meminfo = std::fopen("/proc/meminfo", "re");
    if (!meminfo) return std::nullopt;
    std::uint64_t total = 0;
    int found = 0;
    char line[256];
    while (found < 2 && std::fgets(line, sizeof line, meminfo)) {
        unsigned long long kb = 0;
        if (std::sscanf(line, "Dirty: %llu kB", &kb) == 1 ||
            std::sscanf(line, "Writeback: %llu kB", &kb) == 1) {
            total += kb * 1024;
            ++found;
        }
    }
    std::fclose(meminfo);
    if (found < 2) return std::nullopt;
    return total;
#else
    return std::nullopt;
#endif
}

}  // namespace mpa::platform
