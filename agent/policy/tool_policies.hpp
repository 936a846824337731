#pragma once
// One policy per tool of the telemetry catalog (policies/telemetry-catalog.yaml), plus one switch
// for every tool, derived from the catalog's data: name, caption and explanation are generated,
// so adding a tool to the catalog adds its policy to every source, template and document.
#include <string>
#include <string_view>

#include "policy/definitions.hpp"
#include "policy/telemetry_catalog.hpp"

namespace mpa {

// The category of the generated policies, under the product's own in the ADMX.
inline constexpr const char* kToolTelemetryCategory = "ToolTelemetry";
// The switch that opts every tool of the catalog out at once.
inline constexpr const char* kAllToolsPolicy = "AllCatalogToolsTelemetryOptOut";

// A tool has a policy when its opt-out can be set by the agent: machine-wide (its variables) or
// per user (a settings file). An entry that is neither has none (toolWithoutPolicyReason says
// why).
bool hasToolPolicy(const CatalogTool& tool);
std::string toolWithoutPolicyReason(const CatalogTool& tool);

// The entry's `policy` when it has one, else derived from the id, stable as long as the id is:
// dotnet-sdk -> DotnetSdkTelemetryOptOut.
std::string toolPolicyName(const CatalogTool& tool);

// Whether the policy has a recommended form: only a per-user file can be set "where the user has
// not chosen"; a machine-wide variable is set by the mandatory form only.
bool toolPolicyRecommendable(const CatalogTool& tool);

// The product's policies followed by one per tool (catalog order) and the all-tools switch.
// Throws DefinitionError when a generated name is already taken (names are case-insensitive).
PolicyCatalog mergeToolPolicies(PolicyCatalog product, const TelemetryCatalog& tools);

// Both texts loaded and merged: what builtinCatalog() does with the embedded files.
PolicyCatalog loadCatalogWithTools(std::string_view definitionsYaml, std::string_view catalogYaml);

}  // namespace mpa
