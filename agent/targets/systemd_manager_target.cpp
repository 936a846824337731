// systemd's system manager: DefaultEnvironment= in a system.conf drop-in reaches every system
// service (build agents installed as units), but PID 1 reads it only at boot or on
// `systemctl daemon-reexec`. So on the live system the agent also sets the variable in the
// running manager (`systemctl set-environment`), which every service started from then on gets.
#include "targets/effective_value_target.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/managed_file.hpp"
#include "targets/target_common.hpp"
#include "util/text.hpp"
#include "util/unified_diff.hpp"

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

std::string entryText(const std::optional<std::string>& value) {
    return value ? std::string(kOptOutVariable) + "=" + *value + "\n" : std::string();
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
    const auto prior = run.ledger.find(kTargetName, kRunningSubject);
    if (!wanted && !prior) return notApplicable(std::move(f), "the agent has not set it");

    std::vector<std::string> entries;
    if (auto read = manager.readEnvironment(&entries); !read)
        return failed(std::move(f), read.error);
    const auto current = valueOf(entries, kOptOutVariable);
    f.observed = current ? std::string(kOptOutVariable) + "=" + *current : "absent";
    const char* label = "systemctl show-environment";

    if (wanted) {
        if (current && *current == kOptOutValue) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff = unifiedDiff(entryText(current), desiredEntry + "\n", label, label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        std::string error;
        if (!prior && !recordPrior(run, kTargetName, kRunningSubject, current.has_value(),
                                   current.value_or(""), &error))
            return failed(std::move(f), error);
        if (auto set = manager.setEnvironment(kOptOutVariable, kOptOutValue); !set) {
            if (!prior) forgetPrior(run, kTargetName, kRunningSubject, &f);
            f.outcome = Outcome::Pending;
            f.reason = "the drop-in is in place but the running manager could not be updated (" +
                       set.error + "): pending until systemd re-executes or the machine restarts";
            return f;
        }
        f.outcome = prior ? Outcome::DriftRepaired : Outcome::Remediated;
        return f;
    }

    if (!current || *current != kOptOutValue) {
        f = notApplicable(std::move(f),
                          "changed by someone else since the agent set it; left as found");
        if (run.changesAllowed()) forgetPrior(run, kTargetName, kRunningSubject, &f);
        return f;
    }
    const std::optional<std::string> before =
        prior->existed ? std::optional<std::string>(prior->value) : std::nullopt;
    f.diff = unifiedDiff(entryText(current), entryText(before), label, label);
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    const auto undone = before ? manager.setEnvironment(kOptOutVariable, *before)
                               : manager.unsetEnvironment(kOptOutVariable);
    if (!undone) return failed(std::move(f), undone.error);
    forgetPrior(run, kTargetName, kRunningSubject, &f);
    f.outcome = Outcome::Restored;
    return f;
}

std::unique_ptr<Target> makeSystemdManagerTarget(
    std::shared_ptr<platform::ServiceManager> manager) {
    return withEffectiveValue(std::make_unique<SystemdManagerTarget>(std::move(manager)),
                              EnvironmentReader::SystemManager, kDropIn);
}

}  // namespace mpa
