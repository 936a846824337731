#pragma once
// Paths as text: the directory part of a path, without touching the file system (so usable on
// logical paths under the agent's root and on native paths alike).
#include <string>
#include <string_view>

namespace mpa {

// The directory that holds `path`: everything before its last separator, keeping the separator
// when that is the root ("/a/b" -> "/a", "/a" -> "/", "C:\a" -> "C:\" with separators "/\\").
// "" when there is none: for a root itself ("/", "C:\") and for a bare name ("file").
std::string parentOf(std::string_view path, std::string_view separators = "/");

// `path` without trailing slashes, "/" itself kept ("/home/bob/" -> "/home/bob"): the form in
// which two spellings of one directory compare equal.
std::string_view withoutTrailingSlashes(std::string_view path);

}  // namespace mpa
