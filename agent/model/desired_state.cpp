#include "model/desired_state.hpp"

#include <algorithm>

#include "policy/policy_names.hpp"

namespace mpa {

std::string_view toString(ActionRequirement requirement) {
    switch (requirement) {
        case ActionRequirement::None:
            return "not managed";
        case ActionRequirement::NoUnlessUserChose:
            return "No unless the user chose";
        case ActionRequirement::ForceNo:
            return "No";
    }
    return "?";
}

namespace {

template <typename T>
T valueOr(const PolicySet& policy, const PolicyCatalog& catalog, const char* name) {
    if (const auto* effective = policy.find(name))
        if (const auto* v = std::get_if<T>(&effective->value)) return *v;
    const auto* def = catalog.find(name);
    return def ? std::get<T>(def->defaultValue) : T{};
}

// A boolean policy that is enabled, at which level; nullopt when not enabled.
std::optional<PolicyLevel> enabledAt(const PolicySet& policy, const char* name) {
    const auto* effective = policy.find(name);
    if (!effective) return std::nullopt;
    const auto* on = std::get_if<bool>(&effective->value);
    if (!on || !*on) return std::nullopt;
    return effective->from.level;
}

void require(ActionRequirement& action, std::optional<PolicyLevel> level) {
    if (!level) return;
    const auto wanted = *level == PolicyLevel::Mandatory ? ActionRequirement::ForceNo
                                                         : ActionRequirement::NoUnlessUserChose;
    if (static_cast<int>(wanted) > static_cast<int>(action)) action = wanted;
}

// The stronger of two levels at which an opt-out is enabled.
std::optional<PolicyLevel> stronger(std::optional<PolicyLevel> a, std::optional<PolicyLevel> b) {
    if (!a) return b;
    if (!b) return a;
    return *a == PolicyLevel::Mandatory ? a : b;
}

// Each catalog tool whose policy (or the all-tools switch) is enabled: its variables
// machine-wide when mandatory (a variable cannot be a user's choice, so a recommended policy
// does not set it, as Metalama's own), its per-user files forced when mandatory and set where
// the user has not chosen when recommended.
void decideTools(const PolicySet& policy, const PolicyCatalog& catalog, DesiredState& d) {
    std::optional<PolicyLevel> all;
    for (const auto& def : catalog.policies)
        if (def.allTools) all = stronger(all, enabledAt(policy, def.name.c_str()));
    for (const auto& def : catalog.policies) {
        if (def.tool.empty()) continue;
        const auto* tool = catalog.tools.find(def.tool);
        const auto level = stronger(enabledAt(policy, def.name.c_str()), all);
        if (!tool || !level) continue;
        const bool mandatory = *level == PolicyLevel::Mandatory;
        if (mandatory && tool->machineWide)
            for (const auto& variable : tool->environment)
                d.environment.push_back({variable.name, variable.value, tool->id, def.name});
        for (const auto& file : tool->userFiles)
            d.userFiles.push_back({tool->id, def.name, file, mandatory});
    }
    // One line per variable, in name order. The catalog gives each variable to one tool and
    // keeps Metalama's own for Metalama (policy/telemetry_catalog.cpp), so names do not repeat.
    std::stable_sort(d.environment.begin(), d.environment.end(),
                     [](const auto& a, const auto& b) { return a.name < b.name; });
    // A catalog built by hand could still repeat one: the first asker keeps it.
    d.environment.erase(std::unique(d.environment.begin(), d.environment.end(),
                                    [](const auto& a, const auto& b) { return a.name == b.name; }),
                        d.environment.end());
}

}  // namespace

DesiredState decideDesiredState(const PolicySet& policy, const PolicyCatalog& catalog) {
    DesiredState d;
    d.managed = !policy.empty();
    const auto optOut = enabledAt(policy, policy_name::kTelemetryOptOut);
    // The variable is machine-wide and cannot be overridden per user, so only a mandatory
    // opt-out sets it; a recommended one becomes a default in each profile.
    if (optOut == PolicyLevel::Mandatory)
        d.environment.push_back(
            {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, policy_name::kTelemetryOptOut});
    decideTools(policy, catalog, d);
    for (auto* action : {&d.usage, &d.exception, &d.performance}) require(*action, optOut);
    require(d.usage, enabledAt(policy, policy_name::kDisableUsageReporting));
    require(d.exception, enabledAt(policy, policy_name::kDisableExceptionReporting));
    require(d.performance, enabledAt(policy, policy_name::kDisablePerformanceProblemReporting));
    d.manageProfiles = valueOr<bool>(policy, catalog, policy_name::kManageUserProfiles);
    d.deviceIdRotationDays =
        valueOr<std::int64_t>(policy, catalog, policy_name::kDeviceIdRotationDays);
    d.deviceIdResetToken = valueOr<std::string>(policy, catalog, policy_name::kDeviceIdResetToken);
    d.auditOnly = valueOr<std::string>(policy, catalog, policy_name::kEnforcementMode) ==
                  policy_item::kEnforcementModeAuditOnly;
    d.reconcileIntervalMinutes =
        valueOr<std::int64_t>(policy, catalog, policy_name::kReconcileIntervalMinutes);
    d.complianceRetentionDays =
        valueOr<std::int64_t>(policy, catalog, policy_name::kComplianceRetentionDays);
    return d;
}

}  // namespace mpa
