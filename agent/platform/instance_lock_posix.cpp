// flock(2) on a file under /run: released by the kernel when the holder exits, however it exits.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/instance_lock.hpp"
#include "util/text.hpp"

namespace mpa::platform {
namespace {

class FlockInstanceLock final : public InstanceLock {
  public:
    explicit FlockInstanceLock(int fd) : fd_(fd) {}
    ~FlockInstanceLock() override {
        // Leave the file in place (removing it would race with a starting instance); an empty
        // file says nobody holds it.
        if (::ftruncate(fd_, 0) != 0) {
            // Nothing more to do: closing releases the lock either way.
        }
        ::close(fd_);
    }

  private:
    int fd_;
};

std::string errorText(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

long readHolderPid(int fd) {
    char buffer[32] = {};
    const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0) return 0;
    long long pid = 0;
    return parseDecimal(trim(std::string_view(buffer, static_cast<std::size_t>(n))), &pid)
               ? static_cast<long>(pid)
               : 0;
}

}  // namespace

InstanceLock::Outcome InstanceLock::acquire(const std::string& path, unsigned mode) {
    Outcome out;
    const auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
        // The lock lives in the service's runtime directory (/run/metalama-policy-agent, which
        // systemd creates for the unit); started by hand, or under a scratch root, create it
        // and, under a scratch root, /run itself.
        const auto dir = path.substr(0, slash);
        const auto parentSlash = dir.find_last_of('/');
        if (parentSlash != std::string::npos && parentSlash > 0)
            ::mkdir(dir.substr(0, parentSlash).c_str(), 0755);
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
            out.error = errorText("cannot create", dir);
            return out;
        }
    }
    const int fd =
        ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
    if (fd < 0) {
        out.error = errorText("cannot open the lock file", path);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.error = path + ": not a regular file";
        return out;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            out.heldByOther = true;
            out.holderPid = readHolderPid(fd);
        } else {
            out.error = errorText("cannot lock", path);
        }
        ::close(fd);
        return out;
    }
    const auto pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        out.error = errorText("cannot write the process id to", path);
        ::close(fd);
        return out;
    }
    out.lock = std::make_unique<FlockInstanceLock>(fd);
    return out;
}

}  // namespace mpa::platform
