#pragma once
// Desired state: a pure function of the policy set. No I/O, so every rule is unit-testable.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "policy/policy_names.hpp"
#include "policy/policy_set.hpp"
#include "policy/telemetry_catalog.hpp"

namespace mpa {

// What the agent must make true of one reporting action in every profile's telemetry.json.
enum class ActionRequirement {
    None,               // not managed: restore whatever the agent changed
    NoUnlessUserChose,  // recommended: set 2 (No) where the user has not chosen (0 or missing)
    ForceNo,            // mandatory: 2 (No)
};
std::string_view toString(ActionRequirement requirement);

// The tool name findings, the ledger and reports use for Metalama's own settings; every other
// tool is named by its telemetry-catalog id.
inline constexpr const char* kMetalamaTool = "metalama";

// One variable the machine-environment targets make machine-wide (one managed line each).
struct EnvironmentAssignment {
    std::string name;    // e.g. METALAMA_TELEMETRY_OPT_OUT, DOTNET_CLI_TELEMETRY_OPTOUT
    std::string value;   // written as is
    std::string tool;    // kMetalamaTool or a catalog id
    std::string policy;  // the policy that asks for it, for findings and reports
};

// One key of a per-user settings file (a catalog tool's opt-out) the per-user settings-file
// target keeps in every profile.
struct UserFileAssignment {
    std::string tool;    // catalog id
    std::string policy;  // the policy that asks for it
    CatalogUserFile file;
    // Mandatory: the key always holds the opt-out value. Recommended: set only where the user
    // has not set the key.
    bool force = true;
};

struct DesiredState {
    bool managed = false;  // some policy is in effect
    ActionRequirement usage = ActionRequirement::None;
    ActionRequirement exception = ActionRequirement::None;
    ActionRequirement performance = ActionRequirement::None;
    bool manageProfiles = policy_default::kManageUserProfiles;
    std::int64_t deviceIdRotationDays = policy_default::kDeviceIdRotationDays;
    std::string deviceIdResetToken;
    bool auditOnly = false;
    std::int64_t reconcileIntervalMinutes = policy_default::kReconcileIntervalMinutes;
    std::int64_t complianceRetentionDays = policy_default::kComplianceRetentionDays;
    // Every variable to set machine-wide, sorted by name, each name once. Metalama's own
    // (METALAMA_TELEMETRY_OPT_OUT) is here when TelemetryOptOut is mandatory.
    std::vector<EnvironmentAssignment> environment;
    // Every per-user settings-file key to keep, in catalog order.
    std::vector<UserFileAssignment> userFiles;

    // METALAMA_TELEMETRY_OPT_OUT=1 machine-wide (a mandatory opt-out only): Metalama's entry in
    // `environment`, so the two can never disagree.
    bool environmentOptOut() const {
        return std::any_of(environment.begin(), environment.end(),
                           [](const EnvironmentAssignment& e) { return e.tool == kMetalamaTool; });
    }

    bool anyActionManaged() const {
        return usage != ActionRequirement::None || exception != ActionRequirement::None ||
               performance != ActionRequirement::None;
    }
};

DesiredState decideDesiredState(const PolicySet& policy, const PolicyCatalog& catalog);

}  // namespace mpa
