#pragma once
// The ids and display texts of the ADMX/ADML pair, decided once from the catalog. The ADMX writer
// and the ADML writer both render this layout, so every $(string.X) and $(presentation.X) the ADMX
// references is the one the ADML defines.
#include <string>
#include <vector>

#include "policy/definitions.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

struct AdmxCategory {
    std::string id;      // "Telemetry", "Telemetry_Recommended"; [A-Za-z0-9_]
    std::string parent;  // empty for the root category
};

struct AdmxPolicy {
    std::string id;  // "TelemetryOptOut", "TelemetryOptOut_Recommended"
    const PolicyDefinition* definition = nullptr;
    PolicyLevel level = PolicyLevel::Mandatory;
    std::string category;      // AdmxCategory::id
    std::string displayName;   // string id
    std::string explainText;   // string id
    std::string presentation;  // presentation id; empty for booleans (no elements)
};

struct AdmxString {
    std::string id;
    std::string text;  // plain text, never '<' or '>'
};

struct AdmxLayout {
    std::string prefix;       // target prefix, e.g. "metalama"
    std::string supportedOn;  // id of our own supportedOn definition (also its string id)
    std::string displayName, description;  // of the ADML file
    std::vector<AdmxCategory> categories;
    std::vector<AdmxPolicy> policies;
    std::vector<AdmxString> strings;  // every string the ADMX and the presentations reference
};

// Throws DefinitionError when the catalog cannot be expressed (an id collision, '<' in a text).
AdmxLayout buildAdmxLayout(const PolicyCatalog& catalog);

// Element and presentation ids of a policy with a value element (the same for both levels, so
// Intune's <data id=.../> is the same whichever form an administrator sets).
std::string admxElementId(const PolicyDefinition& def);
std::string admxEnumItemStringId(const PolicyDefinition& def, const EnumItem& item);

// The label shown next to the value box, e.g. "Days (0 to 3650):".
std::string admxPresentationLabel(const PolicyDefinition& def);

}  // namespace mpa
