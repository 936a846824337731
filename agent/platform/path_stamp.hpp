#pragma once
// A cheap summary of what a watched path holds now, to tell without reading any content whether
// it changed since an earlier look: the service's safety net compares the stamps of every watched
// path at each pass with those the previous pass took, and names the paths that changed without
// any event announcing it. Metadata only (type, inode, size, times, mode, owner), over the path
// and, for a directory, everything below it within the same bounds the watcher uses and more.
#include <cstdint>
#include <string>

namespace mpa::platform {

// 0: cannot tell (a registry path, an error); equal stamps mean "unchanged" with the certainty
// of the metadata (a write that keeps size and both times to the nanosecond is not seen).
using PathStamp = std::uint64_t;
constexpr PathStamp kUnknownStamp = 0;

PathStamp pathStamp(const std::string& path);

// The stamp of a single file or directory entry, not of what a directory holds: the service
// uses it to tell whether a managed file must be read again to compare its content.
PathStamp entryStamp(const std::string& path);

}  // namespace mpa::platform
