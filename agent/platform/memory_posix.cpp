// glibc keeps freed memory in its arenas until asked; other C libraries (macOS's) return it on
// their own schedule, so there is nothing to do there.
#include <stdlib.h>  // defines __GLIBC__ where it applies

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

}  // namespace mpa::platform
