#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/bounded_command.hpp"

namespace mpa::platform {
namespace {

constexpr std::size_t kMaxOutput = 1024 * 1024;

// A pipe whose ends are not inherited by other children (pipe2 is not on macOS).
bool makePipe(int fds[2]) {
    if (::pipe(fds) != 0) return false;
    for (int i = 0; i < 2; ++i) ::fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    return true;
}

}  // namespace

CommandResult runBoundedCommand(const std::vector<std::string>& arguments,
                                const std::vector<std::string>& environment,
                                std::chrono::seconds timeout) {
    CommandResult result;
    std::string commandLine;
    for (std::size_t i = 0; i < arguments.size(); ++i) commandLine += (i ? " " : "") + arguments[i];
    if (arguments.empty() || arguments[0].empty() || arguments[0][0] != '/') {
        result.status = Status::failure(commandLine + ": the program must be an absolute path");
        return result;
    }
    std::vector<std::string> args = arguments, env = environment;
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    int outPipe[2], errPipe[2];
    if (!makePipe(outPipe)) {
        result.status = Status::failure(commandLine + ": pipe: " + std::strerror(errno));
        return result;
    }
    if (!makePipe(errPipe)) {
        result.status = Status::failure(commandLine + ": pipe: " + std::strerror(errno));
        ::close(outPipe[0]);
        ::close(outPipe[1]);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    pid_t pid = -1;
    const int spawnError =
        ::posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (spawnError != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        result.status =
            Status::failure(commandLine + ": cannot start: " + std::strerror(spawnError));
        return result;
    }

    std::string err;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    bool timedOut = false;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            timedOut = ready == 0;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                std::string& sink = i == 0 ? result.out : err;
                if (sink.size() < kMaxOutput) sink.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0) ::close(fd.fd);
    if (timedOut) ::kill(pid, SIGKILL);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
    if (timedOut)
        result.status = Status::failure(commandLine + ": no answer within " +
                                        std::to_string(timeout.count()) + " s");
    else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
        result.status = Status::failure(
            commandLine + ": failed" +
            (WIFEXITED(wstatus) ? " (exit " + std::to_string(WEXITSTATUS(wstatus)) + ")" : "") +
            (err.empty() ? "" : ": " + err));
    return result;
}

}  // namespace mpa::platform
