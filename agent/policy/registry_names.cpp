#include "policy/registry_names.hpp"

namespace mpa {

std::string registryKeyFor(const PolicyCatalog& catalog, PolicyLevel level) {
    if (level == PolicyLevel::Recommended)
        return catalog.registryKey + "\\" + std::string(kRecommendedSubkey);
    return catalog.registryKey;
}

std::string registryValueName(const PolicyDefinition& def) {
    return def.name;
}

RegistryLocation registryLocation(const PolicyCatalog& catalog, const PolicyDefinition& def,
                                  PolicyLevel level) {
    return {registryKeyFor(catalog, level), registryValueName(def)};
}

std::string_view registryValueType(const PolicyDefinition& def) {
    return def.type == PolicyType::String ? "REG_SZ" : "REG_DWORD";
}

}  // namespace mpa
