#pragma once
// The result of one pass: what policy was in effect, what was desired, what every target found.
#include <string>
#include <vector>

#include "model/desired_state.hpp"
#include "model/finding.hpp"
#include "model/finding_log.hpp"
#include "model/target.hpp"
#include "policy/policy_set.hpp"

namespace mpa {

enum class Verdict { Compliant, NonCompliant, NotManaged };
std::string_view toString(Verdict verdict);
bool verdictFromString(std::string_view text, Verdict* out);

struct PassReport {
    std::string startedAt;  // ISO-8601 UTC
    std::string finishedAt;
    std::string trigger;  // apply, revert, start, policy change, drift, timer, signal
    RunMode mode = RunMode::Enforce;
    PolicySet policy;
    DesiredState desired;
    FindingLog findings;
    Verdict verdict = Verdict::NotManaged;
    std::vector<std::string> notes;  // problems outside the targets (e.g. the store)
    // What the store could not take during this pass, queued durably to be recorded with its
    // own time when the store is back, and what was recorded late from that queue. Not a failure
    // of the pass: the machine was enforced and nothing is lost.
    std::vector<std::string> deferred;
};

// not managed: no policy in effect and nothing left to restore; compliant: every finding is a
// compliant outcome; otherwise non-compliant.
Verdict computeVerdict(const PolicySet& policy, const FindingLog& findings);
// The same rule, for a reader that has already read every finding once.
Verdict verdictOf(const PolicySet& policy, bool everyFindingCompliant);

}  // namespace mpa
