// systemd's system manager: DefaultEnvironment= in a system.conf drop-in reaches every system
// service (build agents installed as units), but PID 1 reads it only at boot or on
// `systemctl daemon-reexec`. So on the live system the agent also sets each variable in the
// running manager (`systemctl set-environment`), which every service started from then on gets.
// The drop-in holds one DefaultEnvironment= line per variable (PID 1 adds up the lines).
#include "targets/effective_value_target.hpp"
#include "targets/environment_drop_in.hpp"
#include "targets/environment_variables.hpp"
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

// Each variable in the running manager: those wanted, then those the agent set that no longer are.
std::vector<Finding> runningManager(TargetRun& run, platform::ServiceManager& manager,
                                    const DesiredState& desired) {
    const auto plan =
        planVariables(desired, recordedVariables(run.ledger, kTargetName, kRunningSubject));
    std::vector<Finding> findings;
    for (const auto& variable : plan.wanted)
        findings.push_back(reconcileRunningManager(run, manager, variable, true));
    for (const auto& name : plan.restored)
        findings.push_back(reconcileRunningManager(
            run, manager,
            setAssignment(run.ledger, kTargetName, variableSubject(kRunningSubject, name), name),
            false));
    return findings;
}

class SystemdManagerTarget final : public Target {
  public:
    explicit SystemdManagerTarget(std::shared_ptr<platform::ServiceManager> manager)
        : manager_(std::move(manager)) {}
    std::string name() const override { return kTargetName; }
    bool stagesWrites() const override { return true; }
    // The drop-in's findings, then the running manager's (set at once: it does not read the
    // drop-in).
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        held_.clear();
        reconcileDropIn(run, file_, desired, held_, run.shareWrites);
        for (auto& f : runningManager(run, *manager_, desired)) held_.push_back(std::move(f));
        return run.shareWrites ? FindingLog() : settle(run);
    }
    FindingLog settle(TargetRun&) override {
        FindingLog findings(held_);
        held_.clear();
        return findings;
    }
    FindingLog revert(TargetRun& run) override {
        auto findings = revertDropIn(run, file_);
        for (auto& f : runningManager(run, *manager_, DesiredState{}))
            findings.push_back(std::move(f));
        return findings;
    }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return watchPathsFor(context, file_.path);
    }

  private:
    std::shared_ptr<platform::ServiceManager> manager_;
    std::vector<Finding> held_;  // this pass's findings, until settled
    EnvironmentDropInSpec file_{
        kTargetName,
        kDropIn,
        std::string("# Managed by metalama-policy-agent (policy TelemetryOptOut): system services\n"
                    "# opt out of Metalama telemetry. Removed when the policy is.\n"
                    "[Manager]\n"
                    "DefaultEnvironment=") +
            kOptOutVariable + "=" + kOptOutValue + "\n",
        "# Managed by metalama-policy-agent: system services opt out of the telemetry the\n"
        "# policies name, one line per variable. Each goes with its policy.\n",
        "[Manager]\n",
        "DefaultEnvironment=",
        "",
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
    return reconcileRunningManager(run, manager, metalamaAssignment(), wanted);
}

Finding reconcileRunningManager(TargetRun& run, platform::ServiceManager& manager,
                                const EnvironmentAssignment& variable, bool wanted) {
    const std::string desiredEntry = variable.name + "=" + variable.value;
    auto f = Finding::about(
        kTargetName, variableSubject(kRunningSubject, variable.name), "",
        wanted ? desiredEntry + " in the manager environment" : "as before the agent");
    f.tool = findingTool(variable);
    if (!run.context.isLiveSystem()) return notApplicable(std::move(f), "not the running system");
    if (!manager.isRunning())
        return notApplicable(std::move(f), "systemd is not running (no /run/systemd/system)");

    LiveVariableStore store;
    store.label = "systemctl show-environment";
    store.name = variable.name;
    store.value = variable.value;
    const std::string name = variable.name;
    store.read = [&manager, name](LiveValue* out) {
        std::vector<std::string> entries;
        auto read = manager.readEnvironment(&entries);
        if (read) out->text = valueOf(entries, name);
        return read;
    };
    store.set = [&manager, name](const std::string& value) {
        return manager.setEnvironment(name, value);
    };
    store.unset = [&manager, name] { return manager.unsetEnvironment(name); };
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
