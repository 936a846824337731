// Checks on ADMX/ADML files that the Group Policy editor and Intune's ADMX import enforce beyond
// the XML schema (../shared/reference/windows.md), and where the schema is.
#pragma once

#include <string>
#include <vector>

namespace mpa::test {

// PolicyDefinitionFiles.xsd from the shared directory beside the repository: MPA_SHARED_DIR if
// set, else the nearest "shared/schemas/admx" found walking up from MPA_SOURCE_DIR (a worktree
// or a clone in CI sits one or two levels below it). Empty when there is none.
std::string findAdmxSchema();

// Every broken rule, as a readable message: ids outside [A-Za-z0-9_], $(string.X) and
// $(presentation.X) references not defined exactly once or definitions never referenced, '<' or
// '>' in ADML text, comboBox presentations, `using` of namespaces, registry keys outside
// keyPrefix (or under keys Intune refuses), either file of 1 MB or more.
std::vector<std::string> admxRuleViolations(const std::string& admx, const std::string& adml,
                                            const std::string& keyPrefix);

}  // namespace mpa::test
