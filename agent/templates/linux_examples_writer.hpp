#pragma once
// Example drop-in files for /etc/metalama/policies/{managed,recommended}/: a flat map of policy
// name to value, every policy at its example value (recommended: only the policies that have a
// recommended form). JSON and YAML say the same thing; administrators pick the format their
// configuration management writes.
#include <string>

#include "policy/definitions.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

std::string writeLinuxExampleJson(const PolicyCatalog& catalog, PolicyLevel level);
std::string writeLinuxExampleYaml(const PolicyCatalog& catalog, PolicyLevel level);

}  // namespace mpa
