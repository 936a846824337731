#pragma once
// A macOS-shaped scratch tree for tests: local user records where opendirectoryd keeps them,
// home directories under /Users owned by their users, managed preferences, plists converted to
// binary with plistutil. Shared by the unit tests and the integration test of the binary.
#include <string>

#include "support/scratch_dir.hpp"

namespace mpa::test {

// An XML property list document around `body` (one <dict>, <array>, ... element).
std::string xmlPlist(const std::string& body);

// Writes <base>/private/var/db/dslocal/nodes/Default/users/<name>.plist (XML) as a Mac holds a
// local account: arrays of strings for name, uid, gid (20, staff), home and shell.
void writeMacUserRecord(const ScratchDir& dir, const std::string& base, const std::string& name,
                        unsigned uid, const std::string& home);

// Creates <base><home> (e.g. "/Users/alice") with Library/, owned by uid:20, mode 0750.
void makeMacHome(const ScratchDir& dir, const std::string& base, const std::string& home,
                 unsigned uid);

// Writes `content` at <base><home>/<rel>, every directory below the home and the file owned by
// uid:20, as the user's own programs would have created them.
void writeAsUser(const ScratchDir& dir, const std::string& base, const std::string& home,
                 unsigned uid, const std::string& rel, const std::string& content);

// Converts the plist at `rel` to the binary format in place with plistutil; "" on success,
// else plistutil's message.
std::string convertToBinaryPlist(const ScratchDir& dir, const std::string& rel);

}  // namespace mpa::test
