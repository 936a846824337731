// /etc/profile.d/*.sh: sourced by interactive login shells, including in containers that have no
// PAM (where /etc/environment is never read).
#include "targets/machine_environment_targets.hpp"
#include "targets/managed_file.hpp"
#include "targets/target_common.hpp"

namespace mpa {

std::unique_ptr<Target> makeProfileDTarget() {
    return std::make_unique<OptOutFileTarget>(ManagedFileSpec{
        "profile-d",
        "/etc/profile.d/metalama-telemetry.sh",
        std::string("# Managed by metalama-policy-agent (policy TelemetryOptOut): login shells\n"
                    "# opt out of Metalama telemetry. Removed when the policy is.\n") +
            "export " + kOptOutVariable + "=" + kOptOutValue + "\n",
        std::string("export ") + kOptOutVariable + "=" + kOptOutValue + " for login shells",
    });
}

}  // namespace mpa
