#pragma once
// The variables the machine-environment targets make machine-wide (DesiredState::environment), and
// how each one is named in findings and in the ledger. Metalama's own variable keeps the names it
// always had (the target's subject alone: "/etc/environment", "running systemd manager"), so a
// machine upgraded from a version that knew only that variable finds and restores what it
// recorded; every other variable is "<subject>#<NAME>" ("/etc/environment#DO_NOT_TRACK"), which
// gives it its own finding, its own events and its own ledger entry.
//
// A variable no longer in the desired state is restored from its ledger entry, which therefore
// keeps the value the agent set (field kSetValueField of a PriorRecord) next to the prior state:
// the agent recognises its own line or value without knowing the policy that asked for it.
#include <optional>
#include <string>
#include <vector>

#include "model/desired_state.hpp"
#include "model/ledger.hpp"
#include "targets/prior_record.hpp"

namespace mpa {

inline constexpr const char* kSetValueField = "set-value";
inline constexpr const char* kToolField = "tool";  // the catalog id, for the restore's findings

bool isMetalamaVariable(const std::string& name);
// METALAMA_TELEMETRY_OPT_OUT=1, what DesiredState::environmentOptOut() asks for.
EnvironmentAssignment metalamaAssignment();
// Finding::tool of a variable's findings: empty for Metalama's own, else the catalog id.
std::string findingTool(const EnvironmentAssignment& assignment);
// "/etc/environment" for Metalama's variable, "/etc/environment#DO_NOT_TRACK" for another.
std::string variableSubject(const std::string& base, const std::string& name);
// The variable a subject made by variableSubject(base, ...) names; nullopt for another subject.
std::optional<std::string> variableOfSubject(const std::string& base, const std::string& subject);
// The variables the ledger holds under `base` for `target`, sorted by name.
std::vector<std::string> recordedVariables(const Ledger& ledger, const std::string& target,
                                           const std::string& base);
// What the ledger entry of a variable says the agent set: Metalama's is always kOptOutValue
// (entries written before other variables existed hold no kSetValueField).
EnvironmentAssignment setAssignment(const Ledger& ledger, const std::string& target,
                                    const std::string& subject, const std::string& name);
// The fields kSetValueField and kToolField of `assignment` (tool only for another tool's).
void recordSetAssignment(PriorRecord& record, const EnvironmentAssignment& assignment);
// The assignment of `name` in the desired state, or nullptr.
const EnvironmentAssignment* desiredVariable(const DesiredState& desired, const std::string& name);

// What one pass does with each variable of one place: those the policy asks for (name order),
// and those the ledger holds that it no longer asks for (restored). Metalama's is always among
// one or the other, so a deployment without other variables reports exactly what it always did.
struct VariablePlan {
    std::vector<EnvironmentAssignment> wanted;
    // Restored in reverse name order: the reverse of the order they were set in one pass, so a
    // file they all changed comes back byte for byte.
    std::vector<std::string> restored;
};
// With an empty desired state: what `revert` restores.
VariablePlan planVariables(const DesiredState& desired, const std::vector<std::string>& recorded);

}  // namespace mpa
