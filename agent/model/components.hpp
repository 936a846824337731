#pragma once
// The policy sources and enforcement targets a pass works with. The engine is handed them by its
// caller and never names a concrete source or target: app/ holds the registries of the built-in
// ones (app/built_in_components.hpp), and a test can hand the engine its own.
#include <functional>
#include <memory>
#include <vector>

#include "model/agent_context.hpp"
#include "model/policy_source.hpp"
#include "model/target.hpp"

namespace mpa {

struct Components {
    std::function<std::vector<std::unique_ptr<PolicySource>>(const AgentContext&)> sources;
    std::function<std::vector<std::unique_ptr<Target>>(const AgentContext&)> targets;
};

}  // namespace mpa
