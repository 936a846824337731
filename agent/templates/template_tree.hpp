#pragma once
// Every generated artefact and where it lives in the repository. `templates --out DIR` writes
// this tree, and the test that keeps the committed files honest compares against it.
#include <string>
#include <vector>

#include "policy/definitions.hpp"
#include "policy/telemetry_catalog.hpp"

namespace mpa {

struct GeneratedFile {
    std::string path;  // relative, '/'-separated: "admx/Metalama.admx"
    std::string content;
};

// The catalog of other tools' opt-outs is a second input: docs/telemetry-catalog.md comes from
// it alone (kTelemetryCatalogDocPath), everything else from the policy definitions.
inline constexpr const char* kTelemetryCatalogDocPath = "docs/telemetry-catalog.md";
std::vector<GeneratedFile> generateTemplateTree(const PolicyCatalog& catalog,
                                                const TelemetryCatalog& tools);
// With the tools merged into catalog (mergeToolPolicies), or else those embedded in this binary.
std::vector<GeneratedFile> generateTemplateTree(const PolicyCatalog& catalog);

// Writes each file under directory (created as needed), replacing files atomically (write a
// temporary file, then rename). Returns an empty string, or what failed and where.
std::string writeTemplateTree(const std::vector<GeneratedFile>& files,
                              const std::string& directory);

}  // namespace mpa
