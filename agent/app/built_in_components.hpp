#pragma once
// The registries: every built-in policy source and enforcement target, per platform. Adding a
// source or a target is one file in sources/ or targets/ and one line in
// app/source_registry.cpp or app/target_registry.cpp.
#include <memory>
#include <vector>

#include "model/components.hpp"

namespace mpa {

std::vector<std::unique_ptr<PolicySource>> makePolicySources(const AgentContext& context);
std::vector<std::unique_ptr<Target>> makeTargets(const AgentContext& context);

// Both registries, as the engine takes them.
const Components& builtInComponents();

}  // namespace mpa
