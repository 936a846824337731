#include <map>
#include <optional>
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
                set.issues.push_back({raw.from.origin, raw.name, "unknown policy name; ignored",
                                      false, raw.from.level, raw.from.precedence});
                continue;
            }
            if (raw.from.level == PolicyLevel::Recommended && !def->recommendable) {
                set.issues.push_back({raw.from.origin, raw.name,
                                      "this policy has no recommended form; set it as mandatory "
                                      "(managed); ignored",
                                      false, raw.from.level, raw.from.precedence});
                continue;
            }
            auto coerced = coercePolicyValue(*def, raw.value);
            if (!coerced.value) {
                set.issues.push_back({raw.from.origin, raw.name, coerced.error + "; ignored", false,
                                      raw.from.level, raw.from.precedence});
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

namespace {

// (level, precedence) of an input; lower is stronger. Order within a source is left out: a
// broken file beside a readable one at the same level might have been the later one.
std::tuple<PolicyLevel, SourcePrecedence> strength(PolicyLevel level, SourcePrecedence precedence) {
    return {level, precedence};
}

struct FailedInput {
    std::tuple<PolicyLevel, SourcePrecedence> strength;
    std::string because;
};

void keepStrongest(std::optional<FailedInput>& slot, const PolicyIssue& issue) {
    const auto s = strength(issue.level, issue.precedence);
    if (!slot || s < slot->strength) slot = FailedInput{s, issue.describe()};
}

}  // namespace

void keepLastKnownGood(PolicySet& current, const PolicySet& lastKnownGood) {
    std::optional<FailedInput> blocked;  // the strongest input that could not be read at all
    std::map<std::string, std::optional<FailedInput>> invalid;  // by policy
    for (const auto& issue : current.issues) {
        if (issue.blocksSource)
            keepStrongest(blocked, issue);
        else if (!issue.policy.empty())
            keepStrongest(invalid[issue.policy], issue);
    }
    for (const auto& [name, stored] : lastKnownGood.values) {
        std::optional<FailedInput> failed = blocked;
        if (const auto it = invalid.find(name); it != invalid.end() && it->second)
            if (!failed || it->second->strength < failed->strength) failed = it->second;
        if (!failed) continue;
        const auto now = current.values.find(name);
        if (now != current.values.end()) {
            // A readable input stronger than anything that failed decides on its own.
            if (strength(now->second.from.level, now->second.from.precedence) < failed->strength)
                continue;
            if (now->second.value == stored.value) continue;
        }
        auto kept = stored;
        kept.keptFromLastKnownGood = true;
        kept.keptBecause = failed->because;
        kept.overridden.clear();
        if (now != current.values.end()) {
            // The weaker value that would have won is shown as overridden by the kept one.
            kept.overridden.push_back({now->second.value, now->second.from, false});
            current.values.erase(now);
        }
        current.values.emplace(name, std::move(kept));
    }
}

}  // namespace mpa
