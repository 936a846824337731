#pragma once
// Directories a target's file needs (/etc/environment.d, /etc/systemd/system.conf.d): the agent
// creates the missing ones as root:root 0755, records which in the ledger before it does, and on
// restore removes those it created again, but only while they are empty (another package may
// have put a file there since). Paths are logical ("/etc/environment.d"), resolved under the root.
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "platform/safe_fs.hpp"
#include "util/path_text.hpp"

namespace mpa {

// parentOf (util/path_text.hpp): "/etc/profile.d/x.sh" -> "/etc/profile.d"; "/x" -> "/".
std::string baseNameOf(const std::string& logicalPath);

// The missing directories on the way to `logicalDir`, outermost first. A symlink or anything
// else that stops the walk is an error (never followed).
Status missingDirectories(const AgentContext& context, const std::string& logicalDir,
                          std::vector<std::string>* missing);
// Creates `logicalDirs` (outermost first), none of which may be a symlink.
Status createDirectories(const AgentContext& context, const std::vector<std::string>& logicalDirs);
// Removes those of `logicalDirs` that are empty, deepest first; stops at the first one that is
// not (it and its parents stay). One that is missing counts as removed (a pass killed before it
// made them all). Returns the ones removed.
std::vector<std::string> removeEmptyDirectories(const AgentContext& context,
                                                const std::vector<std::string>& logicalDirs);
// Whether any of `logicalDirs` (a chain, outermost first) exists: what removeEmptyDirectories
// would look at, for a pass that may only say what it would do.
bool anyDirectoryExists(const AgentContext& context, const std::vector<std::string>& logicalDirs);

}  // namespace mpa
