#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/journal_socket.hpp"

namespace mpa::platform {

Status sendJournalDatagram(const std::string& socketPath, std::string_view entry) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof address.sun_path) {
        return Status::failure(socketPath + ": socket path too long");
    }
    std::memcpy(address.sun_path, socketPath.c_str(), socketPath.size() + 1);
    // A socket per entry: entries are rare (a few per pass), and nothing is kept open across a
    // journald restart.
    // (SOCK_CLOEXEC and MSG_NOSIGNAL are not on macOS: fcntl, and a datagram never raises
    // SIGPIPE.)
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) {
        return Status::failure(std::string("socket: ") + std::strerror(errno));
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    // Connected, so that poll() can tell when journald's queue has room again. Wait at most
    // 200 ms for it: a stalled journald must not stall enforcement (the caller then falls back
    // to standard error). MSG_DONTWAIT exists on Linux and macOS.
    ssize_t sent = -1;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
        sent = ::send(fd, entry.data(), entry.size(), MSG_DONTWAIT);
        pollfd writable{fd, POLLOUT, 0};
        if (sent < 0 && errno == EAGAIN && ::poll(&writable, 1, 200) > 0)
            sent = ::send(fd, entry.data(), entry.size(), MSG_DONTWAIT);
    }
    const int saved = errno;
    ::close(fd);
    if (sent < 0 || static_cast<std::size_t>(sent) != entry.size()) {
        return Status::failure(socketPath + ": " +
                               (sent < 0 ? std::strerror(saved) : "short write"));
    }
    return Status::success();
}

}  // namespace mpa::platform
