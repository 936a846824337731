#pragma once
// Windows: each variable of DesiredState::environment (METALAMA_TELEMETRY_OPT_OUT=1 and the other
// tools' opt-outs), one REG_SZ value each, with its own findings and ledger entry, in the machine
// environment,
// HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment, then a WM_SETTINGCHANGE
// "Environment" broadcast so Explorer (and what it starts) picks it up at once. Services get
// the machine environment from the service control manager, which reads it at boot: until the
// machine restarts after the agent set the value, the "services" subject is Pending, not
// Compliant. Restoring follows the ledger: a value that was not there is deleted, a prior
// value comes back. The registry is not relocated by --root.
#include <memory>

#include "model/target.hpp"

namespace mpa {

inline constexpr const char* kWindowsEnvironmentKey =
    "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

std::unique_ptr<Target> makeWindowsEnvironmentTarget();

}  // namespace mpa
