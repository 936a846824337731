#pragma once
// Gives freed heap back to the operating system. The service calls it after each pass: a pass
// over many profiles briefly holds a finding per profile, and an allocator that keeps the freed
// pages would leave an idle service as large as its largest pass.
#include <cstdint>
#include <optional>

namespace mpa::platform {

void releaseFreedMemory();

// Bytes written to files that the operating system holds in memory and has not put on disk yet
// (Linux: Dirty + Writeback in /proc/meminfo, every file system together); nothing where the
// system does not say. What a flush of a whole file system would have to write first
// (targets/durable_batch.hpp).
std::optional<std::uint64_t> unwrittenFileBytes();

}  // namespace mpa::platform
