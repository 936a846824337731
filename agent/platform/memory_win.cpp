// The Windows heap decommits freed pages itself; compacting it returns the rest.
#include <windows.h>

#include "platform/memory.hpp"

namespace mpa::platform {

void releaseFreedMemory() {
    ::HeapCompact(::GetProcessHeap(), 0);
}

// Trimming the working set moves its pages to the standby list (or, for written ones, the modified
// list): still in memory, faulted back without reading the disk unless the system needed the
// memory meanwhile. It is what Windows does to an idle process's pages under memory pressure.
void releaseMappedCode() {
    ::SetProcessWorkingSetSize(::GetCurrentProcess(), static_cast<SIZE_T>(-1),
                               static_cast<SIZE_T>(-1));
}

// Windows flushes each staged file itself (safe_fs_win.cpp) and has no flush of a whole file
// system for the agent to weigh.
std::optional<std::uint64_t> unwrittenFileBytes() {
    return std::nullopt;
}

}  // namespace mpa::platform
