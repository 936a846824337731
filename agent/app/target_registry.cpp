// The one table of enforcement targets: adding a target is one file and one line here.
#include "app/built_in_components.hpp"
#include "platform/service_manager.hpp"
#include "targets/license_audit_target.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/macos_environment_targets.hpp"
#include "targets/telemetry_json_target.hpp"
#include "targets/user_settings_file_target.hpp"
#include "targets/windows_environment_target.hpp"

namespace mpa {

std::vector<std::unique_ptr<Target>> makeTargets(const AgentContext& context) {
    std::vector<std::unique_ptr<Target>> targets;
    if (context.platform == PlatformProfile::Linux) {
        // Machine environment: each mechanism reaches a different set of processes.
        targets.push_back(makeEtcEnvironmentTarget());
        targets.push_back(makeEnvironmentDTarget());
        targets.push_back(makeSystemdManagerTarget(platform::hostServiceManager()));
        targets.push_back(makeProfileDTarget());
    }
    if (context.platform == PlatformProfile::MacOS) {
        // GUI apps get launchd's environment; shells read /etc/zshenv. A pass over a scratch
        // root never touches the machine's launchd.
        targets.push_back(makeLaunchdEnvironmentTarget(
            context.isLiveSystem() ? platform::hostLaunchd() : platform::unavailableLaunchd()));
        targets.push_back(makeZshenvTarget());
    }
    if (context.platform == PlatformProfile::Windows)
        targets.push_back(makeWindowsEnvironmentTarget());  // registry, then WM_SETTINGCHANGE
    // Per user: every profile's telemetry.json (the layout depends on the platform profile).
    // Per user, read only: whether Metalama's license audit applies (the telemetry opt-out does
    // not stop it). After telemetry-json, so a data directory it created is read too; all three
    // walk the same profiles, listed once.
    const auto profiles = std::make_shared<PassProfiles>();
    targets.push_back(std::make_unique<TelemetryJsonTarget>(profiles));
    // Per user: other tools' settings-file opt-outs (the telemetry catalog's user_files).
    targets.push_back(std::make_unique<UserSettingsFileTarget>(profiles));
    targets.push_back(std::make_unique<LicenseAuditTarget>(profiles));
    return targets;
}

}  // namespace mpa
