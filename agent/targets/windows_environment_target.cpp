#include "targets/windows_environment_target.hpp"

#include "platform/registry.hpp"
#include "targets/target_common.hpp"
#include "util/time_text.hpp"
#include "util/unified_diff.hpp"

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

std::string entryText(const std::optional<std::string>& value) {
    return value ? std::string(kOptOutVariable) + "=" + *value + "\n" : std::string();
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
    const auto prior = run.ledger.find(kTargetName, f.subject);
    if (!wanted && !prior) return notApplicable(std::move(f), "the agent has not set it");

    platform::Status status;
    const auto read = platform::readRegistryValue(RegistryHive::LocalMachine,
                                                  kWindowsEnvironmentKey, kOptOutVariable, &status);
    if (!status) return failed(std::move(f), status.error);
    const std::optional<std::string> current =
        read ? std::optional<std::string>(read->text) : std::nullopt;
    const bool isString = read && (read->type == 1 || read->type == 2);
    f.observed = current ? std::string(kOptOutVariable) + "=" + *current : "absent";
    const char* label = "machine environment";

    if (wanted) {
        if (isString && *current == kOptOutValue) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff =
            unifiedDiff(entryText(current), entryText(std::string(kOptOutValue)), label, label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        std::string error;
        if (!prior &&
            !recordPrior(run, kTargetName, f.subject, isString, current.value_or(""), &error))
            return failed(std::move(f), error);
        if (auto set =
                platform::writeRegistryString(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                              kOptOutVariable, kOptOutValue, false);
            !set) {
            if (!prior) forgetPrior(run, kTargetName, f.subject, &f);
            return failed(std::move(f), set.error);
        }
        run.ledger.setState(setAtKey(), isoUtc(run.context.now), &error);
        if (auto sent = platform::broadcastEnvironmentChange(kBroadcastTimeout); !sent)
            f.reason = "set; " + sent.error + " (new logons still see it)";
        f.outcome = prior ? Outcome::DriftRepaired : Outcome::Remediated;
        return f;
    }

    if (!isString || *current != kOptOutValue) {
        f = notApplicable(std::move(f),
                          "changed by someone else since the agent set it; left as found");
        if (run.changesAllowed()) forgetPrior(run, kTargetName, f.subject, &f);
        return f;
    }
    const std::optional<std::string> before =
        prior->existed ? std::optional<std::string>(prior->value) : std::nullopt;
    f.diff = unifiedDiff(entryText(current), entryText(before), label, label);
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    const auto undone =
        before ? platform::writeRegistryString(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                               kOptOutVariable, *before, false)
               : platform::deleteRegistryValue(RegistryHive::LocalMachine, kWindowsEnvironmentKey,
                                               kOptOutVariable);
    if (!undone) return failed(std::move(f), undone.error);
    platform::broadcastEnvironmentChange(kBroadcastTimeout);
    forgetPrior(run, kTargetName, f.subject, &f);
    f.outcome = Outcome::Restored;
    return f;
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
