// /etc/profile.d/*.sh: sourced by interactive login shells, including in containers that have no
// PAM (where /etc/environment is never read).
#include "targets/effective_value_target.hpp"
#include "targets/environment_drop_in.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/target_common.hpp"

namespace mpa {

std::unique_ptr<Target> makeProfileDTarget() {
    // "zz-": /etc/profile sources the scripts in glob order, so a later one's assignment wins.
    constexpr const char* kPath = "/etc/profile.d/zz-metalama-telemetry.sh";
    return withEffectiveValue(
        std::make_unique<EnvironmentDropInTarget>(EnvironmentDropInSpec{
            "profile-d",
            kPath,
            std::string(
                "# Managed by metalama-policy-agent (policy TelemetryOptOut): login shells\n"
                "# opt out of Metalama telemetry. Removed when the policy is.\n") +
                "export " + kOptOutVariable + "=" + kOptOutValue + "\n",
            "# Managed by metalama-policy-agent: login shells opt out of the telemetry the\n"
            "# policies name, one line per variable. Each goes with its policy.\n",
            "",
            "export ",
            " for login shells",
            {"/etc/profile.d/metalama-telemetry.sh"},
        }),
        EnvironmentReader::LoginShell, kPath);
}

}  // namespace mpa
