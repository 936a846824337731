// File access for a root process working inside trees that users control (home directories).
//
// A user can plant symlinks, hard links, FIFOs or swap directories under us at any time. So every
// operation is relative to an open directory descriptor, never follows a symlink, checks what it
// actually opened, and replaces files atomically (temp file + rename) instead of writing through
// whatever the name points to. This header stays free of OS types; the POSIX implementation is
// in safe_fs_posix.cpp, Windows comes later.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

enum class FileKind { Missing, Regular, Directory, Symlink, Other };

// What lstat says about an entry. `mode` holds the permission bits only (07777).
struct FileInfo {
    FileKind kind = FileKind::Missing;
    uint32_t mode = 0;
    uint32_t uid = 0, gid = 0;
    uint64_t size = 0;
    uint64_t nlink = 0;
    int64_t mtimeNs = 0;
};

// `missing` with an ok status: the file (or its directory) does not exist, which callers usually
// treat as a state rather than an error.
struct ReadResult {
    Status status;
    bool missing = false;
    std::string data;
    FileInfo info;
};

// A file read piece by piece (SafeDir::readFileInPieces): each piece as it is read, with the size
// the file had when it was opened (what a reader keeping the whole file reserves).
using FilePieces = std::function<void(std::string_view piece, std::uint64_t openedSize)>;

struct Ownership {
    uint32_t uid;
    uint32_t gid;
    uint32_t mode;  // permission bits
};

// Ownership to use when replacing a file: that of the existing regular file if there is one, else
// `fallback`. Keeps an admin's chmod/chown of a user's file across our rewrites.
Ownership replacementOwnership(const FileInfo& existing, const Ownership& fallback);

// An open directory. Movable, not copyable; closes its descriptor on destruction.
// A replacement written to a temporary file in the same directory, not yet renamed over.
struct StagedFile {
    std::string name;
    std::string tempName;
};

// How durable the rename of an atomic replacement must be. Durable: flushed, the directory too,
// before the call returns. WholeOnly: the new content is flushed before the rename, the rename is
// not waited for, so after a power loss the file holds the old content or the new, never a torn
// one. For files derived from what is durable elsewhere and written again by the next pass (the
// store's published summary, its chain-head anchor, which may lag the database but never lead
// it): one flush fewer on the path of every pass.
enum class RenameDurability { Durable, WholeOnly };

class SafeDir {
  public:
    // Opens an absolute directory path walking every component from "/" with
    // O_NOFOLLOW|O_DIRECTORY: no symlink anywhere in the path. ".." components are refused.
    // Nothing, with *status (optional) failed, when it cannot.
    static std::optional<SafeDir> open(const std::string& absolutePath, Status* status);
    // Same, and sets *missing when the failure is only that a component does not exist.
    static std::optional<SafeDir> open(const std::string& absolutePath, Status* status,
                                       bool* missing);

    SafeDir(SafeDir&& other) noexcept;
    SafeDir& operator=(SafeDir&& other) noexcept;
    SafeDir(const SafeDir&) = delete;
    SafeDir& operator=(const SafeDir&) = delete;
    ~SafeDir();

    // Opens (optionally creates, with `created` mode/owner) the single-component child directory.
    // Refuses symlinks; when ownerUid is set, refuses a directory owned by anyone but that uid or
    // root. *wasCreated (optional) tells whether this call created it; *status (optional) why
    // nothing was opened; *missing (optional) that nothing was opened because no entry has that
    // name (so a caller need not ask what the entry is).
    std::optional<SafeDir> openChild(const std::string& name, bool create, const Ownership& created,
                                     std::optional<uint32_t> ownerUid, bool* wasCreated,
                                     Status* status, bool* missing = nullptr) const;

    FileInfo stat(const std::string& name) const;  // lstat semantics, relative to this dir
    FileInfo self() const;
    // The directory's owner and mode as openChild read them to check its owner or to set them
    // (no system call), else self(). For a decision made once per directory in a pass (may its
    // user write here?): asking again a moment later answers no better, since the user can change
    // either right after any check.
    FileInfo infoWhenOpened() const;

    // Regular files only: refuses a symlink, a non-regular file, a file with more than one link
    // (a planted hard link), a file larger than maxBytes. Never blocks on a FIFO. When status
    // fails, data is empty (never the part read before the failure).
    ReadResult readFile(const std::string& name, uint64_t maxBytes) const;
    // The same checks, but each piece read is handed to `piece` and none is kept (data stays
    // empty): a file read once, front to back, that may be large (a passwd file of 100,000
    // accounts is 5 MB). When status fails, what was handed over is not the file.
    ReadResult readFileInPieces(const std::string& name, uint64_t maxBytes,
                                const FilePieces& piece) const;

