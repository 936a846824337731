#pragma once
// Unlinked temporary files for data a pass would otherwise hold in memory (a FindingLog's
// findings past its budget). They live in the agent's own directory (the database's, root-only),
// not /tmp, which is often a tmpfs: moving findings to it would only move them to other memory.
// On Linux and macOS the file has no name while it is used (O_TMPFILE, or a name removed at once:
// a kill between the two can leave only an empty .pass-findings-* file); on Windows it has a
// random name and the system deletes it when its last handle closes, a killed process's too. So
// a killed agent leaves no findings behind, and the file is gone when closed. A dry run uses it
// too: an unnamed file changes nothing anyone can see.
#include <cstdio>
#include <string>

namespace mpa::platform {

// Null when no such file can be made in `directory` (the caller keeps its data in memory).
std::FILE* openSpillFile(const std::string& directory);

}  // namespace mpa::platform
