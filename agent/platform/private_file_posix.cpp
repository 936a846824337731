#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "platform/private_file.hpp"
#include "util/path_text.hpp"

namespace mpa {
namespace {

std::string describeMode(mode_t mode) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
    return buffer;
}

Status checkOwnedAndPrivate(const std::string& path, bool directory) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return Status::failure(path + ": " + std::strerror(errno));
    }
    const char* what = directory ? "directory" : "file";
    if (S_ISLNK(st.st_mode)) {
        return Status::failure(path + ": is a symbolic link; the compliance " + std::string(what) +
                               " must be a real " + what + " (refused)");
    }
    if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        return Status::failure(path + ": is not a " + std::string(what) + " (refused)");
    }
    if (st.st_uid != ::geteuid()) {
        return Status::failure(path + ": owned by uid " + std::to_string(st.st_uid) +
                               ", not by the account running the agent (uid " +
                               std::to_string(::geteuid()) +
                               "); refused: another account could rewrite the compliance evidence");
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Status::failure(
            path + ": mode " + describeMode(st.st_mode) +
            " lets group or others write it; refused (expected 0600 for the file, 0700 for "
            "its directory; fix with chmod go-w)");
    }
    return Status::success();
}

Status makeDirectories(const std::string& dir, mode_t finalMode) {
    if (pathExists(dir)) return Status::success();
    const std::string parent = parentOf(dir);
    if (!parent.empty() && parent != dir)
        if (Status ok = makeDirectories(parent, 0755); !ok) return ok;
    if (::mkdir(dir.c_str(), finalMode) != 0 && errno != EEXIST) {
        return Status::failure(dir + ": cannot create the directory: " + std::strerror(errno));
    }
    // mkdir's mode is filtered by the umask; set it exactly.
    if (::chmod(dir.c_str(), finalMode) != 0) {
        return Status::failure(dir + ": cannot set mode " + describeMode(finalMode) + ": " +
                               std::strerror(errno));
    }
    return Status::success();
}

}  // namespace

bool pathExists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

Status preparePrivateFile(const std::string& filePath) {
    const std::string dir = parentOf(filePath);
    if (Status ok = makeDirectories(dir, 0700); !ok) return ok;
    if (Status ok = checkOwnedAndPrivate(dir, true); !ok) return ok;
    if (!pathExists(filePath)) {
        const int fd =
            ::open(filePath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            return Status::failure(filePath + ": cannot create the file: " + std::strerror(errno));
        }
        if (fd >= 0) {
            ::fchmod(fd, 0600);  // exact mode whatever the umask
            ::close(fd);
        }
    }
    return checkPrivateFile(filePath);
}

Status shareWithDirectoryGroup(const std::string& filePath) {
    struct stat dir {};
    const std::string parent = parentOf(filePath);
    if (::stat(parent.c_str(), &dir) != 0) {
        return Status::failure(parent + ": " + std::strerror(errno));
    }
    const bool shared = dir.st_gid != 0 && (dir.st_mode & S_IRGRP) && (dir.st_mode & S_IXGRP) &&
                        !(dir.st_mode & S_IWGRP);
    const gid_t gid = shared ? dir.st_gid : 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string path = filePath + suffix;
        // O_NOFOLLOW: checkPrivateFile refused links already; this keeps it so if one appears.
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            return Status::failure(path + ": " + std::strerror(errno));
        }
        struct stat st {};
        bool ok = ::fstat(fd, &st) == 0;
        // Only the group and the group's bits change. Without root the group cannot be changed,
        // and a file of another group stays private.
        const bool regroup = ok && st.st_gid != gid && ::geteuid() == 0;
        const mode_t mode = shared && (regroup || st.st_gid == gid) ? 0640 : 0600;
        if (regroup) ok = ::fchown(fd, static_cast<uid_t>(-1), gid) == 0;
        if (ok && (st.st_mode & 07777) != mode) ok = ::fchmod(fd, mode) == 0;
        const int saved = errno;
        ::close(fd);
        if (!ok) {
            return Status::failure(
                path + ": cannot give it to the directory's group: " + std::strerror(saved));
        }
    }
    return Status::success();
}

Status grantDirectoryToAuditGroup(const std::string& directory, const std::string& group) {
    struct group entry {};
    struct group* found = nullptr;
    std::string buffer(16 * 1024, '\0');
    if (::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
        return Status::failure("audit group '" + group + "': no such group on this machine");
    }
    const gid_t gid = found->gr_gid;
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return Status::failure(directory + ": " + std::strerror(errno));
    }
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    if (ok && st.st_uid != ::geteuid()) {
        ::close(fd);
        return Status::failure(
            directory + ": not owned by the agent's account; the audit group is not given it");
    }
    if (ok && st.st_gid != gid) ok = ::fchown(fd, static_cast<uid_t>(-1), gid) == 0;
    if (ok && (st.st_mode & 07777) != 0751) ok = ::fchmod(fd, 0751) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        return Status::failure(directory + ": cannot give it to the audit group '" + group +
                               "': " + std::strerror(saved));
    }
    return Status::success();
}

Status checkPrivateFile(const std::string& filePath) {
    if (Status ok = checkOwnedAndPrivate(parentOf(filePath), true); !ok) return ok;
    if (Status ok = checkOwnedAndPrivate(filePath, false); !ok) return ok;
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string companion = filePath + suffix;
        if (!pathExists(companion)) continue;
        if (Status ok = checkOwnedAndPrivate(companion, false); !ok) return ok;
    }
    return Status::success();
}

}  // namespace mpa
