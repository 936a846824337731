#pragma once
// The en-US ADML file: display strings and presentations for the ADMX.
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

// Deterministic: the same catalog always gives the same bytes.
std::string writeAdml(const PolicyCatalog& catalog);

}  // namespace mpa
