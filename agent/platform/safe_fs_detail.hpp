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

}  // namespace mpa::platform::detail
