// The parts of safe_fs that do not touch the OS.
#include <algorithm>

#include "platform/random_guid.hpp"
#include "platform/safe_fs.hpp"
#include "platform/safe_fs_detail.hpp"

namespace mpa::platform {

namespace detail {

std::string joinPath(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

std::string randomHex(std::size_t length) {
    static const char kHex[] = "0123456789abcdef";
    // The system generator (the name must not be guessable), asked directly: a std::random_device
    // made per name probed the CPU's features each time, which in a virtual machine was a tenth
    // of a first pass's CPU. Asked for 256 bytes at a time (getentropy's limit), not 8 per name: a
    // pass that writes thousands of files made one getrandom per file. Per thread, so no lock; each
    // byte is used once.
    thread_local unsigned char pool[256];
    thread_local std::size_t used = sizeof pool;
    std::string out;
    out.reserve(length);
    while (out.size() < length) {
        if (used == sizeof pool) {
            fillRandomBytes(pool, sizeof pool);
            used = 0;
        }
        const unsigned char byte = pool[used++];
        out += kHex[byte >> 4];
        if (out.size() < length) out += kHex[byte & 0xF];
    }
    return out;
}

Status checkComponent(const std::string& name, const std::string& where) {
    if (isSingleComponent(name)) return Status::success();
    return Status::failure(where + ": not a single path component");
}

Status checkReplaceable(const FileInfo& existing, const std::string& where) {
    switch (existing.kind) {
        case FileKind::Missing:
            break;
        case FileKind::Regular:
            if (existing.nlink > 1) {
                return Status::failure(where + ": has " + std::to_string(existing.nlink) +
                                       " hard links; refusing to replace it (possibly planted)");
            }
            break;
        case FileKind::Symlink:
            return Status::failure(linkRefusal(where));
        case FileKind::Directory:
            return Status::failure(where + ": is a directory; refusing to replace it");
        case FileKind::Other:
            return Status::failure(where + ": is not a regular file; refusing to replace it");
    }
    return Status::success();
}

Status checkReadable(const FileInfo& info, const PathForMessage& where, std::uint64_t maxBytes) {
    if (info.kind == FileKind::Symlink) return Status::failure(linkRefusal(where()));
    if (info.kind != FileKind::Regular)
        return Status::failure(where() + ": is not a regular file; refusing to read it");
    if (info.nlink > 1) {
        return Status::failure(where() + ": has " + std::to_string(info.nlink) +
                               " hard links; refusing to read it (possibly planted)");
    }
    if (info.size > maxBytes) {
        return Status::failure(where() + ": is " + std::to_string(info.size) +
                               " bytes, more than the " + std::to_string(maxBytes) + " allowed");
    }
    return Status::success();
}

Status readBounded(
    const std::function<std::ptrdiff_t(char* buffer, std::size_t size, Status* status)>& readChunk,
    const PathForMessage& where, std::uint64_t maxBytes, std::uint64_t statSize,
    const FilePieces& piece) {
    // Read at most maxBytes + 1 so a file that grows while we read is still caught.
    char buffer[16384];
    std::uint64_t total = 0;
    while (true) {
        Status chunk;
        const std::ptrdiff_t n = readChunk(buffer, sizeof buffer, &chunk);
        if (n < 0) return Status::failure(where() + ": " + chunk.error);
        if (n == 0) break;
        total += static_cast<std::uint64_t>(n);
        if (total > maxBytes)
            return Status::failure(where() + ": grew beyond the " + std::to_string(maxBytes) +
                                   " bytes allowed while being read");
        piece(std::string_view(buffer, static_cast<std::size_t>(n)), statSize);
        if (static_cast<std::size_t>(n) < sizeof buffer && total == statSize) break;
    }
    return Status::success();
}

Status checkRenamable(const FileInfo& from, const std::string& fromName,
                      const std::string& fromWhere, const std::string& toName,
                      const std::string& toWhere, const std::string& missingText) {
    if (Status ok = checkComponent(fromName, fromWhere); !ok) return ok;
    if (Status ok = checkComponent(toName, toWhere); !ok) return ok;
    if (from.kind == FileKind::Missing) return Status::failure(fromWhere + ": " + missingText);
    if (from.kind != FileKind::Regular)
        return Status::failure(fromWhere + ": is not a regular file; refusing to rename it");
    return Status::success();
}

}  // namespace detail

SafeDir::SafeDir(std::intptr_t handle, std::string path)
    : handle_(handle), path_(std::move(path)) {}

SafeDir::SafeDir(SafeDir&& other) noexcept
    : handle_(other.handle_),
      path_(std::move(other.path_)),
      leftoversRemovedFor_(std::move(other.leftoversRemovedFor_)),
      leftoversRemovedIn_(other.leftoversRemovedIn_),
      infoWhenOpened_(other.infoWhenOpened_),
      device_(other.device_),
      handleListed_(other.handleListed_) {
    other.handle_ = -1;
}

SafeDir& SafeDir::operator=(SafeDir&& other) noexcept {
    if (this != &other) {
        if (handle_ != -1) detail::closeHandle(handle_);
        handle_ = other.handle_;
        path_ = std::move(other.path_);
        leftoversRemovedFor_ = std::move(other.leftoversRemovedFor_);
        leftoversRemovedIn_ = other.leftoversRemovedIn_;
        infoWhenOpened_ = other.infoWhenOpened_;
        device_ = other.device_;
        handleListed_ = other.handleListed_;
        other.handle_ = -1;
    }
    return *this;
}

SafeDir::~SafeDir() {
    if (handle_ != -1) detail::closeHandle(handle_);
}

std::optional<SafeDir> SafeDir::open(const std::string& absolutePath, Status* status) {
    return open(absolutePath, status, nullptr);
}

// Staging only: each OS decides in stage() whether the file is flushed now (POSIX leaves it to
// syncFileSystem(); Windows always flushes, see safe_fs_win.cpp).
FileInfo SafeDir::infoWhenOpened() const {
    return infoWhenOpened_ ? *infoWhenOpened_ : self();
}

Status SafeDir::stageFile(const std::string& name, std::string_view data, const Ownership& owner,
                          StagedFile* staged, bool flush) const {
    return stage(name, data, owner, flush, staged);
}

Status SafeDir::writeFileAtomic(const std::string& name, std::string_view data,
                                const Ownership& owner, RenameDurability durability) const {
    // A file that cannot be replaced is refused before anything is written (commitStaged looks
    // again before the rename, which is the look that counts).
    // (stat() answers Missing for a name that is not one component; stage() refuses it.)
    if (Status ok = detail::checkReplaceable(stat(name), describe(name)); !ok) return ok;
    StagedFile staged;
    if (Status ok = stage(name, data, owner, true, &staged); !ok) return ok;
    if (Status ok = commitStaged(staged); !ok) return ok;
    if (durability == RenameDurability::WholeOnly) return Status::success();
    return detail::flushDirectory(handle_, describe(name));
}

ReadResult SafeDir::readFile(const std::string& name, uint64_t maxBytes) const {
    std::string data;
    ReadResult result =
        readFileInPieces(name, maxBytes, [&data](std::string_view piece, std::uint64_t size) {
            // The size the file had when it was opened, reserved whole: grown by doubling, a
            // 5 MB file was held in an 8 MB string.
            if (data.empty() && size >= piece.size()) data.reserve(static_cast<std::size_t>(size));
            data.append(piece);
        });
    if (result.status) result.data = std::move(data);
    return result;
}

std::vector<std::string> SafeDir::list(Status* status) const {
    std::vector<std::string> names;
    Status read = forEachEntry([&names](std::string_view name) { names.emplace_back(name); });
    if (!read && status) *status = std::move(read);
    std::sort(names.begin(), names.end());
    return names;
}

Status SafeDir::flushEntries() const {
    return detail::flushDirectory(handle_, path_);
}

Ownership replacementOwnership(const FileInfo& existing, const Ownership& fallback) {
    if (existing.kind != FileKind::Regular) return fallback;
    return Ownership{existing.uid, existing.gid, existing.mode};
}

std::string SafeDir::describe(const std::string& name) const {
    return detail::joinPath(path_, name);
}

Ownership SafeDir::ownershipFor(const std::string& name, const Ownership& fallback) const {
    return replacementOwnership(stat(name), fallback);
}

namespace {

// The file at an absolute path, read by `read` from its opened parent.
template <typename Read>
ReadResult readFromParent(const std::string& absolutePath, Read&& read) {
    ReadResult result;
    std::string parent, name;
    if (!detail::splitParent(absolutePath, &parent, &name)) {
        result.status = Status::failure(absolutePath + ": not an absolute path to a file");
        return result;
    }
    bool missing = false;
    Status opened;
    const std::optional<SafeDir> dir = SafeDir::open(parent, &opened, &missing);
    if (!dir) {
        result.missing = missing;
        if (!missing) result.status = opened;
        return result;
    }
    return read(*dir, name);
}

}  // namespace

ReadResult readFileNoFollow(const std::string& absolutePath, uint64_t maxBytes) {
    return readFromParent(absolutePath, [&](const SafeDir& dir, const std::string& name) {
        return dir.readFile(name, maxBytes);
    });
}

ReadResult readFileNoFollowInPieces(const std::string& absolutePath, uint64_t maxBytes,
                                    const FilePieces& piece) {
    return readFromParent(absolutePath, [&](const SafeDir& dir, const std::string& name) {
        return dir.readFileInPieces(name, maxBytes, piece);
    });
}

ReadResult readVisitedFileNoFollow(const std::string& absolutePath, uint64_t maxBytes) {
    return readFromParent(absolutePath, [&](const SafeDir& dir, const std::string& name) {
        dir.removeLeftoversIfLooking(name);
        return dir.readFile(name, maxBytes);
    });
}

Status writeFileAtomic(const std::string& absolutePath, std::string_view data,
                       const Ownership& owner, RenameDurability durability) {
    std::string parent, name;
    if (!detail::splitParent(absolutePath, &parent, &name))
        return Status::failure(absolutePath + ": not an absolute path to a file");
    Status opened;
    const std::optional<SafeDir> dir = SafeDir::open(parent, &opened);
    if (!dir) return opened;
    return dir->writeFileAtomic(name, data, owner, durability);
}

namespace detail {

namespace {
constexpr std::size_t kTemporaryRandomHex = 16;
constexpr std::size_t kTemporaryNameStem = 100;  // longer names are cut: NAME_MAX is 255
}  // namespace

std::string temporaryNameFor(const std::string& name) {
    return "." + name.substr(0, kTemporaryNameStem) + ".mpa-" + randomHex(kTemporaryRandomHex) +
           ".tmp";
}

bool isTemporaryNameFor(const std::string& entry, const std::string& name) {
    const std::string prefix = "." + name.substr(0, kTemporaryNameStem) + ".mpa-";
    const std::string suffix = ".tmp";
    if (entry.size() != prefix.size() + kTemporaryRandomHex + suffix.size()) return false;
    if (entry.compare(0, prefix.size(), prefix) != 0) return false;
    if (entry.compare(entry.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    for (std::size_t i = prefix.size(); i < prefix.size() + kTemporaryRandomHex; ++i)
        if (!((entry[i] >= '0' && entry[i] <= '9') || (entry[i] >= 'a' && entry[i] <= 'f')))
            return false;
    return true;
}

}  // namespace detail

}  // namespace mpa::platform
