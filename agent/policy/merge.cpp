#include <tuple>

#include "policy/coercion.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

std::string_view toString(PolicyLevel level) {
    return level == PolicyLevel::Mandatory ? "mandatory" : "recommended";
}

std::string PolicyIssue::describe() const {
    std::string out = origin;
    if (!policy.empty()) out += (out.empty() ? "" : ": ") + policy;
    return out + ": " + message;
}

const EffectivePolicy* PolicySet::find(const std::string& name) const {
    const auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
}

namespace {

// True when a beats b.
bool beats(const Provenance& a, const Provenance& b) {
    // Later order wins within a source, so compare -order.
    return std::make_tuple(a.level, a.precedence, -a.order) <
           std::make_tuple(b.level, b.precedence, -b.order);
}

}  // namespace

PolicySet mergePolicy(const PolicyCatalog& catalog, const std::vector<SourceResult>& results) {
    PolicySet set;
    std::map<std::string, std::vector<OverriddenValue>> candidates;
    for (const auto& result : results) {
        set.issues.insert(set.issues.end(), result.issues.begin(), result.issues.end());
        set.informational.insert(set.informational.end(), result.informational.begin(),
                                 result.informational.end());
        for (const auto& raw : result.values) {
            const auto* def = catalog.find(raw.name);
            if (!def) {
                set.issues.push_back({raw.from.origin, raw.name, "unknown policy name; ignored"});
                continue;
            }
            if (raw.from.level == PolicyLevel::Recommended && !def->recommendable) {
                set.issues.push_back({raw.from.origin, raw.name,
                                      "this policy has no recommended form; set it as mandatory "
                                      "(managed); ignored"});
                continue;
            }
            auto coerced = coercePolicyValue(*def, raw.value);
            if (!coerced.value) {
                set.issues.push_back({raw.from.origin, raw.name, coerced.error + "; ignored"});
                continue;
            }
            candidates[def->name].push_back({*coerced.value, raw.from, false});
        }
    }
    for (auto& [name, list] : candidates) {
        std::size_t winner = 0;
        for (std::size_t i = 1; i < list.size(); ++i)
            if (beats(list[i].from, list[winner].from)) winner = i;
        EffectivePolicy effective;
        effective.value = list[winner].value;
        effective.from = list[winner].from;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i == winner) continue;
            auto loser = list[i];
            loser.superseded = loser.value == effective.value;
            effective.overridden.push_back(std::move(loser));
        }
        set.values.emplace(name, std::move(effective));
    }
    return set;
}

void keepLastKnownGood(PolicySet& current, const PolicySet& lastKnownGood) {
    bool sourceBlocked = false;
    std::string blockedReason;
    std::map<std::string, std::string> invalidValues;
    for (const auto& issue : current.issues) {
        if (issue.blocksSource && !sourceBlocked) {
            sourceBlocked = true;
            blockedReason = issue.describe();
        } else if (!issue.policy.empty()) {
            invalidValues.emplace(issue.policy, issue.describe());
        }
    }
    for (const auto& [name, stored] : lastKnownGood.values) {
        if (current.values.count(name)) continue;
        std::string because;
        if (const auto it = invalidValues.find(name); it != invalidValues.end())
            because = it->second;
        else if (sourceBlocked)
            because = blockedReason;
        else
            continue;
        auto kept = stored;
        kept.keptFromLastKnownGood = true;
        kept.keptBecause = because;
        kept.overridden.clear();
        current.values.emplace(name, std::move(kept));
    }
}

}  // namespace mpa
