// POSIX implementation of safe_fs: everything goes through *at() calls on directory descriptors
// with O_NOFOLLOW, so a name is resolved exactly once, in the directory we checked.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "platform/safe_fs.hpp"
#include "platform/safe_fs_detail.hpp"
#include "platform/temporary_writes.hpp"

namespace mpa::platform {

using detail::isSingleComponent;
using detail::joinPath;
using detail::randomHex;
using detail::splitParent;

namespace {

std::string errnoText(int err) {
    return std::strerror(err);
}

int toFd(std::intptr_t handle) {
    return static_cast<int>(handle);
}

// The agent never changes its identity, and this is asked for every file written.
uid_t effectiveUid() {
    static const uid_t uid = ::geteuid();
    return uid;
}

// Closes a descriptor on scope exit unless released.
class FdGuard {
  public:
    explicit FdGuard(int fd) : fd_(fd) {}
    ~FdGuard() {
        if (fd_ >= 0) ::close(fd_);
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    int get() const { return fd_; }
    void reset(int fd) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_;
};

FileKind kindOf(mode_t mode) {
    if (S_ISREG(mode)) return FileKind::Regular;
    if (S_ISDIR(mode)) return FileKind::Directory;
    if (S_ISLNK(mode)) return FileKind::Symlink;
    return FileKind::Other;
}

FileInfo infoFrom(const struct stat& st) {
    FileInfo info;
    info.kind = kindOf(st.st_mode);
    info.mode = static_cast<uint32_t>(st.st_mode & 07777);
    info.uid = static_cast<uint32_t>(st.st_uid);
    info.gid = static_cast<uint32_t>(st.st_gid);
    info.size = static_cast<uint64_t>(st.st_size);
    info.nlink = static_cast<uint64_t>(st.st_nlink);
#ifdef __APPLE__
    info.mtimeNs = static_cast<int64_t>(st.st_mtimespec.tv_sec) * 1000000000 +
                   static_cast<int64_t>(st.st_mtimespec.tv_nsec);
#else
    info.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                   static_cast<int64_t>(st.st_mtim.tv_nsec);
#endif
    return info;
}

FileInfo lstatAt(int dirFd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return FileInfo{};
    return infoFrom(st);
}

// A name that resolves inside this directory and nowhere else.

// Explains why an O_NOFOLLOW open failed: with O_NOFOLLOW a symlink shows up as ELOOP (or
// ENOTDIR with O_DIRECTORY, EMLINK on FreeBSD), which on its own reads like something else.
std::string openFailure(int dirFd, const std::string& name, const std::string& where, int err) {
    if (err == ELOOP || err == ENOTDIR || err == EMLINK) {
        if (lstatAt(dirFd, name).kind == FileKind::Symlink) return detail::linkRefusal(where);
        if (err == ENOTDIR) return where + ": is not a directory";
    }
    return where + ": " + errnoText(err);
}

int openDirAt(int dirFd, const std::string& name) {
    int fd;
    do {
        fd = ::openat(dirFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

Status writeAll(int fd, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Status::failure(errnoText(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    return Status::success();
}

// chown() reads (uid_t)-1 as "leave unchanged": an Ownership carrying it is a bug upstream, and
// silently keeping root as the owner of a user's file is not what the caller asked for.
bool isValidOwner(const Ownership& owner) {
    return owner.uid != 0xFFFFFFFFu && owner.gid != 0xFFFFFFFFu;
}

}  // namespace

namespace {

// A directory nobody but root can change: owned by root, not writable by others, and writable
// by its group only when that group is root's. A sticky world-writable directory (/tmp) does
// not qualify: anyone may add entries there, so nothing found in it is root's alone.
bool isRootsAlone(const struct stat& st) {
    if (st.st_uid != 0) return false;
    if ((st.st_mode & S_IWOTH) != 0) return false;
    return (st.st_mode & S_IWGRP) == 0 || st.st_gid == 0;
}

// Splits a path into its components (empty ones and "." dropped), appended to `out`.
void appendComponents(const std::string& path, std::vector<std::string>* out) {
    std::size_t pos = 0;
    while (pos <= path.size()) {
        const std::size_t next = std::min(path.find('/', pos), path.size());
        std::string component = path.substr(pos, next - pos);
        if (!component.empty() && component != ".") out->push_back(std::move(component));
        pos = next + 1;
    }
}

std::string joinComponents(const std::vector<std::string>& parts) {
    std::string joined;
    for (const auto& part : parts) joined += "/" + part;
    return joined.empty() ? "/" : joined;
}

// The directory walk of SafeDir::open: from "/", one component at a time with O_NOFOLLOW. A
// symbolic link is followed only when the link and every directory above it are root's alone
// (the rule sudo applies to sudoers, and the kernel's protected_symlinks applies in sticky
// directories): macOS's /etc -> private/etc, Fedora Atomic's /home -> var/home. A link a user
// could have made or replaced (in their home, in /tmp, owned by them) is refused as before.
class PathWalk {
  public:
    static constexpr int kMaxLinks = 40;  // the kernel's own limit (ELOOP)

    // Opens "/" followed by `parts` (physical components, no links).
    Status reopen(const std::vector<std::string>& parts) {
        current_.reset(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        walked_.clear();
        if (current_.get() < 0) return Status::failure("/: " + errnoText(errno));
        trusted_ = statTrusted();
        for (const auto& part : parts) {
            const int fd = openDirAt(current_.get(), part);
            if (fd < 0)
                return Status::failure(openFailure(current_.get(), part, here(part), errno));
            enter(fd, part);
        }
        return Status::success();
    }

    // Why the link `name` in the current directory may not be followed ("" when it may). The
    // message to the caller stays "refusing to follow it"; the rule is in docs/architecture.md.
    std::string refusal(const std::string& name) const {
        if (!trusted_)
            return "a directory above it is not root's alone (owned by another user or writable "
                   "by others)";
        const FileInfo link = lstatAt(current_.get(), name);
        if (link.uid != 0) return "it is owned by uid " + std::to_string(link.uid) + ", not root";
        return {};
    }

    bool readLink(const std::string& name, std::string* target) const {
        char buffer[4096];
        const ssize_t n = ::readlinkat(current_.get(), name.c_str(), buffer, sizeof buffer);
        if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return false;
        target->assign(buffer, static_cast<std::size_t>(n));
        return true;
    }

    void enter(int fd, const std::string& name) {
        current_.reset(fd);  // the parent is no longer needed: the child fd pins the path
        walked_.push_back(name);
        trusted_ = trusted_ && statTrusted();
    }

    std::string here(const std::string& name) const {
        return (walked_.empty() ? std::string() : joinComponents(walked_)) + "/" + name;
    }
    int fd() const { return current_.get(); }
    int release() { return current_.release(); }
    const std::vector<std::string>& walked() const { return walked_; }

  private:
    bool statTrusted() const {
        struct stat st {};
        return ::fstat(current_.get(), &st) == 0 && isRootsAlone(st);
    }

    FdGuard current_{-1};
    std::vector<std::string> walked_;  // physical components of what is open now
    bool trusted_ = false;             // "/" and everything walked so far is root's alone
};

}  // namespace

namespace {

// SafeDir::open's walk: the open descriptor (or -1 with *status failed), and the physical path
// opened.
int walkPath(const std::string& absolutePath, Status* status, bool* missing,
             std::string* physical) {
    auto fail = [&](std::string message, bool isMissing) {
        if (status) *status = Status::failure(std::move(message));
        if (missing) *missing = isMissing;
        return -1;
    };
    if (missing) *missing = false;
    if (absolutePath.empty() || absolutePath.front() != '/')
        return fail(absolutePath + ": not an absolute path", false);

    std::vector<std::string> parts;
    appendComponents(absolutePath, &parts);
    // ".." would let a path climb out of the tree it names; nothing legitimate needs it. (A
    // root-owned link's target may use it: that is resolved below, against what was opened.)
    for (const auto& part : parts)
        if (part == "..")
            return fail(absolutePath + ": contains '..'; refusing to resolve it", false);

    PathWalk walk;
    if (auto opened = walk.reopen({}); !opened) return fail(opened.error, false);
    std::deque<std::string> todo(parts.begin(), parts.end());
    int linksFollowed = 0;
    while (!todo.empty()) {
        const std::string component = todo.front();
        todo.pop_front();
        if (component == "..") {  // from a followed link's target: one physical level up
            auto up = walk.walked();
            if (!up.empty()) up.pop_back();
            if (auto opened = walk.reopen(up); !opened) return fail(opened.error, false);
            continue;
        }
        const std::string where = walk.here(component);
        const int fd = openDirAt(walk.fd(), component);
        if (fd >= 0) {
            walk.enter(fd, component);
            continue;
        }
        const int err = errno;
        const bool isLink = (err == ELOOP || err == ENOTDIR || err == EMLINK) &&
                            lstatAt(walk.fd(), component).kind == FileKind::Symlink;
        if (!isLink) return fail(openFailure(walk.fd(), component, where, err), err == ENOENT);
        if (const auto why = walk.refusal(component); !why.empty())
            return fail(detail::linkRefusal(where), false);
        std::string target;
        if (!walk.readLink(component, &target))
            return fail(where + ": cannot read the symbolic link", false);
        if (++linksFollowed > PathWalk::kMaxLinks)
            return fail(absolutePath + ": too many levels of symbolic links", false);
        // Kernel semantics: an absolute target starts again at "/", a relative one at the
        // directory that holds the link; either way the rest of the path follows it.
        std::vector<std::string> expanded;
        appendComponents(target, &expanded);
        todo.insert(todo.begin(), expanded.begin(), expanded.end());
        if (!target.empty() && target.front() == '/')
            if (auto opened = walk.reopen({}); !opened) return fail(opened.error, false);
    }
    *physical = joinComponents(walk.walked());
    return walk.release();
}

}  // namespace

std::optional<SafeDir> SafeDir::open(const std::string& absolutePath, Status* status,
                                     bool* missing) {
    std::string physical;
    const int fd = walkPath(absolutePath, status, missing, &physical);
    if (fd < 0) return std::nullopt;
    // Messages keep naming the path as the caller spelled it, even when a link was followed.
    std::vector<std::string> parts;
    appendComponents(absolutePath, &parts);
    return SafeDir(fd, joinComponents(parts));
}

std::string physicalPath(const std::string& absolutePath) {
    std::vector<std::string> parts;
    appendComponents(absolutePath, &parts);
    // The deepest directory that opens (the rest may not exist yet), spelled physically.
    for (std::size_t keep = parts.size() + 1; keep-- > 0;) {
        const std::vector<std::string> head(parts.begin(), parts.begin() + keep);
        std::string physical;
        const int fd = walkPath(joinComponents(head), nullptr, nullptr, &physical);
        if (fd < 0) continue;
        ::close(fd);
        for (std::size_t i = keep; i < parts.size(); ++i)
            physical += (physical == "/" ? "" : "/") + parts[i];
        return physical;
    }
    return absolutePath;
}

std::optional<SafeDir> SafeDir::openChild(const std::string& name, bool create,
                                          const Ownership& created,
                                          std::optional<uint32_t> ownerUid, bool* wasCreated,
                                          Status* status, bool* missing) const {
    auto fail = [&](std::string message) -> std::optional<SafeDir> {
        if (status) *status = Status::failure(std::move(message));
        return std::nullopt;
    };
    if (wasCreated) *wasCreated = false;
    if (missing) *missing = false;
    const std::string where = describe(name);
    if (Status ok = detail::checkComponent(name, where); !ok) return fail(ok.error);
    const int dirFd = toFd(handle_);
    if (create && !isValidOwner(created)) return fail(where + ": invalid owner uid/gid -1");

    bool madeIt = false;
    if (create) {
        if (::mkdirat(dirFd, name.c_str(), static_cast<mode_t>(created.mode & 07777)) == 0) {
            madeIt = true;
        } else if (errno != EEXIST) {
            return fail(where + ": cannot create directory: " + errnoText(errno));
        }
    }
    const int fd = openDirAt(dirFd, name);
    if (fd < 0) {
        const int err = errno;
        if (missing) *missing = err == ENOENT;
        return fail(openFailure(dirFd, name, where, err));
    }
    FdGuard guard(fd);
    if (!madeIt && !ownerUid) {  // nothing to check: the no-follow open refused any link
        if (wasCreated) *wasCreated = false;
        return SafeDir(guard.release(), where);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail(where + ": " + errnoText(errno));

    if (madeIt) {
        // Between mkdirat and openat the owner of the parent could have swapped in a directory of
        // their own; only chown what is still ours (a fresh dir is owned by our euid).
        if (st.st_uid != effectiveUid()) {
            madeIt = false;
        } else {
            // mkdirat's mode was filtered by the umask; set the exact bits, after the chown
            // because chown may clear set-id bits.
            if ((st.st_uid != created.uid || st.st_gid != created.gid) &&
                ::fchown(fd, static_cast<uid_t>(created.uid), static_cast<gid_t>(created.gid)) != 0)
                return fail(where + ": cannot change owner: " + errnoText(errno));
            if (::fchmod(fd, static_cast<mode_t>(created.mode & 07777)) != 0)
                return fail(where + ": cannot change mode: " + errnoText(errno));
            // What the two calls made it, without asking again.
            st.st_uid = static_cast<uid_t>(created.uid);
            st.st_gid = static_cast<gid_t>(created.gid);
            st.st_mode = (st.st_mode & ~static_cast<mode_t>(07777)) |
                         static_cast<mode_t>(created.mode & 07777);
        }
    }
    if (ownerUid && st.st_uid != *ownerUid && st.st_uid != 0) {
        return fail(where + ": is owned by uid " + std::to_string(st.st_uid) + ", not by uid " +
                    std::to_string(*ownerUid) + " or root; refusing to use it");
    }
    if (wasCreated) *wasCreated = madeIt;
    SafeDir opened(guard.release(), where);
    opened.infoWhenOpened_ = infoFrom(st);
    opened.device_ = static_cast<std::uint64_t>(st.st_dev);
    return opened;
}

FileInfo SafeDir::stat(const std::string& name) const {
    if (!isSingleComponent(name)) return FileInfo{};
    return lstatAt(toFd(handle_), name);
}

FileInfo SafeDir::self() const {
    struct stat st {};
    if (::fstat(toFd(handle_), &st) != 0) return FileInfo{};
    return infoFrom(st);
}

ReadResult SafeDir::readFileInPieces(const std::string& name, uint64_t maxBytes,
                                     const FilePieces& piece) const {
    ReadResult result;
    // The file's path is made only for a message (most reads succeed, many find no file).
    const auto where = [this, &name] { return describe(name); };
    auto fail = [&](std::string message) {
        result.status = Status::failure(std::move(message));
        return result;
    };
    if (!detail::isSingleComponent(name)) return fail(detail::checkComponent(name, where()).error);
    const int dirFd = toFd(handle_);
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    // O_NOCTTY: a planted terminal device must not become our controlling terminal.
    int fd;
    do {
        fd = ::openat(dirFd, name.c_str(),
                      O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT) {
            result.missing = true;
            return result;
        }
        return fail(openFailure(dirFd, name, where(), err));
    }
    FdGuard guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        return fail(where() + ": " + errnoText(err));
    }
    result.info = infoFrom(st);
    if (Status ok = detail::checkReadable(result.info, where, maxBytes); !ok) return fail(ok.error);
    const auto readChunk = [fd](char* buffer, std::size_t size, Status* status) {
        ssize_t n;
        do {
            n = ::read(fd, buffer, size);
        } while (n < 0 && errno == EINTR);
        if (n < 0) *status = Status::failure(errnoText(errno));
        return static_cast<std::ptrdiff_t>(n);
    };
    result.status = detail::readBounded(readChunk, where, maxBytes, result.info.size, piece);
    return result;
}

namespace {

// rename() would replace a symlink or a hard link rather than write through it, but either one
// in a user's data directory is a sign of tampering: report it instead of papering over.
Status checkReplaceable(int dirFd, const std::string& name, const std::string& where) {
    return detail::checkReplaceable(lstatAt(dirFd, name), where);
}

}  // namespace

// Passes are serialised machine-wide (engine/pass_lock.hpp), so a temporary file of ours found
// before writing `name` is a killed pass's leftover. Only our names for `name`, only regular
// files owned by this process's account or by the directory's owner (a user's file the agent
// had already given to them) are removed, never following a link. Inside a pass that knows the
// pass before it finished, this listing is skipped (platform/temporary_writes.hpp).
void SafeDir::removeStaleTemporaries(const std::string& name) const {
    const int dirFd = toFd(handle_);
    std::optional<uid_t> dirOwner;  // asked only when there is a leftover: nearly never
    for (const auto& entry : list(nullptr)) {
        if (!detail::isTemporaryNameFor(entry, name)) continue;
        struct stat st {};
        if (::fstatat(dirFd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!dirOwner) {
            struct stat dir {};
            if (::fstat(dirFd, &dir) != 0) return;
            dirOwner = dir.st_uid;
        }
        if (st.st_uid != effectiveUid() && st.st_uid != *dirOwner) continue;
        ::unlinkat(dirFd, entry.c_str(), 0);
    }
}

void SafeDir::removeLeftoversIfLooking(const std::string& name) const {
    if (!isSingleComponent(name)) return;
    if (const auto scope = TemporaryWriteHooks::visitScope()) {
        removeStaleTemporaries(name);
        leftoversRemovedFor_ = name;
        leftoversRemovedIn_ = scope;
    }
}

Status SafeDir::stage(const std::string& name, std::string_view data, const Ownership& owner,
                      bool flush, StagedFile* staged) const {
    const std::string where = describe(name);
    if (Status ok = detail::checkComponent(name, where); !ok) return ok;
    const int dirFd = toFd(handle_);
    if (!isValidOwner(owner)) return Status::failure(where + ": invalid owner uid/gid -1");
    // Whether `name` may be replaced is looked at before the rename (commitStaged), not here:
    // a batch's caller has just read it without following links, and a look here too was one
    // system call more per file of a first pass.
    // Passes are serialised: what this pass's visit of the file removed cannot have come back.
    if (TemporaryWriteHooks::beforeTemporary(name == leftoversRemovedFor_ ? leftoversRemovedIn_
                                                                          : 0))
        removeStaleTemporaries(name);

    std::string tempName;
    int fd = -1;
    for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
        tempName = detail::temporaryNameFor(name);
        fd = ::openat(dirFd, tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0600);
        if (fd < 0 && errno != EEXIST && errno != EINTR)
            return Status::failure(where + ": cannot create a temporary file: " + errnoText(errno));
    }
    if (fd < 0) return Status::failure(where + ": cannot create a temporary file: name collisions");
    FdGuard guard(fd);
    TemporaryWriteHooks::made();

    const auto removeTemporary = [&] {
        if (::unlinkat(dirFd, tempName.c_str(), 0) == 0) TemporaryWriteHooks::gone();
    };
    auto abandon = [&](const std::string& what, int err) {
        removeTemporary();
        return Status::failure(where + ": " + what + ": " + errnoText(err));
    };
    if (Status written = writeAll(fd, data); !written) {
        removeTemporary();
        return Status::failure(where + ": cannot write: " + written.error);
    }
    // Root gives the file away directly. Another account first looks whether the file is
    // already as asked: skipping that no-op chown lets it write files it already owns.
    bool chownNeeded = effectiveUid() == 0;
    if (!chownNeeded) {
        struct stat st {};
        if (::fstat(fd, &st) != 0) return abandon("cannot stat the temporary file", errno);
        chownNeeded = st.st_uid != owner.uid || st.st_gid != owner.gid;
    }
    if (chownNeeded &&
        ::fchown(fd, static_cast<uid_t>(owner.uid), static_cast<gid_t>(owner.gid)) != 0)
        return abandon("cannot change owner", errno);
    // After the chown, which may clear set-id bits.
    if (::fchmod(fd, static_cast<mode_t>(owner.mode & 07777)) != 0)
        return abandon("cannot change mode", errno);
    if (flush && ::fsync(fd) != 0) return abandon("cannot flush", errno);
    if (::close(guard.release()) != 0) return abandon("cannot close", errno);
    *staged = StagedFile{name, tempName};
    return Status::success();
}

Status SafeDir::commitStaged(const StagedFile& staged) const {
    const std::string where = describe(staged.name);
    const int dirFd = toFd(handle_);
    // The target may have changed since staging (a user planting a link): check again.
    if (Status ok = checkReplaceable(dirFd, staged.name, where); !ok) {
        discardStaged(staged);
        return ok;
    }
    if (::renameat(dirFd, staged.tempName.c_str(), dirFd, staged.name.c_str()) != 0) {
        const int err = errno;
        discardStaged(staged);
        return Status::failure(where +
                               ": cannot rename the temporary file over it: " + errnoText(err));
    }
    TemporaryWriteHooks::gone();
    return Status::success();
}

void SafeDir::discardStaged(const StagedFile& staged) const {
    // Counted only when removed now: a second discard of the same file finds nothing.
    if (::unlinkat(toFd(handle_), staged.tempName.c_str(), 0) == 0) TemporaryWriteHooks::gone();
}

Status SafeDir::syncFileSystem() const {
    if (::syncfs(toFd(handle_)) != 0)
        return Status::failure(path_ + ": flushing the file system failed: " + errnoText(errno));
    return Status::success();
}

std::uint64_t SafeDir::device() const {
    if (device_) return *device_;
    struct stat st {};
    if (::fstat(toFd(handle_), &st) != 0) return 0;
    device_ = static_cast<std::uint64_t>(st.st_dev);
    return *device_;
}

Status SafeDir::renameEntry(const std::string& from, const std::string& to) const {
    const int dirFd = toFd(handle_);
    if (Status ok = detail::checkRenamable(stat(from), from, describe(from), to, describe(to),
                                           errnoText(ENOENT));
        !ok)
        return ok;
    if (::renameat(dirFd, from.c_str(), dirFd, to.c_str()) != 0)
        return Status::failure(describe(from) + ": cannot rename to " + to + ": " +
                               errnoText(errno));
    return Status::success();
}

Status SafeDir::removeFile(const std::string& name) const {
    if (Status ok = detail::checkComponent(name, describe(name)); !ok) return ok;
    if (::unlinkat(toFd(handle_), name.c_str(), 0) != 0 && errno != ENOENT)
        return Status::failure(describe(name) + ": cannot remove: " + errnoText(errno));
    return Status::success();
}

Status SafeDir::removeEmptyDir(const std::string& name) const {
    if (Status ok = detail::checkComponent(name, describe(name)); !ok) return ok;
    if (::unlinkat(toFd(handle_), name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        return Status::failure(describe(name) + ": cannot remove directory: " + errnoText(errno));
    return Status::success();
}

namespace {

// Calls `each` with the name of every entry of the open directory `dirFd`, "." and ".."
// included; 0, or the errno that stopped the reading (what was read is kept). `offsetUnused`:
// nothing has read `dirFd`'s entries yet, so its own offset is at the start and may be used.
int readEntries(int dirFd, bool offsetUnused, const std::function<void(const char*)>& each) {
#ifdef __linux__
    // getdents64 on a descriptor whose offset is ours: two system calls for a small directory
    // when the directory's own descriptor has not been listed yet, four when it has (a
    // descriptor of its own, opened and closed), where fdopendir on a duplicate took eight (it
    // checks the descriptor's type and flags, and the duplicate shares the offset of any earlier
    // listing, so it had to be rewound). Every directory written by a pass that looks for a
    // killed pass's leftovers is listed (a first pass: one per profile). Opening "." needs
    // search permission, which an unprivileged caller may lack where it can read: then the
    // duplicate.
    const auto readAll = [&each](int fd) -> int {
        // On the heap, as readdir's is: a service's stack keeps the pages it once touched.
        constexpr std::size_t kBufferBytes = 32768;
        const std::unique_ptr<char[]> buffer(new char[kBufferBytes]);
        for (;;) {
            const ssize_t n = ::getdents64(fd, buffer.get(), kBufferBytes);
            if (n <= 0) return n < 0 ? errno : 0;
            for (ssize_t at = 0; at < n;) {
                const auto* entry = reinterpret_cast<const dirent64*>(buffer.get() + at);
                each(entry->d_name);
                at += entry->d_reclen;
            }
        }
    };
    if (offsetUnused) return readAll(dirFd);
    if (const int own = ::openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); own >= 0) {
        FdGuard guard(own);
        return readAll(own);
    }
#else
    (void)offsetUnused;
#endif
    // fdopendir takes ownership of the descriptor it gets, so give it a duplicate.
    const int fd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return errno;
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
        const int err = errno;
        ::close(fd);
        return err;
    }
    ::rewinddir(dir);  // the duplicate shares the offset of any earlier listing
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
        each(entry->d_name);
        errno = 0;
    }
    const int err = errno;
    ::closedir(dir);
    return err;
}

}  // namespace

Status SafeDir::forEachEntry(const std::function<void(std::string_view name)>& visit) const {
    // Marked before reading, so that a listing inside `visit` opens its own descriptor.
    const bool offsetUnused = !handleListed_;
    handleListed_ = true;
    const int err = readEntries(toFd(handle_), offsetUnused, [&visit](const char* name) {
        if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0) visit(name);
    });
    return err != 0 ? Status::failure(path_ + ": " + errnoText(err)) : Status::success();
}

// The path rules and handles of this OS (declared in safe_fs_detail.hpp).
namespace detail {

void closeHandle(std::intptr_t handle) {
    ::close(toFd(handle));
}

std::string linkRefusal(const std::string& where) {
    return where + ": is a symbolic link; refusing to follow it";
}

// The rename is durable only once the directory itself is flushed.
Status flushDirectory(std::intptr_t handle, const std::string& where) {
    if (::fsync(toFd(handle)) != 0)
        return Status::failure(
            where + ": replaced, but flushing the directory failed: " + errnoText(errno));
    return Status::success();
}

bool splitParent(const std::string& absolutePath, std::string* parent, std::string* name) {
    if (absolutePath.empty() || absolutePath.front() != '/') return false;
    std::string trimmed = absolutePath;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    const std::size_t slash = trimmed.rfind('/');
    *name = trimmed.substr(slash + 1);
    *parent = slash == 0 ? "/" : trimmed.substr(0, slash);
    return isSingleComponent(*name);
}

bool isSingleComponent(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\0') == std::string::npos;
}

}  // namespace detail

}  // namespace mpa::platform
