#pragma once
// Helpers shared by the safe_fs implementations. The path rules differ per OS (drive letters and
// backslashes on Windows), so isSingleComponent and splitParent live in each *_posix/*_win file;
// the rest is in safe_fs_common.cpp.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "platform/safe_fs.hpp"

namespace mpa::platform::detail {

// One name inside a directory: not empty, not . or .., no separator.
bool isSingleComponent(const std::string& name);
// Splits an absolute path into its parent directory and last component; false when there is no
// usable last component.
bool splitParent(const std::string& absolutePath, std::string* parent, std::string* name);
std::string joinPath(const std::string& dir, const std::string& name);
// Per OS: closes a SafeDir's handle (a descriptor, a HANDLE).
void closeHandle(std::intptr_t handle);
// Per OS: the refusal for a link at `where` ("symbolic link", or "or junction" on Windows).
std::string linkRefusal(const std::string& where);
// Per OS: after a rename in the directory `handle`, what makes it durable (an fsync of the
// directory on POSIX; nothing on Windows, where the move was written through).
Status flushDirectory(std::intptr_t handle, const std::string& where);

// "<where>: not a single path component" unless `name` is one.
Status checkComponent(const std::string& name, const std::string& where);
// Whether what is at `where` (`existing`) may be replaced by a rename: missing or a regular file
// with one link. A link or a hard-linked file in a user's directory is a sign of tampering.
Status checkReplaceable(const FileInfo& existing, const std::string& where);
// The path a message names, made only when there is a message: nearly every read succeeds.
using PathForMessage = std::function<std::string()>;
// Whether the opened `info` may be read: a regular file, one link, at most `maxBytes`.
Status checkReadable(const FileInfo& info, const PathForMessage& where, std::uint64_t maxBytes);
// Hands what `readChunk` gives (bytes read, 0 at the end, -1 with *status failed) to `piece`,
// failing when the file grows beyond `maxBytes` while being read (what was handed over is then
// not the file: the caller drops it).
// `statSize` is the size the open file reported: a read shorter than asked that brings the data
// to exactly that size is the end (a regular file reads short only at its end), which saves
// the read that would return 0. Any other short read (a file that changed size since, or a
// pseudo-file whose size says nothing) reads on to the 0.
Status readBounded(
    const std::function<std::ptrdiff_t(char* buffer, std::size_t size, Status* status)>& readChunk,
    const PathForMessage& where, std::uint64_t maxBytes, std::uint64_t statSize,
    const FilePieces& piece);
// The checks before a rename: both names single components, `from` an existing regular file
// (`missingText` is the OS's words for a missing file).
Status checkRenamable(const FileInfo& from, const std::string& fromName,
                      const std::string& fromWhere, const std::string& toName,
                      const std::string& toWhere, const std::string& missingText);

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
