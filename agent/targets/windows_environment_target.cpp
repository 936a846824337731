#include "targets/windows_environment_target.hpp"

#include <algorithm>

#include "platform/registry.hpp"
#include "targets/environment_variables.hpp"
#include "targets/live_environment_variable.hpp"
#include "targets/target_common.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

using platform::RegistryHive;

constexpr const char* kTargetName = "windows-environment";
constexpr const char* kServicesSubject = "services (service control manager environment)";
constexpr auto kBroadcastTimeout = std::chrono::milliseconds(5000);

// Each variable is its own registry value, so its subject names it (Metalama's as before).
std::string valuePrefix() {
    return std::string("HKLM\\") + kWindowsEnvironmentKey + "\\";
}
std::string valueSubject(const std::string& name) {
    return valuePrefix() + name;
}
// The variables whose prior value the ledger holds, sorted by name.
std::vector<std::string> recordedValues(const Ledger& ledger) {
    std::vector<std::string> names;
    for (const auto& entry : ledger.listPrefix(kTargetName, valuePrefix()))
        names.push_back(entry.subject.substr(valuePrefix().size()));
    std::sort(names.begin(), names.end());
    return names;
}
// Ledger state: when the agent last wrote the value (ISO-8601 UTC).
std::string setAtKey(const std::string& name) {
    return variableSubject(std::string(kTargetName) + "#set-at", name);
}
// Ledger state: "REG_EXPAND_SZ" when the value the agent replaced was expandable (empty
// otherwise), so its restore writes it back expandable: a "%USERPROFILE%\..." value that came
// back as REG_SZ would no longer be expanded by Windows. The prior entry holds only the text.
constexpr const char* kExpandable = "REG_EXPAND_SZ";
std::string priorTypeKey(const std::string& name) {
    return variableSubject(std::string(kTargetName) + "#prior-type", name);
}
bool priorWasExpandable(const Ledger& ledger, const std::string& name) {
    return ledger.state(priorTypeKey(name)).value_or("") == kExpandable;
}

class WindowsEnvironmentTarget final : public Target {
  public:
    std::string name() const override { return kTargetName; }

    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        const auto plan = planVariables(desired, recordedValues(run.ledger));
        std::vector<Finding> findings;
        Changes changes;
        auto add = [&](const EnvironmentAssignment& variable, bool wanted) {
            bool setNow = false;
            Finding value = reconcileValue(run, variable, wanted, &changes.any, &setNow);
            if (setNow) changes.set.push_back(findings.size());
            findings.push_back(value);
            findings.push_back(services(run, variable, wanted, value));
        };
        for (const auto& variable : plan.wanted) add(variable, true);
        for (const auto& name : plan.restored)
            add(setAssignment(run.ledger, kTargetName, valueSubject(name), name), false);
        // One broadcast for every value this pass changed: running programs re-read the
        // environment once, not once per variable.
        if (changes.any)
            if (const auto sent = platform::broadcastEnvironmentChange(kBroadcastTimeout); !sent)
                for (auto i : changes.set)
                    findings[i].reason = "set; " + sent.error + " (new logons still see it)";
        return findings;
    }
    FindingLog revert(TargetRun& run) override { return reconcile(run, DesiredState{}); }
    std::vector<std::string> watchPaths(const AgentContext&) const override {
        return {std::string("registry:HKLM\\") + kWindowsEnvironmentKey};
    }

  private:
    struct Changes {
        bool any = false;              // a value was set or restored
        std::vector<std::size_t> set;  // the findings of the values set
    };
    // *changed and *setNow become true when the value was changed (set, for *setNow).
    static Finding reconcileValue(TargetRun& run, const EnvironmentAssignment& variable,
                                  bool wanted, bool* changed, bool* setNow);
    static Finding services(TargetRun& run, const EnvironmentAssignment& variable, bool wanted,
                            const Finding& value);
};

