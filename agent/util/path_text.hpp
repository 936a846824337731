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
// The same as a view into `path` (it is always a prefix of it), for callers that keep many.
std::string_view parentView(std::string_view path, std::string_view separators = "/");

// `path` without trailing slashes, "/" itself kept ("/home/bob/" -> "/home/bob"): the form in
// which two spellings of one directory compare equal.
std::string_view withoutTrailingSlashes(std::string_view path);

// Whether the paths under directory `a` sort before those under directory `b` in byte order:
// `a` + "/" against `b` + "/", without building either. "/home/a" comes after "/home/a.b"
// (whose "/home/a.b/..." sorts before "/home/a/..."), which a comparison of the names alone
// gets the other way round.
bool homeOrderLess(std::string_view a, std::string_view b);

}  // namespace mpa
