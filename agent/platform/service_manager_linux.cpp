// systemd's manager environment through systemctl, run by runBoundedCommand (fixed argv, no
// shell, a fixed PATH, stdin from /dev/null, bounded in time and in output).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "platform/bounded_command.hpp"
#include "platform/service_manager.hpp"

namespace mpa::platform {
namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

const char* systemctlPath() {
    for (const char* candidate : {"/usr/bin/systemctl", "/bin/systemctl"})
        if (::access(candidate, X_OK) == 0) return candidate;
    return nullptr;
}

// Runs systemctl with `args`.
CommandResult runSystemctl(std::vector<std::string> args) {
    const char* program = systemctlPath();
    if (!program) return {Status::failure("systemctl not found in /usr/bin or /bin"), {}};
    args.insert(args.begin(), {program, "--system", "--no-pager", "--no-ask-password"});
    return runBoundedCommand(
        args, {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "SYSTEMD_COLORS=0"}, kTimeout);
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
