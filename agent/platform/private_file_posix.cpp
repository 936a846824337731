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

bool checkOwnedAndPrivate(const std::string& path, bool directory, std::string* error) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        *error = path + ": " + std::strerror(errno);
        return false;
    }
    const char* what = directory ? "directory" : "file";
    if (S_ISLNK(st.st_mode)) {
        *error = path + ": is a symbolic link; the compliance " + std::string(what) +
                 " must be a real " + what + " (refused)";
        return false;
    }
    if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        *error = path + ": is not a " + std::string(what) + " (refused)";
        return false;
    }
    if (st.st_uid != ::geteuid()) {
        *error = path + ": owned by uid " + std::to_string(st.st_uid) +
                 ", not by the account running the agent (uid " + std::to_string(::geteuid()) +
                 "); refused: another account could rewrite the compliance evidence";
        return false;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        *error = path + ": mode " + describeMode(st.st_mode) +
                 " lets group or others write it; refused (expected 0600 for the file, 0700 for "
                 "its directory; fix with chmod go-w)";
        return false;
    }
    return true;
}

bool makeDirectories(const std::string& dir, mode_t finalMode, std::string* error) {
    if (pathExists(dir)) return true;
    const std::string parent = parentOf(dir);
    if (!parent.empty() && parent != dir && !makeDirectories(parent, 0755, error)) return false;
    if (::mkdir(dir.c_str(), finalMode) != 0 && errno != EEXIST) {
        *error = dir + ": cannot create the directory: " + std::strerror(errno);
        return false;
    }
    // mkdir's mode is filtered by the umask; set it exactly.
    if (::chmod(dir.c_str(), finalMode) != 0) {
        *error = dir + ": cannot set mode " + describeMode(finalMode) + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

}  // namespace

bool pathExists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool preparePrivateFile(const std::string& filePath, std::string* error) {
    const std::string dir = parentOf(filePath);
    if (!makeDirectories(dir, 0700, error)) return false;
    if (!checkOwnedAndPrivate(dir, true, error)) return false;
    if (!pathExists(filePath)) {
        const int fd =
            ::open(filePath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            *error = filePath + ": cannot create the file: " + std::strerror(errno);
            return false;
        }
        if (fd >= 0) {
            ::fchmod(fd, 0600);  // exact mode whatever the umask
            ::close(fd);
        }
    }
    return checkPrivateFile(filePath, error);
}

bool shareWithDirectoryGroup(const std::string& filePath, std::string* error) {
    struct stat dir {};
    const std::string parent = parentOf(filePath);
    if (::stat(parent.c_str(), &dir) != 0) {
        *error = parent + ": " + std::strerror(errno);
        return false;
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
            *error = path + ": " + std::strerror(errno);
            return false;
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
            *error = path + ": cannot give it to the directory's group: " + std::strerror(saved);
            return false;
        }
    }
    return true;
}

bool grantDirectoryToAuditGroup(const std::string& directory, const std::string& group,
                                std::string* error) {
    struct group entry {};
    struct group* found = nullptr;
    std::string buffer(16 * 1024, '\0');
    if (::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
        *error = "audit group '" + group + "': no such group on this machine";
        return false;
    }
    const gid_t gid = found->gr_gid;
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *error = directory + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    if (ok && st.st_uid != ::geteuid()) {
        ::close(fd);
        *error = directory + ": not owned by the agent's account; the audit group is not given it";
        return false;
    }
    if (ok && st.st_gid != gid) ok = ::fchown(fd, static_cast<uid_t>(-1), gid) == 0;
    if (ok && (st.st_mode & 07777) != 0751) ok = ::fchmod(fd, 0751) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        *error = directory + ": cannot give it to the audit group '" + group +
                 "': " + std::strerror(saved);
        return false;
    }
    return true;
}

bool checkPrivateFile(const std::string& filePath, std::string* error) {
    if (!checkOwnedAndPrivate(parentOf(filePath), true, error)) return false;
    if (!checkOwnedAndPrivate(filePath, false, error)) return false;
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string companion = filePath + suffix;
        if (pathExists(companion) && !checkOwnedAndPrivate(companion, false, error)) return false;
    }
    return true;
}

}  // namespace mpa
