#pragma once
// A policy source reads one place where IT sets policy and reports what it found. Sources never
// throw on bad input: every problem becomes a PolicyIssue (file, line or key, reason).
#include <memory>
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

class PolicySource {
  public:
    virtual ~PolicySource() = default;
    virtual std::string name() const = 0;
    virtual SourceResult read(const AgentContext& context) const = 0;
    // Paths (already resolved under the root) whose changes mean the policy may have changed;
    // the service watches them. Directories may not exist yet.
    virtual std::vector<std::string> watchPaths(const AgentContext& context) const = 0;
};

}  // namespace mpa
