#pragma once
// Files only the agent's account may change: the compliance database and its directory. Root
// acts on what they hold, so a file or directory that another account could write (or that
// another account owns) is refused, with a message naming the path and the reason.
#include <string>

namespace mpa {

// Creates the directory of `filePath` when missing (mode 0700; missing ancestors 0755) and the
// file itself (mode 0600, never through a symbolic link), then checks both with
// checkPrivateFile's rules. Also checks SQLite's companion files (-wal, -shm) when present.
bool preparePrivateFile(const std::string& filePath, std::string* error);

// The file (and its directory) must exist, be owned by the running account, not be a symbolic
// link, and not be writable by group or others.
bool checkPrivateFile(const std::string& filePath, std::string* error);

// True when something exists at path (not following a final symbolic link).
bool pathExists(const std::string& path);

}  // namespace mpa
