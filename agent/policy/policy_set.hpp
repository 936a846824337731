#pragma once
// The merged policy: for each policy the winning value, where it came from, and every value it
// beat. Merge rules (Chromium's): a mandatory value beats a recommended one; at equal level the
// source with the lower precedence number wins (platform channel 0, Group Policy files 1,
// /etc files 2); within one source the later value wins (files in lexicographic order).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/definitions.hpp"

namespace mpa {

enum class PolicyLevel { Mandatory, Recommended };
std::string_view toString(PolicyLevel level);

// Precedence of source kinds at equal level; lower wins.
enum class SourcePrecedence : int {
    PlatformChannel = 0,
    GroupPolicyFile = 1,
    EtcFile = 2,
    LastKnownGood = 9
};

struct Provenance {
    std::string source;  // "Linux policy file", "Group Policy file", "Registry", "MDM (Intune)"
    std::string origin;  // file path or registry key; file:line when known
    PolicyLevel level = PolicyLevel::Mandatory;
    SourcePrecedence precedence = SourcePrecedence::EtcFile;
    int order = 0;  // position within the source; a later value wins
};

// A problem found while reading policy: a file refused, a value of the wrong type.
struct PolicyIssue {
    std::string origin;  // file path, registry key
    std::string policy;  // policy name when the issue is about one value, else empty
    std::string message;
    bool blocksSource = false;  // a whole file/key could not be used (not just one value)
    // How strong the input that failed would have been. A source that cannot tell leaves the
    // strongest (mandatory, platform channel): whatever it might have said, nothing beats it.
    PolicyLevel level = PolicyLevel::Mandatory;
    SourcePrecedence precedence = SourcePrecedence::PlatformChannel;
    std::string describe() const;
};

struct RawPolicyValue {
    std::string name;
    RawValue value;
    Provenance from;
};

// What one source read. Sources never throw: they report issues and return what they could read.
struct SourceResult {
    std::string sourceName;
    std::vector<RawPolicyValue> values;
    std::vector<PolicyIssue> issues;
    std::vector<std::string> informational;  // shown by status, not merged (e.g. user-scope plists)
};

struct OverriddenValue {
    PolicyValue value;
    Provenance from;
    bool superseded = false;  // same value as the winner (else: overridden)
};

struct EffectivePolicy {
    PolicyValue value;
    Provenance from;
    std::vector<OverriddenValue> overridden;
    bool keptFromLastKnownGood = false;
    std::string keptBecause;  // why the stored value was kept
    // Set when the value is kept only because of the removal grace period
    // (engine/removal_grace.hpp): when the agent first found every source without it.
    std::string removedAt;
};

struct PolicySet {
    std::map<std::string, EffectivePolicy> values;  // by policy name
    std::vector<PolicyIssue> issues;
    std::vector<std::string> informational;

    const EffectivePolicy* find(const std::string& name) const;
    bool empty() const { return values.empty(); }
};

PolicySet mergePolicy(const PolicyCatalog& catalog, const std::vector<SourceResult>& results);

// The privacy floor, per policy: an input that cannot be used (a file that does not parse, is
// empty, is not a regular file, is refused for its owner or mode; an invalid value) might have set
// any policy (a blocked file) or this one (an invalid value). For every policy of the last known
// good set, when such an input is at least as strong as the value now in effect (or nothing is in
// effect), the stored value is kept, marked as kept and why, whatever weaker sources now say: a
// truncated managed file never lets a recommended file lower the opt-out. A policy whose inputs
// all read cleanly and no longer set it is really gone, and is not kept.
void keepLastKnownGood(PolicySet& current, const PolicySet& lastKnownGood);

}  // namespace mpa
