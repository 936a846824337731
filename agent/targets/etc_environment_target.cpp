// /etc/environment, read by pam_env at every PAM login (console, ssh, su -l, display managers).
// Shared with other packages: the agent owns one line of it.
#include "targets/env_line_file.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/managed_file.hpp"
#include "targets/target_common.hpp"

namespace mpa {
namespace {

class EtcEnvironmentTarget final : public Target {
  public:
    std::string name() const override { return spec_.target; }
    std::vector<Finding> reconcile(TargetRun& run, const DesiredState& desired) override {
        return {reconcileEnvLine(run, spec_, desired.environmentOptOut)};
    }
    std::vector<Finding> revert(TargetRun& run) override { return {restoreEnvLine(run, spec_)}; }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return watchPathsFor(context, spec_.path);
    }

  private:
    EnvLineSpec spec_{"etc-environment", "/etc/environment", kOptOutVariable, kOptOutValue};
};

}  // namespace

std::unique_ptr<Target> makeEtcEnvironmentTarget() {
    return std::make_unique<EtcEnvironmentTarget>();
}

}  // namespace mpa
