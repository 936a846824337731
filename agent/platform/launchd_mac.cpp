// launchd through /bin/launchctl (macOS only; NOT run on the Linux build machine, only compiled
// there by the macOS link check: see docs/deploy-macos.md). Every call is runBoundedCommand: fixed
// argv, no shell, a fixed environment, 10 s at most.
#include <sys/stat.h>

#include <chrono>

#include "platform/bounded_command.hpp"
#include "platform/launchd.hpp"

namespace mpa::platform {
namespace {

constexpr const char* kLaunchctl = "/bin/launchctl";
constexpr auto kTimeout = std::chrono::seconds(10);

CommandResult launchctl(std::vector<std::string> args) {
    args.insert(args.begin(), kLaunchctl);
    return runBoundedCommand(args, {"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}, kTimeout);
}

// `launchctl asuser <uid> launchctl ...`: the command runs in that user's bootstrap (GUI)
// domain, which is the one a root daemon must address to reach a logged-in session.
CommandResult inSession(uint32_t uid, std::vector<std::string> args) {
    args.insert(args.begin(), {"asuser", std::to_string(uid), kLaunchctl});
    return launchctl(std::move(args));
}

class MacLaunchd final : public Launchd {
  public:
    bool isRunning() const override { return true; }

    Status setUserConfigEnvironment(const std::string& name, const std::string& value) override {
        return launchctl({"config", "user", "setenv", name, value}).status;
    }
    Status unsetUserConfigEnvironment(const std::string& name) override {
        return launchctl({"config", "user", "unsetenv", name}).status;
    }

    std::optional<uint32_t> consoleUser() const override {
        struct stat st {};
        if (::stat("/dev/console", &st) != 0 || st.st_uid == 0) return std::nullopt;
        return static_cast<uint32_t>(st.st_uid);
    }

    Status getSessionEnvironment(uint32_t uid, const std::string& name,
                                 std::optional<std::string>* value) override {
        auto result = inSession(uid, {"getenv", name});
        if (!result.status) return result.status;
        // getenv prints the value and a newline, or nothing when the variable is not set.
        auto& out = result.out;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        *value = out.empty() ? std::nullopt : std::optional<std::string>(out);
        return Status::success();
    }
    Status setSessionEnvironment(uint32_t uid, const std::string& name,
                                 const std::string& value) override {
        return inSession(uid, {"setenv", name, value}).status;
    }
    Status unsetSessionEnvironment(uint32_t uid, const std::string& name) override {
        return inSession(uid, {"unsetenv", name}).status;
    }
};

}  // namespace

std::shared_ptr<Launchd> hostLaunchd() {
    return std::make_shared<MacLaunchd>();
}

}  // namespace mpa::platform
