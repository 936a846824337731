#pragma once
// docs/policies.md: the reference of every policy (table and details), the coercion rules, and
// the Intune OMA-URIs, computed by reading back the generated ADMX the way Intune does.
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

// The <AppName> an administrator uses in Intune's ADMXInstall URI; the documented policy URIs
// depend on it. We document one value so copy-paste works.
std::string intuneAppName(const PolicyCatalog& catalog);
std::string intuneAdmxInstallUri(const PolicyCatalog& catalog);

std::string writePoliciesDoc(const PolicyCatalog& catalog);

}  // namespace mpa
