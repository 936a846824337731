#pragma once
// Linux policy drop-ins: <policyDirectory>/managed/ (mandatory) and .../recommended/
// (recommended). Every regular *.json, *.yaml, *.yml file in lexicographic order holds a flat
// map of policy name to value; the last file wins per policy (Chromium's convention, which
// config-management tools already follow).
#include "model/policy_source.hpp"

namespace mpa {

class DropinDirectorySource : public PolicySource {
  public:
    std::string name() const override { return "Linux policy file"; }
    SourceResult read(const AgentContext& context) const override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

// Largest policy file accepted; anything bigger is refused (a policy map is a few hundred bytes).
inline constexpr std::uint64_t kMaxPolicyFileBytes = 1024 * 1024;

// Parses one file's text (JSON or YAML; yaml-cpp reads both) into values; problems become
// issues naming `origin` with line and column. Exposed for tests and for `templates` checks.
void parsePolicyDocument(const std::string& text, const std::string& origin, PolicyLevel level,
                         int& order, SourceResult& out);

}  // namespace mpa
