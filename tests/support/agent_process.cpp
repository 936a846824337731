#include "support/agent_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mpa::test {

std::string agentBinary() {
#ifdef MPA_AGENT_BINARY
    return MPA_AGENT_BINARY;
#else
    throw std::logic_error("MPA_AGENT_BINARY is only defined for integration tests");
#endif
}

std::string sourceDir() {
    return MPA_SOURCE_DIR;
}

namespace {

// Starts argv with stdin from /dev/null and stdout/stderr on the given descriptors; returns
// posix_spawn's error (0 on success).
int spawn(const std::vector<std::string>& argv, int outFd, int errFd, pid_t* pid) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outFd, 1);
    posix_spawn_file_actions_adddup2(&actions, errFd, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawn(pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, double timeoutSeconds) {
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    pid_t pid = 0;
    const int rc = spawn(argv, outPipe[1], errPipe[1], &pid);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    ProcessResult result;
    if (rc != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        result.err = "cannot start " + argv[0];
        return result;
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(timeoutSeconds * 1000));
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    bool timedOut = false;
    while (open > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left)) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buffer[65536];
            const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            } else {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0) ::close(fd.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exitCode = !timedOut && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

ProcessResult runAgent(const std::string& root, const std::vector<std::string>& args) {
    std::vector<std::string> argv{agentBinary(), "--root", root};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/mpa-process-XXXXXX";
    const int logFd = ::mkstemp(pattern.data());
    if (logFd < 0) throw std::runtime_error("mkstemp failed");
    logPath_ = pattern;
    pid_t pid = 0;
    const int rc = spawn(argv, logFd, logFd, &pid);
    ::close(logFd);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    pid_ = pid;
}

BackgroundProcess::~BackgroundProcess() {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
    }
    if (!logPath_.empty()) ::unlink(logPath_.c_str());
}

void BackgroundProcess::signal(int signalNumber) const {
    if (pid_ > 0 && !reaped_) ::kill(pid_, signalNumber);
}

std::string BackgroundProcess::output() const {
    std::ifstream in(logPath_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t BackgroundProcess::waitForOutput(const std::string& text, double timeoutSeconds,
                                             std::size_t from) const {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(timeoutSeconds * 1000));
    for (;;) {
        const auto all = output();
        if (from <= all.size())
            if (const auto at = all.find(text, from); at != std::string::npos)
                return at + text.size();
        if (std::chrono::steady_clock::now() >= deadline) return std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::size_t BackgroundProcess::countOutput(const std::string& text, std::size_t from) const {
    const auto all = output();
    std::size_t count = 0;
    for (auto at = all.find(text, from); from <= all.size() && at != std::string::npos;
         at = all.find(text, at + text.size()))
        ++count;
    return count;
}

int BackgroundProcess::waitForExit(double timeoutSeconds) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(timeoutSeconds * 1000));
    while (!reaped_) {
        const auto done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_) {
            reaped_ = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) return -2;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

bool BackgroundProcess::running() {
    if (reaped_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
}

std::unique_ptr<BackgroundProcess> startAgent(const std::string& root,
                                              const std::vector<std::string>& args) {
    std::vector<std::string> argv{agentBinary(), "--root", root};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<BackgroundProcess>(argv);
}

}  // namespace mpa::test
