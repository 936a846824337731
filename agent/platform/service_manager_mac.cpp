// launchd's system domain through /bin/launchctl (macOS): `launchctl setenv` / `unsetenv` run by
// root set the environment launchd gives every daemon and agent it starts from now on, as
// `systemctl set-environment` does for systemd. The machine-wide opt-out on macOS is enforced by
// the launchd and zshenv targets (targets/launchd_environment_target.cpp); this manager is what
// hostServiceManager() is on a Mac, so the common code links and reports launchd, not systemd.
// Every call is runBoundedCommand: fixed argv, no shell, a fixed environment, 10 s at most.
// Not run on the Linux build machine (compiled there by the macOS link check only).
#include <unistd.h>

#include <chrono>

#include "platform/bounded_command.hpp"
#include "platform/launchd.hpp"
#include "platform/service_manager.hpp"

namespace mpa::platform {
namespace {

constexpr const char* kLaunchctl = "/bin/launchctl";
constexpr auto kTimeout = std::chrono::seconds(10);

CommandResult launchctl(std::vector<std::string> args) {
    args.insert(args.begin(), kLaunchctl);
    return runBoundedCommand(args, {"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}, kTimeout);
}

class LaunchdSystemDomain final : public ServiceManager {
  public:
    bool isRunning() const override { return ::access(kLaunchctl, X_OK) == 0; }

    // `launchctl print system` lists the domain's environment block (parseLaunchctlEnvironment).
    Status readEnvironment(std::vector<std::string>* entries) override {
        auto result = launchctl({"print", "system"});
        if (!result.status) return result.status;
        *entries = parseLaunchctlEnvironment(result.out);
        return Status::success();
    }
    Status setEnvironment(const std::string& name, const std::string& value) override {
        return launchctl({"setenv", name, value}).status;
    }
    Status unsetEnvironment(const std::string& name) override {
        return launchctl({"unsetenv", name}).status;
    }
};

}  // namespace

std::shared_ptr<ServiceManager> hostServiceManager() {
    return std::make_shared<LaunchdSystemDomain>();
}

}  // namespace mpa::platform
