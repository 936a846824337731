#pragma once
// What a target found and did for one subject (a file, a user's settings, the manager env).
#include <string>
#include <string_view>

namespace mpa {

enum class Outcome {
    Compliant,      // already as desired
    Remediated,     // changed by this pass for the first time
    DriftRepaired,  // the agent had made it compliant before and it drifted; fixed again
    Repaired,       // a malformed file was set aside and replaced by a valid one
    Restored,       // the policy went away; the prior state came back
    Pending,        // written, takes effect later (restart, re-exec, next login)
    NonCompliant,   // not as desired and not changed (AuditOnly, or dry run)
    NotApplicable,  // nothing to do for this subject (no policy, not the live system)
    Failed,         // could not observe or change; reason says why
};
std::string_view toString(Outcome outcome);
bool outcomeFromString(std::string_view text, Outcome* out);
// Outcomes that leave the subject compliant after the pass.
bool isCompliantOutcome(Outcome outcome);
// Outcomes that changed the machine.
bool isChange(Outcome outcome);

struct Finding {
    std::string target;   // "etc-environment", "telemetry-json", ...
    std::string subject;  // path, or user and path
    std::string user;     // account name for per-user targets, else empty
    std::string desired;  // short human text
    std::string observed;
    Outcome outcome = Outcome::Compliant;
    std::string reason;  // for Failed, Pending, NonCompliant, Repaired
    std::string diff;    // what would change / changed, as a readable diff (dry run prints it)
};

}  // namespace mpa
