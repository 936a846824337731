// systemd's manager environment through systemctl: spawned with posix_spawn and a fixed argv (no
// shell, a fixed PATH), stdin from /dev/null, bounded in time and in output.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "platform/service_manager.hpp"

namespace mpa::platform {
namespace {

constexpr auto kTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxOutput = 1024 * 1024;

std::string errnoText(int err) {
    return std::strerror(err);
}

const char* systemctlPath() {
    for (const char* candidate : {"/usr/bin/systemctl", "/bin/systemctl"})
        if (::access(candidate, X_OK) == 0) return candidate;
    return nullptr;
}

struct CommandResult {
    Status status;  // could not run, timed out, or exited non-zero (with stderr)
    std::string out;
};

// Runs systemctl with `args`; collects stdout and stderr separately.
CommandResult runSystemctl(std::vector<std::string> args) {
    CommandResult result;
    const char* program = systemctlPath();
    if (!program) {
        result.status = Status::failure("systemctl not found in /usr/bin or /bin");
        return result;
    }
    args.insert(args.begin(), {program, "--system", "--no-pager", "--no-ask-password"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string pathVar = "PATH=/usr/sbin:/usr/bin:/sbin:/bin", lang = "LC_ALL=C",
                colors = "SYSTEMD_COLORS=0";
    char* envp[] = {pathVar.data(), lang.data(), colors.data(), nullptr};
    const std::string commandLine = [&] {
        std::string s;
        for (std::size_t i = 0; i < args.size(); ++i) s += (i ? " " : "") + args[i];
        return s;
    }();

    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) {
        result.status = Status::failure(commandLine + ": pipe: " + errnoText(errno));
        return result;
    }
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        result.status = Status::failure(commandLine + ": pipe: " + errnoText(errno));
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
    const int spawnError = ::posix_spawn(&pid, program, &actions, nullptr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (spawnError != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        result.status = Status::failure(commandLine + ": cannot start: " + errnoText(spawnError));
        return result;
    }

    std::string err;
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
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
                                        std::to_string(kTimeout.count()) + " s");
    else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
        result.status = Status::failure(
            commandLine + ": failed" +
            (WIFEXITED(wstatus) ? " (exit " + std::to_string(WEXITSTATUS(wstatus)) + ")" : "") +
            (err.empty() ? "" : ": " + err));
    return result;
}

class Systemd final : public ServiceManager {
  public:
    bool isRunning() const override {
        // sd_booted()'s test: the directory exists only while systemd is PID 1.
        struct stat st {};
        return ::lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
    }

    Status readEnvironment(std::vector<std::string>* entries) override {
        auto result = runSystemctl({"show-environment"});
        if (!result.status) return result.status;
        entries->clear();
        std::size_t start = 0;
        while (start < result.out.size()) {
            auto nl = result.out.find('\n', start);
            if (nl == std::string::npos) nl = result.out.size();
            if (nl > start) entries->push_back(result.out.substr(start, nl - start));
            start = nl + 1;
        }
        return Status::success();
    }

    Status setEnvironment(const std::string& name, const std::string& value) override {
        return runSystemctl({"set-environment", name + "=" + value}).status;
    }

    Status unsetEnvironment(const std::string& name) override {
        return runSystemctl({"unset-environment", name}).status;
    }
};

}  // namespace

std::shared_ptr<ServiceManager> hostServiceManager() {
    return std::make_shared<Systemd>();
}

}  // namespace mpa::platform
