#pragma once
// Compliance is the effective value: wraps a machine-environment target so that its file being
// in place is not enough. After the inner target's pass, each variable the policy asks for is
// computed the way the mechanism's reader computes it (targets/effective_environment.hpp) from
// every file that reader reads; when something still overrides ours (a drop-in that sorts later,
// a pam_env.conf rule, a later profile.d script), that variable's finding becomes NonCompliant
// naming that file and line. Metalama's variable opts out with any value but 0 and false
// (optsOutEverywhere); another tool's must have exactly the value its policy asks for.
#include <memory>
#include <string>

#include "model/target.hpp"
#include "targets/effective_environment.hpp"
#include "targets/target_common.hpp"
#include "util/status.hpp"

namespace mpa {

enum class EnvironmentReader {
    PamEnv,         // PAM logins
    UserManager,    // systemd --user (environment.d generator)
    SystemManager,  // PID 1's DefaultEnvironment
    LoginShell,     // /etc/profile.d
};

// The reader's effective value of `key` on the machine under context's root; a failed *status
// names the first file that could not be read (the value is then computed without it).
EffectiveValue readEffectiveValue(const AgentContext& context, EnvironmentReader reader,
                                  const std::string& ours, Status* status,
                                  const std::string& key = kOptOutVariable);

// `ours` is the logical path of the inner target's file (Metalama's finding's subject; another
// variable's is "<ours>#<NAME>").
std::unique_ptr<Target> withEffectiveValue(std::unique_ptr<Target> inner, EnvironmentReader reader,
                                           std::string ours);

}  // namespace mpa
