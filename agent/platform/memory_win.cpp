// The Windows heap decommits freed pages itself; compacting it returns the rest.
#include <windows.h>

#include "platform/memory.hpp"

namespace mpa::platform {

void releaseFreedMemory() {
    ::HeapCompact(::GetProcessHeap(), 0);
}

// Windows flushes each staged file itself (safe_fs_win.cpp) and has no flush of a whole file
// system for the agent to weigh.
std::optional<std::uint64_t> unwrittenFileBytes() {
    return std::nullopt;
}

}  // namespace mpa::platform
