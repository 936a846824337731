#pragma once
// Policy definitions, loaded from policies/metalama.yaml (embedded at build time). Every source,
// target, template writer and document takes names, types and ranges from here.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_value.hpp"
#include "policy/telemetry_catalog.hpp"

namespace mpa {

enum class PolicyType { Boolean, Integer, Enum, String };
std::string_view toString(PolicyType type);

struct EnumItem {
    std::string name;     // what files and plists hold, e.g. "AuditOnly"
    std::int64_t value;   // what the ADMX writes as REG_DWORD
    std::string caption;  // display text
};

struct PolicyDefinition {
    std::string name;  // also the registry value name, plist key and drop-in key
    PolicyType type = PolicyType::Boolean;
    PolicyValue defaultValue;
    PolicyValue example;
    std::int64_t min = 0, max = 0;  // Integer
    std::size_t maxLength = 0;      // String, in characters
    std::vector<EnumItem> items;    // Enum
    std::string category;           // Telemetry | PolicyAgent | ToolTelemetry (generated)
    bool recommendable = false;
    std::string caption;
    std::string explanation;
    // Generated from the telemetry catalog (policy/tool_policies.hpp): the id of the tool whose
    // opt-out this policy sets, or allTools for the switch that sets every tool's. Both empty
    // for the product's own policies (policies/metalama.yaml).
    std::string tool;
    bool allTools = false;

    bool isToolPolicy() const { return allTools || !tool.empty(); }
    const EnumItem* findItem(std::string_view name) const;  // case-insensitive
    const EnumItem* findItemByValue(std::int64_t value) const;
    std::string describeType() const;  // "boolean", "integer 5-1440", "one of Enforce, AuditOnly"
};

struct PolicyCatalog {
    std::string product, vendor, registryKey, admxNamespace, admxRevision, macosDomain;
    std::vector<PolicyDefinition> policies;
    // The catalog tools whose policies were appended (mergeToolPolicies); empty otherwise.
    TelemetryCatalog tools;

    const PolicyDefinition* find(std::string_view name) const;  // exact name
    // Case-insensitive look-up, for sources whose names are case-insensitive (the registry).
    const PolicyDefinition* findIgnoringCase(std::string_view name) const;
};

// Definitions are a build-time artefact: a bad one is a bug, reported with its location.
struct DefinitionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

PolicyCatalog loadCatalog(std::string_view yamlText);
// Every policy the agent knows: the product's own (policies/metalama.yaml), then one per tool of
// the telemetry catalog (policies/telemetry-catalog.yaml) and the all-tools switch.
const PolicyCatalog& builtinCatalog();
// The product's own policies only, as policies/metalama.yaml defines them.
const PolicyCatalog& builtinProductCatalog();

}  // namespace mpa
