#include "templates/linux_examples_writer.hpp"

#include <sstream>
#include <variant>
#include <vector>

#include "util/json_document.hpp"

namespace mpa {
namespace {

std::vector<const PolicyDefinition*> policiesFor(const PolicyCatalog& catalog, PolicyLevel level) {
    std::vector<const PolicyDefinition*> out;
    for (const auto& def : catalog.policies)
        if (level == PolicyLevel::Mandatory || def.recommendable) out.push_back(&def);
    return out;
}

// A JSON scalar; also valid YAML (double-quoted YAML strings take JSON's escapes).
std::string scalar(const PolicyValue& value) {
    if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    return json::quote(std::get<std::string>(value));
}

std::string directoryOf(PolicyLevel level) {
    return level == PolicyLevel::Mandatory ? "managed" : "recommended";
}

}  // namespace

std::string writeLinuxExampleJson(const PolicyCatalog& catalog, PolicyLevel level) {
    std::ostringstream out;
    out << "{\n";
    const auto policies = policiesFor(catalog, level);
    for (std::size_t i = 0; i < policies.size(); ++i)
        out << "  \"" << policies[i]->name << "\": " << scalar(policies[i]->example)
            << (i + 1 < policies.size() ? ",\n" : "\n");
    out << "}\n";
    return out.str();
}

std::string writeLinuxExampleYaml(const PolicyCatalog& catalog, PolicyLevel level) {
    std::ostringstream out;
    out << "# " << catalog.product << " telemetry policy, "
        << (level == PolicyLevel::Mandatory ? "mandatory" : "recommended") << " values.\n"
        << "# Copy to /etc/metalama/policies/" << directoryOf(level)
        << "/ (owned by root, not writable by group or others).\n"
        << "# Files apply in name order; the last one wins.\n"
        << "# Generated from policies/metalama.yaml; see docs/policies.md for every policy.\n";
    for (const auto* def : policiesFor(catalog, level))
        out << "\n# " << def->caption << " (" << def->describeType() << ")\n"
            << def->name << ": " << scalar(def->example) << "\n";
    return out.str();
}

}  // namespace mpa
