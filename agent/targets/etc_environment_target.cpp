// /etc/environment, read by pam_env at every PAM login (console, ssh, su -l, display managers).
// Shared with other packages: the agent owns one line of it.
#include "targets/effective_value_target.hpp"
#include "targets/env_line_file.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/target_common.hpp"

namespace mpa {

std::unique_ptr<Target> makeEtcEnvironmentTarget() {
    return withEffectiveValue(
        makeEnvLineTarget({"etc-environment", "/etc/environment", kOptOutVariable, kOptOutValue}),
        EnvironmentReader::PamEnv, "/etc/environment");
}

}  // namespace mpa
