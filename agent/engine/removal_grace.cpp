#include "engine/removal_grace.hpp"

#include "util/time_text.hpp"

namespace mpa {

std::string removalStateKey(const std::string& policy) {
    return "policy-removed-at:" + policy;
}

void holdRemovedPolicies(PolicySet& current, const PolicySet& lastKnownGood, const Ledger& ledger,
                         std::chrono::system_clock::time_point now, std::chrono::hours grace) {
    if (grace.count() <= 0) return;
    for (const auto& [name, stored] : lastKnownGood.values) {
        if (current.values.count(name)) continue;
        auto removedAt = now;
        if (const auto remembered = ledger.state(removalStateKey(name)); remembered) {
            // An unreadable time restarts the period rather than ending it: the safe side.
            if (const auto parsed = parseIsoUtc(*remembered)) removedAt = *parsed;
        }
        const auto until = removedAt + grace;
        if (now >= until) continue;
        auto held = stored;
        held.keptFromLastKnownGood = true;
        held.removedAt = isoUtc(removedAt);
        held.keptBecause = "removed from every source at " + held.removedAt + "; held for the " +
                           std::to_string(grace.count()) +
                           "-hour removal grace period (agent.yaml policy_removal_grace_hours) "
                           "until " +
                           isoUtc(until);
        held.overridden.clear();
        current.values.emplace(name, std::move(held));
    }
}

Status rememberRemovals(const PolicySet& policy, Ledger& ledger) {
    for (const auto& [name, effective] : policy.values) {
        const auto key = removalStateKey(name);
        const auto known = ledger.state(key);
        const std::string wanted = effective.removedAt;  // empty: in effect, nothing to remember
        if (known.value_or("") == wanted) continue;
        if (!known && wanted.empty()) continue;
        if (auto set = ledger.setState(key, wanted); !set) return set;
    }
    return Status::success();
}

}  // namespace mpa
