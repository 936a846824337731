#pragma once
// Unlinked temporary files for data a pass would otherwise hold in memory (a FindingLog's
// findings past its budget). They live in the agent's own directory (the database's, root-only),
// not /tmp, which is often a tmpfs: moving findings to it would only move them to other memory.
// The file has no name while it is used (O_TMPFILE, or a name removed at once), so a killed
// agent leaves nothing behind, and it is gone when closed.
#include <cstdio>
#include <string>

namespace mpa::platform {

// Null when no such file can be made in `directory` (the caller keeps its data in memory).
std::FILE* openSpillFile(const std::string& directory);

}  // namespace mpa::platform
