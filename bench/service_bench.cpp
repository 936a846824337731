// The service's reaction time, drift repair time and idle cost, measured on the real binary
// against a scratch demo root (bench/run-service-bench.sh prepares it and prints the table).
//
//   service_bench AGENT ROOT reaction|reaction-all-tools|drift COUNT [SETTLE_MS]
//       COUNT changes, one at a time: the time from the rename into place (policy file with
//       TelemetryOptOut toggled; with reaction-all-tools, AllCatalogToolsTelemetryOptOut toggled
//       with it, so every tool's variables are set and restored, ~25 lines of /etc/environment;
//       or /etc/environment without the opt-out line) to the service's
//       "pass N:" line, which it writes after the target is compliant and the pass is committed
//       to the store. The bench also checks /etc/environment. Prints p50, p99 and max in ms.
//   service_bench AGENT ROOT idle SECONDS
//       after the start pass has settled: CPU time (utime+stime), voluntary context switches
//       (wakeups), resident memory and open descriptors of the service over SECONDS.
//   service_bench AGENT ROOT stop COUNT
//       COUNT times, a fresh service is sent SIGTERM as soon as it logs "service started" (its
//       start pass then under way): the time from the signal to its exit (status 0 required).
//       Prints p50, p99 and max in ms.
#if defined(__linux__)
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// The service with its log on a pipe, read line by line as it comes.
class Service {
  public:
    Service(const std::string& agent, const std::string& root, const std::string& settle) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        std::vector<std::string> argv{agent, "--root", root, "run"};
        if (!settle.empty()) argv.insert(argv.end(), {"--settle-ms", settle});
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        if (::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0)
            throw std::runtime_error("cannot start " + agent);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        log_ = fds[0];
    }
    ~Service() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        ::close(log_);
    }
    // SIGTERM, then waits for the exit: the milliseconds it took, or -1 when the exit status
    // was not 0.
    double stop() {
        const auto start = Clock::now();
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start);
        pid_ = -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? elapsed.count() : -1;
    }
    pid_t pid() const { return pid_; }

    // The next log line containing `text`, or "" after `timeout`.
    std::string waitFor(const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            for (auto end = buffer_.find('\n'); end != std::string::npos;
                 end = buffer_.find('\n')) {
                auto line = buffer_.substr(0, end);
                buffer_.erase(0, end + 1);
                if (line.find(text) != std::string::npos) return line;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return {};
            pollfd fd{log_, POLLIN, 0};
            if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
            char chunk[4096];
            const auto n = ::read(log_, chunk, sizeof chunk);
            if (n <= 0) return {};
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

  private:
    pid_t pid_ = -1;
    int log_ = -1;
    std::string buffer_;
};

void replace(const std::string& path, const std::string& content) {
    const auto slash = path.find_last_of('/');
    const auto temp = path.substr(0, slash + 1) + "." + path.substr(slash + 1) + ".bench";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << content;
    }
    ::chmod(temp.c_str(), 0644);
    if (std::rename(temp.c_str(), path.c_str()) != 0) throw std::runtime_error("rename " + path);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<std::size_t>(std::lround(p * static_cast<double>(values.size() - 1)));
    return values[std::min(index, values.size() - 1)];
}

int measureChanges(Service& service, const std::string& root, bool drift, bool allTools, int count,
                   std::chrono::milliseconds settle) {
    const auto policy = root + "/etc/metalama/policies/managed/10-telemetry.json";
    const auto environment = root + "/etc/environment";
    const std::string line = "METALAMA_TELEMETRY_OPT_OUT=1";
    std::vector<double> ms, passMs;  // rename -> pass line, and the pass's own time
    bool optOut = true;
    for (int i = 0; i < count; ++i) {
        // Let the previous pass's own writes settle, so each change is measured alone.
        std::this_thread::sleep_for(settle + std::chrono::milliseconds(100));
        const auto start = Clock::now();
        if (drift) {
            auto text = readFile(environment);
            const auto at = text.find(line + "\n");
            if (at == std::string::npos) throw std::runtime_error("the opt-out line is missing");
            replace(environment, text.erase(at, line.size() + 1));
        } else {
            optOut = !optOut;
            const std::string value = optOut ? "true" : "false";
            replace(policy, "{\"TelemetryOptOut\": " + value +
                                (allTools ? ", \"AllCatalogToolsTelemetryOptOut\": " + value : "") +
                                "}\n");
        }
        const auto logged = service.waitFor("pass ", std::chrono::seconds(10));
        const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start);
        const bool hasLine = readFile(environment).find(line) != std::string::npos;
        if (logged.empty() || hasLine != (drift || optOut) ||
            logged.find("verdict compliant") == std::string::npos) {
            std::cerr << "change " << i << ": no compliant pass (" << logged << ")\n";
            return 1;
        }
        ms.push_back(elapsed.count());
        // "pass N: trigger ..., 12 ms; compliance chain head ...": what the pass itself took, so
        // the rest of the reaction time is the wait before it.
        const auto unit = logged.find(" ms; ");
        const auto number = logged.rfind(' ', unit == std::string::npos ? 0 : unit - 1);
        if (unit != std::string::npos && number != std::string::npos)
            passMs.push_back(std::stod(logged.substr(number + 1, unit - number - 1)));
    }
    if (passMs.empty()) passMs.push_back(0);
    std::printf(
        "%s changes=%d settle_ms=%lld p50_ms=%.1f p99_ms=%.1f max_ms=%.1f pass_p50_ms=%.1f "
        "pass_p99_ms=%.1f\n",
        drift      ? "drift"
        : allTools ? "reaction-all-tools"
                   : "reaction",
        count, static_cast<long long>(settle.count()), percentile(ms, 0.5), percentile(ms, 0.99),
        *std::max_element(ms.begin(), ms.end()), percentile(passMs, 0.5), percentile(passMs, 0.99));
    return 0;
}

