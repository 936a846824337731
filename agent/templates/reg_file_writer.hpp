#pragma once
// A .reg file that sets every policy at its example value under the machine policy key, for lab
// machines without Group Policy or Intune. CRLF line endings and ASCII, as regedit expects.
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

std::string writeRegFile(const PolicyCatalog& catalog);

}  // namespace mpa
