// systemd's system manager: DefaultEnvironment= in a system.conf drop-in reaches every system
// service (build agents installed as units), but PID 1 reads it only at boot or on
// `systemctl daemon-reexec`. So on the live system the agent also sets the variable in the
// running manager (`systemctl set-environment`), which every service started from then on gets.
#include "targets/effective_value_target.hpp"
#include "targets/live_environment_variable.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/managed_file.hpp"
#include "targets/target_common.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

constexpr const char* kTargetName = "systemd-manager";
constexpr const char* kRunningSubject = "running systemd manager";
// "zz-": PID 1 reads the system.conf.d drop-ins in name order and the last DefaultEnvironment=
// assignment of a variable wins.
constexpr const char* kDropIn = "/etc/systemd/system.conf.d/zz-metalama-telemetry.conf";

class SystemdManagerTarget final : public Target {
  public:
    explicit SystemdManagerTarget(std::shared_ptr<platform::ServiceManager> manager)
        : manager_(std::move(manager)) {}
    std::string name() const override { return kTargetName; }
    std::vector<Finding> reconcile(TargetRun& run, const DesiredState& desired) override {
        auto findings = retireFormerNames(run, file_);
        findings.push_back(reconcileManagedFile(run, file_, desired.environmentOptOut));
        findings.push_back(reconcileRunningManager(run, *manager_, desired.environmentOptOut));
        return findings;
    }
    std::vector<Finding> revert(TargetRun& run) override {
        auto findings = retireFormerNames(run, file_);
        findings.push_back(restoreManagedFile(run, file_));
        findings.push_back(reconcileRunningManager(run, *manager_, false));
        return findings;
    }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return watchPathsFor(context, file_.path);
    }

  private:
    std::shared_ptr<platform::ServiceManager> manager_;
    ManagedFileSpec file_{
        kTargetName,
        kDropIn,
        std::string("# Managed by metalama-policy-agent (policy TelemetryOptOut): system services\n"
                    "# opt out of Metalama telemetry. Removed when the policy is.\n"
                    "[Manager]\n"
                    "DefaultEnvironment=") +
            kOptOutVariable + "=" + kOptOutValue + "\n",
        std::string("DefaultEnvironment=") + kOptOutVariable + "=" + kOptOutValue,
        {"/etc/systemd/system.conf.d/90-metalama-telemetry.conf"},
    };
};

// The value of `name` in KEY=VALUE entries; nullopt when it is not set.
std::optional<std::string> valueOf(const std::vector<std::string>& entries,
                                   const std::string& name) {
    const std::string prefix = name + "=";
    for (const auto& entry : entries)
        if (startsWith(entry, prefix)) return entry.substr(prefix.size());
    return std::nullopt;
}

}  // namespace

Finding reconcileRunningManager(TargetRun& run, platform::ServiceManager& manager, bool wanted) {
    const std::string desiredEntry = std::string(kOptOutVariable) + "=" + kOptOutValue;
    auto f = Finding::about(
        kTargetName, kRunningSubject, "",
        wanted ? desiredEntry + " in the manager environment" : "as before the agent");
    if (!run.context.isLiveSystem()) return notApplicable(std::move(f), "not the running system");
    if (!manager.isRunning())
        return notApplicable(std::move(f), "systemd is not running (no /run/systemd/system)");

    LiveVariableStore store;
    store.label = "systemctl show-environment";
    store.read = [&manager](LiveValue* out) {
        std::vector<std::string> entries;
        auto read = manager.readEnvironment(&entries);
        if (read) out->text = valueOf(entries, kOptOutVariable);
        return read;
    };
    store.set = [&manager](const std::string& value) {
        return manager.setEnvironment(kOptOutVariable, value);
    };
    store.unset = [&manager] { return manager.unsetEnvironment(kOptOutVariable); };
    store.pendingWhenSetFails = [](const std::string& error) {
        return "the drop-in is in place but the running manager could not be updated (" + error +
               "): pending until systemd re-executes or the machine restarts";
    };
    return reconcileLiveVariable(run, store, std::move(f), wanted);
}

std::unique_ptr<Target> makeSystemdManagerTarget(
    std::shared_ptr<platform::ServiceManager> manager) {
    return withEffectiveValue(std::make_unique<SystemdManagerTarget>(std::move(manager)),
                              EnvironmentReader::SystemManager, kDropIn);
}

}  // namespace mpa
