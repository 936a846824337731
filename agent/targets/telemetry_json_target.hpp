#pragma once
// Per user: telemetry.json in every Metalama data directory of every profile and of the template
// for new profiles. Where the profiles and their directories are: metalama_profiles and
// profile_directories; what the file must hold: telemetry_settings (pure); how its prior state
// is keyed in the ledger: telemetry_ledger_keys; how a batch of files is written:
// durable_batch. Whether the license audit applies to a profile is the license-audit target's.
#include <memory>

#include "model/target.hpp"
#include "model/target_names.hpp"
#include "targets/metalama_profiles.hpp"

namespace mpa {

class TelemetryJsonTarget : public Target {
  public:
    // `profiles`: shared with the license-audit target of the same pass, which takes the list
    // this target makes (metalama_profiles.hpp).
    explicit TelemetryJsonTarget(
        std::shared_ptr<PassProfiles> profiles = std::make_shared<PassProfiles>())
        : profiles_(std::move(profiles)) {}
    std::string name() const override { return target_name::kTelemetryJson; }
    // Its first batch of files shares the flushes of the /etc files staged before it.
    bool joinsStagedWrites() const override { return true; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override;
    FindingLog revert(TargetRun& run) override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;

  private:
    std::shared_ptr<PassProfiles> profiles_;
};

}  // namespace mpa
