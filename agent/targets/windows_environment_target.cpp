#include "targets/windows_environment_target.hpp"

#include "platform/registry.hpp"
#include "targets/live_environment_variable.hpp"
#include "targets/target_common.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

using platform::RegistryHive;

constexpr const char* kTargetName = "windows-environment";
constexpr const char* kServicesSubject = "services (service control manager environment)";
constexpr auto kBroadcastTimeout = std::chrono::milliseconds(5000);

std::string valueSubject() {
    return std::string("HKLM\\") + kWindowsEnvironmentKey + "\\" + kOptOutVariable;
}
// Ledger state: when the agent last wrote the value (ISO-8601 UTC).
std::string setAtKey() {
    return std::string(kTargetName) + "#set-at";
}

class WindowsEnvironmentTarget final : public Target {
  public:
    std::string name() const override { return kTargetName; }

    std::vector<Finding> reconcile(TargetRun& run, const DesiredState& desired) override {
        Finding value = reconcileValue(run, desired.environmentOptOut);
        return {value, services(run, desired.environmentOptOut, value)};
    }
    std::vector<Finding> revert(TargetRun& run) override {
        Finding value = reconcileValue(run, false);
        return {value, services(run, false, value)};
    }
    std::vector<std::string> watchPaths(const AgentContext&) const override {
        return {std::string("registry:HKLM\\") + kWindowsEnvironmentKey};
    }

  private:
    static Finding reconcileValue(TargetRun& run, bool wanted);
    static Finding services(TargetRun& run, bool wanted, const Finding& value);
};

Finding WindowsEnvironmentTarget::reconcileValue(TargetRun& run, bool wanted) {
    auto f = Finding::about(kTargetName, valueSubject(), "",
                            wanted ? std::string(kOptOutVariable) + "=" + kOptOutValue + " (REG_SZ)"
                                   : "as before the agent");
    if (hostPlatformProfile() != PlatformProfile::Windows)
        return notApplicable(std::move(f), "the Windows registry exists only on Windows");

    LiveVariableStore store;
    store.label = "machine environment";
    store.read = [](LiveValue* out) {
        Status status;
        const auto read = platform::readRegistryValue(
            RegistryHive::LocalMachine, kWindowsEnvironmentKey, kOptOutVariable, &status);
        if (!status) return status;
        if (read) out->text = read->text;
        out->isVariable = read && (read->type == 1 || read->type == 2);  // REG_SZ, REG_EXPAND_SZ
        return status;
    };
    store.set = [](const std::string& value) {
        return platform::writeRegistryString(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                             kOptOutVariable, value, false);
    };
    store.unset = [] {
        return platform::deleteRegistryValue(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                             kOptOutVariable);
    };
    // Running programs learn of the change from the broadcast; services from the set-at time.
    store.afterChange = [&run](Finding& changed, bool setNow) {
        if (setNow) run.ledger.setState(setAtKey(), isoUtc(run.context.now));
        const auto sent = platform::broadcastEnvironmentChange(kBroadcastTimeout);
        if (setNow && !sent) changed.reason = "set; " + sent.error + " (new logons still see it)";
    };
    return reconcileLiveVariable(run, store, std::move(f), wanted);
}

// Services see the machine environment as the service control manager read it at boot.
Finding WindowsEnvironmentTarget::services(TargetRun& run, bool wanted, const Finding& value) {
    auto f = Finding::about(
        kTargetName, kServicesSubject, "",
        wanted ? "services started with " + std::string(kOptOutVariable) + "=" + kOptOutValue
               : "as before the agent");
    if (!wanted) return notApplicable(std::move(f), "no opt-out asked for");
    if (value.outcome == Outcome::NotApplicable || value.outcome == Outcome::Failed ||
        value.outcome == Outcome::NonCompliant)
        return notApplicable(std::move(f), "the machine environment is not set");
    const auto setAt = run.ledger.state(setAtKey());
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
