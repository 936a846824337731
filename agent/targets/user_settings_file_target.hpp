#pragma once
// Per user: one key of another developer tool's settings file (the telemetry catalog's
// user_files: the Azure CLI's ~/.azure/config [core] collect_telemetry, the Angular CLI's
// ~/.angular-config.json cli.analytics, ...) in every profile, for each DesiredState::userFiles
// assignment. With telemetry.json's safety: homes and directories opened without following a
// user's link (profile_directories), the file replaced atomically with its owner and mode
// (durable_batch), only the key touched (settings_key_editor: every other byte kept), its prior
// value (or absence, or the file's) recorded before the first change (user_settings_ledger) and
// put back when the assignment goes, while the key still holds what the agent wrote.
//
// A malformed file is reported (a failed finding naming the file and the parse error) and left
// as it is: it is another tool's file, that tool may read it more leniently than the agent, and
// it may hold the user's other settings; setting it aside would lose them for that tool.
//
// No watch paths: a change to one of these files is seen by the periodic pass (and at login),
// which is enough for a setting the tool reads at its next start; watching every profile's
// files would multiply the service's watches by the catalog's size.
#include <memory>

#include "model/target.hpp"
#include "model/target_names.hpp"
#include "targets/metalama_profiles.hpp"

namespace mpa {

class UserSettingsFileTarget : public Target {
  public:
    // `profiles`: the pass's list, shared with the other per-user targets (metalama_profiles.hpp).
    explicit UserSettingsFileTarget(
        std::shared_ptr<PassProfiles> profiles = std::make_shared<PassProfiles>())
        : profiles_(std::move(profiles)) {}
    std::string name() const override { return target_name::kUserSettingsFile; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override;
    FindingLog revert(TargetRun& run) override;

  private:
    std::shared_ptr<PassProfiles> profiles_;
};

}  // namespace mpa