    // Atomic replace: a new temp file with an unpredictable name in this dir, written in full,
    // given to `owner`, fsynced, renamed over `name`, then the dir fsynced. The temp file is
    // removed on any failure. Refuses when `name` is a symlink, a directory, another non-regular
    // file or a regular file with more than one link.
    // Batched durability for many files: stage each replacement (a temporary file with the
    // data, owner and mode, not yet flushed), make the batch durable with one syncFileSystem()
    // per file system, commit each (rename; the target is checked for planted links there, and
    // only there: writeFileAtomic also looks before it writes),
    // then syncFileSystem() once more so the renames are durable. Two flushes per batch
    // instead of two per file; writeFileAtomic is the same steps for a single file. With
    // `flush`, the staged file is flushed on its own before this returns (a small batch:
    // targets/durable_batch.hpp says when).
    Status stageFile(const std::string& name, std::string_view data, const Ownership& owner,
                     StagedFile* staged, bool flush = false) const;
    Status commitStaged(const StagedFile& staged) const;
    void discardStaged(const StagedFile& staged) const;
    Status syncFileSystem() const;
    // Flushes this directory's entries (a removal or rename in it survives a power loss).
    Status flushEntries() const;
    // The file system this directory is on; asked of the system once per SafeDir (an open
    // directory cannot move to another file system), or not at all when openChild read it.
    std::uint64_t device() const;

    Status writeFileAtomic(const std::string& name, std::string_view data, const Ownership& owner,
                           RenameDurability durability = RenameDurability::Durable) const;
    // Ownership of the existing regular file `name`, else `fallback` (see replacementOwnership).
    Ownership ownershipFor(const std::string& name, const Ownership& fallback) const;

    // Within this dir; refuses if `from` is not a regular file.
    Status renameEntry(const std::string& from, const std::string& to) const;
    // unlinkat, never follows; a missing entry counts as removed (removal is idempotent).
    Status removeFile(const std::string& name) const;
    // A missing directory counts as removed; a non-empty one is an error.
    Status removeEmptyDir(const std::string& name) const;
    // Entry names, sorted, without "." and "..". *status (optional) fails when the listing could
    // not be read to its end (the names read so far are still returned).
    std::vector<std::string> list(Status* status) const;
    // Each entry's name in the directory's own order, without "." and "..", holding none of
    // them: a home root of 100,000 homes listed whole was 6 MB of names. Fails when the listing
    // could not be read to its end (the names read so far were visited).
    Status forEachEntry(const std::function<void(std::string_view name)>& visit) const;
    // After a pass that did not finish (platform/temporary_writes.hpp), removes that pass's
    // leftover temporaries of `name` in this directory, as a write of `name` would, though this
    // pass may not write it; otherwise (and on Windows, whose writes do not look for leftovers)
    // nothing.
    void removeLeftoversIfLooking(const std::string& name) const;

    const std::string& path() const { return path_; }

  private:
    SafeDir(std::intptr_t handle, std::string path);
    std::string describe(const std::string& name) const;
    Status stage(const std::string& name, std::string_view data, const Ownership& owner, bool flush,
                 StagedFile* staged) const;
    void removeStaleTemporaries(const std::string& name) const;

    std::intptr_t handle_ = -1;  // a file descriptor on POSIX (a HANDLE fits too)
    std::string path_;
    // The name whose leftovers removeLeftoversIfLooking already removed here, and under which
    // pass's scope: a write of it in the same pass need not list the directory again.
    mutable std::string leftoversRemovedFor_;
    mutable std::uint64_t leftoversRemovedIn_ = 0;
    std::optional<FileInfo> infoWhenOpened_;  // what openChild read, when it read it
    mutable std::optional<std::uint64_t> device_;
    // POSIX: the handle's own offset has been used by a listing. The first listing reads the
    // handle itself (no descriptor opened and closed for it: two system calls per directory a
    // first pass writes); any later one, or one inside it, opens the directory again.
    mutable bool handleListed_ = false;
};

// The path with the links SafeDir::open would follow resolved: the deepest directory of it that
// opens under that rule, spelled physically, plus the rest. For APIs that refuse any link in a
// path (SQLite's SQLITE_OPEN_NOFOLLOW) on a machine whose /var is a link (macOS). The path as
// given when nothing opens.
std::string physicalPath(const std::string& absolutePath);

// Convenience for single files given by absolute path (parent opened with SafeDir::open). A
// missing parent directory reads as a missing file.
ReadResult readFileNoFollow(const std::string& absolutePath, uint64_t maxBytes);
ReadResult readFileNoFollowInPieces(const std::string& absolutePath, uint64_t maxBytes,
                                    const FilePieces& piece);
// readFileNoFollow for a file a pass visits and may write: first removes a killed pass's leftover
// temporaries of it when the pass looks for them (SafeDir::removeLeftoversIfLooking).
ReadResult readVisitedFileNoFollow(const std::string& absolutePath, uint64_t maxBytes);
Status writeFileAtomic(const std::string& absolutePath, std::string_view data,
                       const Ownership& owner,
                       RenameDurability durability = RenameDurability::Durable);

}  // namespace mpa::platform