struct ProcessCost {
    double cpuMs = 0;
    long long voluntarySwitches = 0, involuntarySwitches = 0, rssKb = 0, fds = 0;
};

ProcessCost sample(pid_t pid) {
    ProcessCost cost;
    const auto base = "/proc/" + std::to_string(pid);
    const auto stat = readFile(base + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long long utime = 0, stime = 0;
    // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoll(field);
        if (i == 15) stime = std::stoll(field);
    }
    cost.cpuMs =
        static_cast<double>(utime + stime) * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::istringstream status(readFile(base + "/status"));
    for (std::string line; std::getline(status, line);) {
        const auto value = [&line] { return std::stoll(line.substr(line.find(':') + 1)); };
        if (line.rfind("voluntary_ctxt_switches:", 0) == 0) cost.voluntarySwitches = value();
        if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) cost.involuntarySwitches = value();
        if (line.rfind("VmRSS:", 0) == 0) cost.rssKb = value();
    }
    if (DIR* fds = ::opendir((base + "/fd").c_str())) {
        while (const dirent* entry = ::readdir(fds)) cost.fds += entry->d_name[0] != '.' ? 1 : 0;
        ::closedir(fds);
    }
    return cost;
}

int measureIdle(Service& service, int seconds) {
    std::this_thread::sleep_for(std::chrono::seconds(2));  // start pass and its own writes settle
    const auto before = sample(service.pid());
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto after = sample(service.pid());
    const auto passes = service.waitFor("pass ", std::chrono::milliseconds(1));
    std::printf(
        "idle seconds=%d cpu_ms=%.1f voluntary_switches=%lld involuntary_switches=%lld "
        "rss_kb=%lld fds=%lld passes_while_idle=%d\n",
        seconds, after.cpuMs - before.cpuMs, after.voluntarySwitches - before.voluntarySwitches,
        after.involuntarySwitches - before.involuntarySwitches, after.rssKb, after.fds,
        passes.empty() ? 0 : 1);
    return 0;
}

int measureStop(const std::string& agent, const std::string& root, const std::string& settle,
                int count) {
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        Service service(agent, root, settle);
        if (service.waitFor("service started", std::chrono::seconds(60)).empty()) {
            std::cerr << "stop " << i << ": the service did not start\n";
            return 1;
        }
        const double took = service.stop();
        if (took < 0) {
            std::cerr << "stop " << i << ": the service did not exit cleanly\n";
            return 1;
        }
        ms.push_back(took);
    }
    std::printf("stop count=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n", count, percentile(ms, 0.5),
                percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: service_bench AGENT ROOT reaction|reaction-all-tools|drift COUNT "
                     "[SETTLE_MS]\n"
                     "       service_bench AGENT ROOT idle SECONDS\n"
                     "       service_bench AGENT ROOT stop COUNT\n";
        return 2;
    }
    const std::string agent = argv[1], root = argv[2], mode = argv[3];
    const int count = std::stoi(argv[4]);
    const std::string settle = argc > 5 ? argv[5] : "";
    try {
        if (mode == "stop") return measureStop(agent, root, settle, count);
        Service service(agent, root, settle);
        if (service.waitFor("pass 1:", std::chrono::seconds(60)).empty()) {
            std::cerr << "the service did not pass at start\n";
            return 1;
        }
        if (mode == "idle") return measureIdle(service, count);
        const std::chrono::milliseconds settleMs(settle.empty() ? 300 : std::stoll(settle));
        return measureChanges(service, root, mode == "drift", mode == "reaction-all-tools", count,
                              settleMs);
    } catch (const std::exception& e) {
        std::cerr << "service_bench: " << e.what() << "\n";
        return 1;
    }
}
#else
#include <iostream>
int main() {
    std::cerr << "service_bench measures the Linux service (inotify, /proc)\n";
    return 2;
}
#endif
