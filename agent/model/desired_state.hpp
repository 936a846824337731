#pragma once
// Desired state: a pure function of the policy set. No I/O, so every rule is unit-testable.
#include <cstdint>
#include <string>

#include "policy/policy_names.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

// What the agent must make true of one reporting action in every profile's telemetry.json.
enum class ActionRequirement {
    None,               // not managed: restore whatever the agent changed
    NoUnlessUserChose,  // recommended: set 2 (No) where the user has not chosen (0 or missing)
    ForceNo,            // mandatory: 2 (No)
};
std::string_view toString(ActionRequirement requirement);

struct DesiredState {
    bool managed = false;            // some policy is in effect
    bool environmentOptOut = false;  // METALAMA_TELEMETRY_OPT_OUT=1 machine-wide (mandatory only)
    ActionRequirement usage = ActionRequirement::None;
    ActionRequirement exception = ActionRequirement::None;
    ActionRequirement performance = ActionRequirement::None;
    bool manageProfiles = policy_default::kManageUserProfiles;
    std::int64_t deviceIdRotationDays = policy_default::kDeviceIdRotationDays;
    std::string deviceIdResetToken;
    bool auditOnly = false;
    std::int64_t reconcileIntervalMinutes = policy_default::kReconcileIntervalMinutes;
    std::int64_t complianceRetentionDays = policy_default::kComplianceRetentionDays;

    bool anyActionManaged() const {
        return usage != ActionRequirement::None || exception != ActionRequirement::None ||
               performance != ActionRequirement::None;
    }
};

DesiredState decideDesiredState(const PolicySet& policy, const PolicyCatalog& catalog);

}  // namespace mpa
