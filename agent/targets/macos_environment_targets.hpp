#pragma once
// The macOS targets that make every variable of DesiredState::environment (Metalama's
// METALAMA_TELEMETRY_OPT_OUT=1 and the other tools' opt-outs, each its own subject) machine-wide.
// GUI apps (IDEs) get their environment from launchd, not from shell profiles; shells read
// /etc/zshenv. One file of code each.
#include <memory>

#include "model/target.hpp"
#include "platform/launchd.hpp"

namespace mpa {

// launchd: the persistent user-domain configuration (every user session from its next login)
// and the session of the user at the console (at once).
std::unique_ptr<Target> makeLaunchdEnvironmentTarget(std::shared_ptr<platform::Launchd> launchd);
// /etc/zshenv, read by every zsh (the default shell since macOS 10.15): one managed line per
// variable.
std::unique_ptr<Target> makeZshenvTarget();

// Where `launchctl config user ...` keeps the persistent user-domain configuration (a plist;
// `config user path` writes its PathEnvironmentVariable key there).
inline constexpr const char* kLaunchdUserConfig =
    "/private/var/db/com.apple.xpc.launchd/config/user.plist";

}  // namespace mpa
