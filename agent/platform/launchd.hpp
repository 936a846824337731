#pragma once
// launchd's environment on macOS: what GUI apps and everything launchd starts inherit (they do
// not read shell profiles). Two places matter:
//   - the persistent configuration of user domains (`launchctl config user setenv KEY VALUE`,
//     root only): every user session launchd creates from then on, i.e. from each user's next
//     login;
//   - a running user session (`launchctl asuser <uid> launchctl setenv KEY VALUE`): processes
//     that session starts from now on.
// This interface and the system domain's (service_manager_mac.cpp) are the only places that run
// launchctl (macOS only). Which
// file holds the persistent configuration is layout knowledge and lives with the target, so it
// is tested on Linux; see docs/deploy-macos.md for what was verified on a Mac (nothing).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

class Launchd {
  public:
    virtual ~Launchd() = default;
    // Whether this is the live macOS launchd (false elsewhere, and for scratch roots).
    virtual bool isRunning() const = 0;

    virtual Status setUserConfigEnvironment(const std::string& name, const std::string& value) = 0;
    virtual Status unsetUserConfigEnvironment(const std::string& name) = 0;

    // The uid of the user logged in at the console (owner of /dev/console), nullopt at the login
    // window (root owns it then).
    virtual std::optional<uint32_t> consoleUser() const = 0;
    // nullopt in *value when the session has no such variable.
    virtual Status getSessionEnvironment(uint32_t uid, const std::string& name,
                                         std::optional<std::string>* value) = 0;
    virtual Status setSessionEnvironment(uint32_t uid, const std::string& name,
                                         const std::string& value) = 0;
    virtual Status unsetSessionEnvironment(uint32_t uid, const std::string& name) = 0;
};

// The host's launchd: launchctl on macOS; elsewhere one that is never running.
std::shared_ptr<Launchd> hostLaunchd();
// Never running: for passes over a scratch root, which must not touch the machine's launchd.
std::shared_ptr<Launchd> unavailableLaunchd();

// The environment block of `launchctl print <domain>` ("environment = {" then "KEY => VALUE"
// lines up to "}") as KEY=VALUE entries; the first such block only (services nested in the
// output have their own).
std::vector<std::string> parseLaunchctlEnvironment(const std::string& printed);

}  // namespace mpa::platform
