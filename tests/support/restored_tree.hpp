#pragma once
// Whether a tree is back as it was before the agent's first pass, once every policy is gone: the
// promise of no tattooing, checked on the demo root (scripts/make-demo-root.sh). What the agent
// keeps on purpose is allowed, and only that: a telemetry.json keeps the DeviceId the agent gave
// it and its version count (Metalama would have made both), and a malformed one stays set aside
// as telemetry.json.invalid-<time> beside the valid file that replaced it.
#include <string>

#include "support/tree_snapshot.hpp"

namespace mpa::test {

// Every difference between `original` and `after` that the agent may not leave behind, one per
// line; empty when none. The policy files and the agent's own state (its database directory and
// its runtime directory under /run) are left out.
std::string describeNotRestored(const TreeSnapshot& original, const TreeSnapshot& after);

}  // namespace mpa::test
