#pragma once
// docs/telemetry-catalog.md: the catalog of other developer tools' telemetry opt-outs
// (policies/telemetry-catalog.yaml) as a table an administrator or auditor can check against
// each vendor's documentation.
#include <string>

#include "policy/telemetry_catalog.hpp"

namespace mpa {

std::string writeTelemetryCatalogDoc(const TelemetryCatalog& catalog);

}  // namespace mpa
