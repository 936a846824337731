#pragma once
// The Linux targets that make every variable of DesiredState::environment (Metalama's
// METALAMA_TELEMETRY_OPT_OUT=1 and the other tools' opt-outs) machine-wide, one managed line and
// one finding per variable. Each mechanism reaches a different set of processes (pam_env logins,
// systemd user sessions, system services, login shells), so all four are enforced; one file of
// code each.
#include <memory>

#include "model/target.hpp"
#include "platform/service_manager.hpp"

namespace mpa {

std::unique_ptr<Target> makeEtcEnvironmentTarget();  // /etc/environment, one line
std::unique_ptr<Target> makeEnvironmentDTarget();  // /etc/environment.d/zz-metalama-telemetry.conf
std::unique_ptr<Target> makeProfileDTarget();      // /etc/profile.d/zz-metalama-telemetry.sh
// /etc/systemd/system.conf.d/zz-metalama-telemetry.conf and the running manager's environment.
std::unique_ptr<Target> makeSystemdManagerTarget(std::shared_ptr<platform::ServiceManager> manager);

// The "running systemd manager" subject of the systemd-manager target for one variable
// ("running systemd manager#NAME" for another tool's), on its own so it can be exercised against
// a stand-in manager. NotApplicable unless the pass runs on the live system (root "/") and
// systemd is running. Restoring (wanted=false) needs only the variable's name.
Finding reconcileRunningManager(TargetRun& run, platform::ServiceManager& manager,
                                const EnvironmentAssignment& variable, bool wanted);
// Metalama's variable.
Finding reconcileRunningManager(TargetRun& run, platform::ServiceManager& manager, bool wanted);

}  // namespace mpa
