#pragma once
// The removal grace period (agent.yaml `policy_removal_grace_hours`). Replacing an imported ADMX
// in Intune, or re-creating a GPO, means the policy is gone from every source for a while; without
// a grace period every machine restores its users' telemetry choices in that window. With one, a
// policy that was in effect and that every source now reads cleanly without is still enforced,
// from the last known good policy, until the period has passed since the agent first found it
// gone; status and the event history say so. A policy that comes back ends the hold.
#include <chrono>
#include <string>

#include "model/ledger.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

// Ledger state key holding when the agent first found `policy` removed from every source.
std::string removalStateKey(const std::string& policy);

// Adds to `current` each policy of `lastKnownGood` that `current` lacks and whose removal (first
// seen now, or as `ledger` remembers it) is younger than `grace`, marked as kept with the time it
// was found removed and the end of the hold. Reads the ledger only.
void holdRemovedPolicies(PolicySet& current, const PolicySet& lastKnownGood, const Ledger& ledger,
                         std::chrono::system_clock::time_point now, std::chrono::hours grace);

// After a recorded pass: remembers when each held policy was first found removed, and forgets the
// removal of every policy in effect again, so that a later removal starts a new period. A policy
// whose period has ended stays remembered until it comes back: it is never held twice.
Status rememberRemovals(const PolicySet& policy, Ledger& ledger);

}  // namespace mpa
