#pragma once
// Per user: telemetry.json in every Metalama data directory of every profile and of the template
// for new profiles. Also reports, per profile, whether Metalama's license audit applies (a
// registered license key), because the telemetry opt-out does not stop it.
#include "model/target.hpp"
#include "model/target_names.hpp"

namespace mpa {

class TelemetryJsonTarget : public Target {
  public:
    std::string name() const override { return target_name::kTelemetryJson; }
    std::vector<Finding> reconcile(TargetRun& run, const DesiredState& desired) override;
    std::vector<Finding> revert(TargetRun& run) override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

}  // namespace mpa
