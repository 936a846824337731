#pragma once
// What a target found and did for one subject (a file, a user's settings, the manager env).
#include <cstdint>
#include <string>
#include <string_view>

namespace mpa {

// One byte: the store keeps one per finding of a pass while it records (PreviousFinding).
enum class Outcome : std::uint8_t {
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
    // The tool whose setting this is: empty for Metalama's own (every finding before per-tool
    // policies), else the telemetry-catalog id. Reports group compliance per tool by it.
    std::string tool;

    // The shapes findings are made in, so a call site says which one it reports instead of
    // filling eight fields by position. Finding stays an aggregate: the fields remain public and
    // a target fills in what it observes as it goes.
    //
    // The finding a target starts from for one subject, before it observes anything: compliant
    // until the target says otherwise.
    static Finding about(std::string target, std::string subject, std::string user = {},
                         std::string desired = {});
    // Could not observe or change the subject; reason says why.
    static Finding failed(std::string target, std::string subject, std::string reason);
    // The pass did not reach the subject (the service stopped, a target threw): observed "not
    // checked", which is never compliant.
    static Finding notChecked(std::string target, std::string subject, std::string reason);
    // Nothing to enforce for the subject; reason (may be empty) says why.
    static Finding notApplicable(std::string target, std::string subject, std::string reason);

    // The same finding with one more field set, for the shapes above that need it.
    Finding withUser(std::string value) &&;
    Finding withDesired(std::string value) &&;
    Finding withObserved(std::string value) &&;
};

}  // namespace mpa
