// Windows implementation of safe_fs. Win32 has no directory-relative open, so the guarantee
// comes from pinning instead: every directory is opened with FILE_FLAG_OPEN_REPARSE_POINT (a
// junction or symbolic link is opened as itself, then refused) and without FILE_SHARE_DELETE,
// so while a SafeDir lives nobody can rename, delete or swap that directory, and NTFS refuses
// to rename an ancestor of an open handle. A child name is then resolved in exactly the
// directory we checked. Files are opened the same way and checked on their handle.
//
// Ownership (uid/gid/mode) has no meaning here: a replaced file keeps its ACL and owner
// (ReplaceFileW carries them over), a new file or directory inherits its directory's ACL (in a
// profile: the user's full control). FileInfo.mode reports 0444/0644/0755 from the read-only
// attribute. Durability: every staged file is flushed (FlushFileBuffers) and renamed with
// MOVEFILE_WRITE_THROUGH, so syncFileSystem() has nothing left to do.
#include <algorithm>

#include "platform/safe_fs.hpp"
#include "platform/safe_fs_detail.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {

using detail::isSingleComponent;
using detail::joinPath;
using detail::randomHex;
using detail::splitParent;

namespace {

using win32::errorText;
using win32::HandleGuard;
using win32::nativePath;

HANDLE toHandle(std::intptr_t handle) {
    return reinterpret_cast<HANDLE>(handle);
}

bool isMissingError(DWORD err) {
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

// Opens a file or directory as itself (a reparse point is not followed).
HANDLE openNoFollow(const std::string& path, DWORD access, DWORD share) {
    return ::CreateFileW(nativePath(path).c_str(), access, share, nullptr, OPEN_EXISTING,
                         FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
}

int64_t unixNanoseconds(const FILETIME& t) {
    const int64_t ticks =
        static_cast<int64_t>((static_cast<uint64_t>(t.dwHighDateTime) << 32) | t.dwLowDateTime);
    constexpr int64_t kUnixEpochTicks = 116444736000000000LL;  // 1601-01-01 to 1970-01-01
    return (ticks - kUnixEpochTicks) * 100;
}

struct HandleInfo {
    FileInfo info;
    uint32_t volume = 0;
};

bool describeHandle(HANDLE h, HandleInfo* out) {
    BY_HANDLE_FILE_INFORMATION data{};
    if (!::GetFileInformationByHandle(h, &data)) return false;
    FileInfo& info = out->info;
    const DWORD attributes = data.dwFileAttributes;
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
        info.kind = FileKind::Symlink;  // junction, symbolic link, mount point
    else if (attributes & FILE_ATTRIBUTE_DIRECTORY)
        info.kind = FileKind::Directory;
    else if (attributes & FILE_ATTRIBUTE_DEVICE)
        info.kind = FileKind::Other;
    else
        info.kind = FileKind::Regular;
    info.mode = info.kind == FileKind::Directory         ? 0755u
                : (attributes & FILE_ATTRIBUTE_READONLY) ? 0444u
                                                         : 0644u;
    info.size = (static_cast<uint64_t>(data.nFileSizeHigh) << 32) | data.nFileSizeLow;
    info.nlink = data.nNumberOfLinks;
    info.mtimeNs = unixNanoseconds(data.ftLastWriteTime);
    out->volume = data.dwVolumeSerialNumber;
    return true;
}

FileInfo statPath(const std::string& path) {
    HandleGuard h(openNoFollow(path, FILE_READ_ATTRIBUTES,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE));
    if (!h.valid()) return FileInfo{};
    HandleInfo info;
    if (!describeHandle(h.get(), &info)) return FileInfo{};
    return info.info;
}

// Opens a directory and pins it (no FILE_SHARE_DELETE); refuses reparse points.
HANDLE openPinnedDirectory(const std::string& path, const std::string& where, Status* status,
                           bool* missing) {
    HandleGuard h(openNoFollow(path, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                               FILE_SHARE_READ | FILE_SHARE_WRITE));
    if (!h.valid()) {
        const DWORD err = ::GetLastError();
        if (missing) *missing = isMissingError(err);
        *status = Status::failure(where + ": " + errorText(err));
        return INVALID_HANDLE_VALUE;
    }
    HandleInfo info;
    if (!describeHandle(h.get(), &info)) {
        *status = Status::failure(where + ": " + errorText(::GetLastError()));
        return INVALID_HANDLE_VALUE;
    }
    if (info.info.kind == FileKind::Symlink) {
        *status = Status::failure(detail::linkRefusal(where));
        return INVALID_HANDLE_VALUE;
    }
    if (info.info.kind != FileKind::Directory) {
        *status = Status::failure(where + ": is not a directory");
        return INVALID_HANDLE_VALUE;
    }
    return h.release();
}

bool isDrivePath(const std::string& path) {
    return path.size() >= 2 && path[1] == ':' &&
           ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
           (path.size() == 2 || path[2] == '/' || path[2] == '\\');
}

Status checkReplaceable(const std::string& path, const std::string& where) {
    return detail::checkReplaceable(statPath(path), where);
}

}  // namespace

std::optional<SafeDir> SafeDir::open(const std::string& absolutePath, Status* status,
                                     bool* missing) {
    auto fail = [&](std::string message, bool isMissing) -> std::optional<SafeDir> {
        if (status) *status = Status::failure(std::move(message));
        if (missing) *missing = isMissing;
        return std::nullopt;
    };
    if (missing) *missing = false;
    if (!isDrivePath(absolutePath))
        return fail(absolutePath + ": not an absolute path with a drive letter", false);

    std::string walked = absolutePath.substr(0, 2) + "/";
    Status opened;
    bool isMissing = false;
    HandleGuard current(openPinnedDirectory(walked, walked, &opened, &isMissing));
    if (!current.valid()) return fail(opened.error, isMissing);
    std::size_t pos = 3;
    while (pos < absolutePath.size()) {
        std::size_t next = absolutePath.find_first_of("/\\", pos);
        if (next == std::string::npos) next = absolutePath.size();
        const std::string component = absolutePath.substr(pos, next - pos);
        pos = next + 1;
        if (component.empty() || component == ".") continue;
        if (component == "..")
            return fail(absolutePath + ": contains '..'; refusing to resolve it", false);
        const std::string where = joinPath(walked, component);
        // The parent is pinned by `current`, so `where` names a child of what we checked.
        HANDLE child = openPinnedDirectory(where, where, &opened, &isMissing);
        if (child == INVALID_HANDLE_VALUE) return fail(opened.error, isMissing);
        current.reset(child);  // the child's open handle keeps its ancestors from moving
        walked = where;
    }
    if (walked.size() > 3 && walked.back() == '/') walked.pop_back();
    return SafeDir(reinterpret_cast<std::intptr_t>(current.release()), walked);
}

std::optional<SafeDir> SafeDir::openChild(const std::string& name, bool create, const Ownership&,
                                          std::optional<uint32_t>, bool* wasCreated, Status* status,
                                          bool* missing) const {
    auto fail = [&](std::string message) -> std::optional<SafeDir> {
        if (status) *status = Status::failure(std::move(message));
        return std::nullopt;
    };
    if (wasCreated) *wasCreated = false;
    if (missing) *missing = false;
    const std::string where = describe(name);
    if (Status ok = detail::checkComponent(name, where); !ok) return fail(ok.error);
    bool madeIt = false;
    if (create) {
        // Inherits the directory's ACL: in a profile, the user keeps full control.
        if (::CreateDirectoryW(nativePath(where).c_str(), nullptr))
            madeIt = true;
        else if (::GetLastError() != ERROR_ALREADY_EXISTS)
            return fail(where + ": cannot create directory: " + errorText(::GetLastError()));
    }
    // There is no uid to compare on Windows: the owner check of POSIX is left to the ACL.
    Status opened;
    HANDLE child = openPinnedDirectory(where, where, &opened, missing);
    if (child == INVALID_HANDLE_VALUE) return fail(opened.error);
    if (wasCreated) *wasCreated = madeIt;
    return SafeDir(reinterpret_cast<std::intptr_t>(child), where);
}

FileInfo SafeDir::stat(const std::string& name) const {
    if (!isSingleComponent(name)) return FileInfo{};
    return statPath(describe(name));
}

FileInfo SafeDir::self() const {
    HandleInfo info;
    if (!describeHandle(toHandle(handle_), &info)) return FileInfo{};
    return info.info;
}

ReadResult SafeDir::readFileInPieces(const std::string& name, uint64_t maxBytes,
                                     const FilePieces& piece) const {
    ReadResult result;
    const std::string where = describe(name);
    auto fail = [&](std::string message) {
        result.status = Status::failure(std::move(message));
        return result;
    };
    if (Status ok = detail::checkComponent(name, where); !ok) return fail(ok.error);
    HandleGuard h(openNoFollow(where, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE));
    if (!h.valid()) {
        const DWORD err = ::GetLastError();
        if (isMissingError(err)) {
            result.missing = true;
            return result;
        }
        return fail(where + ": " + errorText(err));
    }
    HandleInfo info;
    if (!describeHandle(h.get(), &info)) return fail(where + ": " + errorText(::GetLastError()));
    result.info = info.info;
    // A device or pipe can pass for a regular file by its attributes: its type says otherwise.
    if (info.info.kind == FileKind::Regular && ::GetFileType(h.get()) != FILE_TYPE_DISK)
        return fail(where + ": is not a regular file; refusing to read it");
    const auto named = [&where] { return where; };
    if (Status ok = detail::checkReadable(info.info, named, maxBytes); !ok) return fail(ok.error);
    const auto readChunk = [&h](char* buffer, std::size_t size, Status* status) {
        DWORD n = 0;
        if (!::ReadFile(h.get(), buffer, static_cast<DWORD>(size), &n, nullptr)) {
            *status = Status::failure(errorText(::GetLastError()));
            return std::ptrdiff_t{-1};
        }
        return static_cast<std::ptrdiff_t>(n);
    };
    result.status = detail::readBounded(readChunk, named, maxBytes, result.info.size, piece);
    return result;
}

void SafeDir::removeLeftoversIfLooking(const std::string&) const {}

Status SafeDir::stage(const std::string& name, std::string_view data, const Ownership&, bool,
                      StagedFile* staged) const {
    const std::string where = describe(name);
    if (Status ok = detail::checkComponent(name, where); !ok) return ok;
    // Whether `name` may be replaced is looked at before the rename (commitStaged), as on POSIX.

    std::string tempName;
    HandleGuard h;
    for (int attempt = 0; attempt < 16 && !h.valid(); ++attempt) {
        tempName = detail::temporaryNameFor(name);
        h.reset(::CreateFileW(nativePath(describe(tempName)).c_str(), GENERIC_WRITE, 0, nullptr,
                              CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
        if (!h.valid() && ::GetLastError() != ERROR_FILE_EXISTS)
            return Status::failure(
                where + ": cannot create a temporary file: " + errorText(::GetLastError()));
    }
    if (!h.valid())
        return Status::failure(where + ": cannot create a temporary file: name collisions");
    const std::wstring tempPath = nativePath(describe(tempName));
    auto abandon = [&](const std::string& what) {
        const std::string text = errorText(::GetLastError());
        h.reset();
        ::DeleteFileW(tempPath.c_str());
        return Status::failure(where + ": " + what + ": " + text);
    };
    std::size_t done = 0;
    while (done < data.size()) {
        const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(data.size() - done, 1 << 20));
        DWORD written = 0;
        if (!::WriteFile(h.get(), data.data() + done, chunk, &written, nullptr))
            return abandon("cannot write");
        done += written;
    }
    // Always flushed: syncFileSystem() cannot flush a whole volume without administrator
    // rights to the volume handle, so durability is per file here.
    if (!::FlushFileBuffers(h.get())) return abandon("cannot flush");
    h.reset();
    *staged = StagedFile{name, tempName};
    return Status::success();
}

Status SafeDir::commitStaged(const StagedFile& staged) const {
    const std::string where = describe(staged.name);
    if (Status ok = checkReplaceable(where, where); !ok) {
        discardStaged(staged);
        return ok;
    }
    const std::wstring target = nativePath(where);
    const std::wstring temp = nativePath(describe(staged.tempName));
    // ReplaceFileW keeps the replaced file's ACL, owner and attributes; a new file is moved in.
    BOOL done = FALSE;
    if (statPath(where).kind == FileKind::Regular)
        done = ::ReplaceFileW(target.c_str(), temp.c_str(), nullptr,
                              REPLACEFILE_IGNORE_MERGE_ERRORS, nullptr, nullptr);
    if (!done)
        done = ::MoveFileExW(temp.c_str(), target.c_str(),
                             MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
    if (!done) {
        const DWORD err = ::GetLastError();
        discardStaged(staged);
        return Status::failure(where +
                               ": cannot move the temporary file over it: " + errorText(err));
    }
    return Status::success();
}

void SafeDir::discardStaged(const StagedFile& staged) const {
    ::DeleteFileW(nativePath(describe(staged.tempName)).c_str());
}

Status SafeDir::syncFileSystem() const {
    return Status::success();  // each staged file was flushed and moved with write-through
}

std::uint64_t SafeDir::device() const {
    if (device_) return *device_;
    HandleInfo info;
    if (!describeHandle(toHandle(handle_), &info)) return 0;
    device_ = info.volume;
    return *device_;
}

Status SafeDir::renameEntry(const std::string& from, const std::string& to) const {
    if (Status ok = detail::checkRenamable(stat(from), from, describe(from), to, describe(to),
                                           errorText(ERROR_FILE_NOT_FOUND));
        !ok)
        return ok;
    if (!::MoveFileExW(nativePath(describe(from)).c_str(), nativePath(describe(to)).c_str(),
                       MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return Status::failure(describe(from) + ": cannot rename to " + to + ": " +
                               errorText(::GetLastError()));
    return Status::success();
}

Status SafeDir::removeFile(const std::string& name) const {
    if (Status ok = detail::checkComponent(name, describe(name)); !ok) return ok;
    // DeleteFileW removes a symbolic link itself, never its target.
    if (!::DeleteFileW(nativePath(describe(name)).c_str()) && !isMissingError(::GetLastError()))
        return Status::failure(describe(name) + ": cannot remove: " + errorText(::GetLastError()));
    return Status::success();
}

Status SafeDir::removeEmptyDir(const std::string& name) const {
    if (Status ok = detail::checkComponent(name, describe(name)); !ok) return ok;
    if (!::RemoveDirectoryW(nativePath(describe(name)).c_str()) &&
        !isMissingError(::GetLastError()))
        return Status::failure(describe(name) +
                               ": cannot remove directory: " + errorText(::GetLastError()));
    return Status::success();
}

Status SafeDir::forEachEntry(const std::function<void(std::string_view name)>& visit) const {
    WIN32_FIND_DATAW entry{};
    const std::wstring pattern = nativePath(joinPath(path_, "*"));
    HANDLE find = ::FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &entry,
                                     FindExSearchNameMatch, nullptr, 0);
    if (find == INVALID_HANDLE_VALUE) {
        if (::GetLastError() != ERROR_FILE_NOT_FOUND)
            return Status::failure(path_ + ": " + errorText(::GetLastError()));
        return Status::success();
    }
    do {
        const std::string name = win32::narrow(entry.cFileName);
        if (name != "." && name != "..") visit(name);
    } while (::FindNextFileW(find, &entry));
    const DWORD last = ::GetLastError();
    ::FindClose(find);
    if (last != ERROR_NO_MORE_FILES) return Status::failure(path_ + ": " + errorText(last));
    return Status::success();
}

// The path rules and handles of this OS (declared in safe_fs_detail.hpp).
namespace detail {

void closeHandle(std::intptr_t handle) {
    ::CloseHandle(toHandle(handle));
}

std::string linkRefusal(const std::string& where) {
    return where + ": is a symbolic link or junction; refusing to follow it";
}

// Each staged file was flushed and moved with MOVEFILE_WRITE_THROUGH: nothing is left to do.
Status flushDirectory(std::intptr_t, const std::string&) {
    return Status::success();
}

bool splitParent(const std::string& absolutePath, std::string* parent, std::string* name) {
    if (!isDrivePath(absolutePath)) return false;
    std::string trimmed = absolutePath;
    std::replace(trimmed.begin(), trimmed.end(), '\\', '/');
    while (trimmed.size() > 3 && trimmed.back() == '/') trimmed.pop_back();
    const std::size_t slash = trimmed.rfind('/');
    if (slash == std::string::npos || slash < 2) return false;
    *name = trimmed.substr(slash + 1);
    *parent = slash == 2 ? trimmed.substr(0, 3) : trimmed.substr(0, slash);
    return isSingleComponent(*name);
}

bool isSingleComponent(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of("/\\:") == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace detail

// Windows paths reach the agent without reparse points to resolve for SQLite: as given.
std::string physicalPath(const std::string& absolutePath) {
    return absolutePath;
}

}  // namespace mpa::platform
