#pragma once
// The ADMX file (policy definitions for the Group Policy editor and Intune ADMX ingestion).
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

inline constexpr const char* kAdmxNamespaceUri =
    "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";

// Deterministic: the same catalog always gives the same bytes.
std::string writeAdmx(const PolicyCatalog& catalog);

}  // namespace mpa