Finding WindowsEnvironmentTarget::reconcileValue(TargetRun& run,
                                                 const EnvironmentAssignment& variable, bool wanted,
                                                 bool* changed, bool* setNow) {
    const std::string name = variable.name;
    auto f =
        Finding::about(kTargetName, valueSubject(name), "",
                       wanted ? name + "=" + variable.value + " (REG_SZ)" : "as before the agent");
    f.tool = findingTool(variable);
    if (hostPlatformProfile() != PlatformProfile::Windows)
        return notApplicable(std::move(f), "the Windows registry exists only on Windows");

    // The agent is about to replace a value it has no prior entry for: its type is recorded
    // (before the change, as the prior entry is) for the restore.
    const bool firstChange =
        wanted && run.changesAllowed() && !run.ledger.find(kTargetName, valueSubject(name));
    LiveVariableStore store;
    store.label = "machine environment";
    store.name = name;
    store.value = variable.value;
    store.read = [&run, name, firstChange, value = variable.value](LiveValue* out) {
        Status status;
        const auto read = platform::readRegistryValue(RegistryHive::LocalMachine,
                                                      kWindowsEnvironmentKey, name, &status);
        if (!status) return status;
        if (read) out->text = read->text;
        out->isVariable = read && (read->type == 1 || read->type == 2);  // REG_SZ, REG_EXPAND_SZ
        if (firstChange && !(out->isVariable && out->text == value)) {
            const std::string type = read && read->type == 2 ? kExpandable : "";
            if (run.ledger.state(priorTypeKey(name)).value_or("") != type)
                if (auto recorded = run.ledger.setState(priorTypeKey(name), type); !recorded)
                    return Status::failure("recording the type of " + name + ": " + recorded.error);
        }
        return status;
    };
    // Only a restore writes anything but the opt-out: the prior value, with its prior type.
    store.set = [&run, name, wanted](const std::string& value) {
        return platform::writeRegistryString(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                             name, value,
                                             !wanted && priorWasExpandable(run.ledger, name));
    };
    store.unset = [name] {
        return platform::deleteRegistryValue(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                             name);
    };
    // Running programs learn of the change from the broadcast (reconcile sends it once);
    // services from the set-at time.
    store.afterChange = [&run, name, changed, setNow](Finding&, bool set) {
        *changed = true;
        *setNow = set;
        if (set)
            run.ledger.setState(setAtKey(name), isoUtc(run.context.now));
        else if (priorWasExpandable(run.ledger, name))
            run.ledger.setState(priorTypeKey(name), "");  // restored: the type is spent
    };
    return reconcileLiveVariable(run, store, std::move(f), wanted);
}

// Services see the machine environment as the service control manager read it at boot.
Finding WindowsEnvironmentTarget::services(TargetRun& run, const EnvironmentAssignment& variable,
                                           bool wanted, const Finding& value) {
    auto f = Finding::about(kTargetName, variableSubject(kServicesSubject, variable.name), "",
                            wanted ? "services started with " + variable.name + "=" + variable.value
                                   : "as before the agent");
    f.tool = findingTool(variable);
    if (!wanted) return notApplicable(std::move(f), "no opt-out asked for");
    if (value.outcome == Outcome::NotApplicable || value.outcome == Outcome::Failed ||
        value.outcome == Outcome::NonCompliant)
        return notApplicable(std::move(f), "the machine environment is not set");
    const auto setAt = run.ledger.state(setAtKey(variable.name));
    const auto boot = platform::lastBootTime();
    const auto setTime = setAt ? parseIsoUtc(*setAt) : std::nullopt;
    if (setTime && (!boot || *boot <= *setTime)) {
        f.outcome = Outcome::Pending;
        f.observed = "set at " + *setAt + (boot ? ", last boot " + isoUtc(*boot) : "");
        f.reason = "services started before " + *setAt +
                   " keep their environment: pending until the next boot";
        return f;
    }
    f.observed = setAt ? "set at " + *setAt + ", booted since" : "set before the agent ran";
    f.outcome = Outcome::Compliant;
    return f;
}

}  // namespace

std::unique_ptr<Target> makeWindowsEnvironmentTarget() {
    return std::make_unique<WindowsEnvironmentTarget>();
}

}  // namespace mpa
