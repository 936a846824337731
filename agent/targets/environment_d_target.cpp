// /etc/environment.d/*.conf: read by systemd's user manager (30-systemd-environment-d-generator),
// so it reaches user services and graphical sessions started by `systemd --user`.
#include "targets/effective_value_target.hpp"
#include "targets/environment_drop_in.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/target_common.hpp"

namespace mpa {

std::unique_ptr<Target> makeEnvironmentDTarget() {
    // "zz-": after every numbered drop-in, and after /usr/lib/environment.d/99-environment.conf
    // (the link to /etc/environment); the generator reads all three directories in name order.
    constexpr const char* kPath = "/etc/environment.d/zz-metalama-telemetry.conf";
    return withEffectiveValue(
        std::make_unique<EnvironmentDropInTarget>(EnvironmentDropInSpec{
            "environment-d",
            kPath,
            std::string(
                "# Managed by metalama-policy-agent (policy TelemetryOptOut): systemd user\n"
                "# sessions opt out of Metalama telemetry. Removed when the policy is.\n") +
                kOptOutVariable + "=" + kOptOutValue + "\n",
            "# Managed by metalama-policy-agent: systemd user sessions opt out of the telemetry\n"
            "# the policies name, one line per variable. Each goes with its policy.\n",
            "",
            "",
            " for systemd user sessions",
            {"/etc/environment.d/90-metalama-telemetry.conf"},
        }),
        EnvironmentReader::UserManager, kPath);
}

}  // namespace mpa
