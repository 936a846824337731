// The Windows heap decommits freed pages itself; compacting it returns the rest.
#include <windows.h>

#include "platform/memory.hpp"

namespace mpa::platform {

void releaseFreedMemory() {
    ::HeapCompact(::GetProcessHeap(), 0);
}

}  // namespace mpa::platform
