#pragma once
// Gives freed heap back to the operating system. The service calls it after each pass: a pass
// over many profiles briefly holds a finding per profile, and an allocator that keeps the freed
// pages would leave an idle service as large as its largest pass.
#include <cstdint>
#include <optional>

namespace mpa::platform {

void releaseFreedMemory();

// Takes the pages of code and read-only data that a pass mapped in out of the process, so that an
// idle service does not keep its binary's and libraries' code resident until the next pass. The
// pages stay in the operating system's file cache, where they are ordinary cache the system may
// reuse, and the next pass maps them back in from there. Linux drops them from the process's page
// tables (only segments the process cannot write, and in them only the file's own pages, so
// nothing the process or a debugger wrote is lost); Windows trims the working set; elsewhere
// nothing is done.
void releaseMappedCode();

// Bytes written to files that the operating system holds in memory and has not put on disk yet
// (Linux: Dirty + Writeback in /proc/meminfo, every file system together); nothing where the
// system does not say. What a flush of a whole file system would have to write first
// (targets/durable_batch.hpp).
std::optional<std::uint64_t> unwrittenFileBytes();

}  // namespace mpa::platform
