#pragma once
// Where each policy lives in the Windows registry. The ADMX writer, the .reg example, the docs and
// the agent's registry and Registry.pol readers all take value names and keys from here, so what
// the templates declare and what the agent reads cannot drift apart.
#include <string>
#include <string_view>

#include "policy/definitions.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

// Chromium's convention: recommended (user-overridable) values sit in this subkey of the policy
// key, under the same value names.
inline constexpr std::string_view kRecommendedSubkey = "Recommended";

struct RegistryLocation {
    std::string key;        // without hive: "SOFTWARE\Policies\PostSharp\Metalama[\Recommended]"
    std::string valueName;  // "TelemetryOptOut"
};

// The key that holds values of the given level (machine hive; the key is the same under HKCU).
std::string registryKeyFor(const PolicyCatalog& catalog, PolicyLevel level);
std::string registryValueName(const PolicyDefinition& def);
RegistryLocation registryLocation(const PolicyCatalog& catalog, const PolicyDefinition& def,
                                  PolicyLevel level);
// "REG_DWORD" for booleans, integers and enums (the ADMX writes decimals), "REG_SZ" for strings.
std::string_view registryValueType(const PolicyDefinition& def);

}  // namespace mpa
