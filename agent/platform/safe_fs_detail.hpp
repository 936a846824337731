#pragma once
// Helpers shared by the safe_fs implementations. The path rules differ per OS (drive letters and
// backslashes on Windows), so isSingleComponent and splitParent live in each *_posix/*_win file;
// the rest is in safe_fs_common.cpp.
#include <cstddef>
#include <string>

namespace mpa::platform::detail {

// One name inside a directory: not empty, not . or .., no separator.
bool isSingleComponent(const std::string& name);
// Splits an absolute path into its parent directory and last component; false when there is no
// usable last component.
bool splitParent(const std::string& absolutePath, std::string* parent, std::string* name);
std::string joinPath(const std::string& dir, const std::string& name);
// Lower-case hex from the system's random source: temporary names nobody can guess.
std::string randomHex(std::size_t length);

// The one owner of the agent's temporary names: ".<name>.mpa-<16 random hex>.tmp" beside
// `name` (a dot name, so directory watchers and listings skip it; random, so nobody can
// pre-create it).
std::string temporaryNameFor(const std::string& name);
// True when `entry` is a temporary name the agent makes for `name`: the only names its clean-up
// of a killed pass's leftovers ever removes.
bool isTemporaryNameFor(const std::string& entry, const std::string& name);

}  // namespace mpa::platform::detail
