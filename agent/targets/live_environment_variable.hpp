#pragma once
// One variable (METALAMA_TELEMETRY_OPT_OUT unless the store names another) in a live store: a
// place that holds the variable itself rather than a file the agent writes (the running systemd
// manager, launchd's user configuration, a launchd session, the Windows machine environment in
// the registry). Every such subject follows one rule:
//   wanted:  compliant when the store holds the value; otherwise (unless audit-only or dry run)
//            the prior value is recorded in the ledger first, then the value is set; a failure to
//            set forgets the prior again. Metalama's entry holds the prior value as it always
//            did; another variable's is a PriorRecord whose body is the prior value and whose
//            fields keep the value set and the tool (targets/environment_variables.hpp), so it is
//            restored after its policy is gone.
//   revert:  only what the agent set and still finds is restored (to the prior value, or unset);
//            a value someone else changed since is left as found and the ledger entry forgotten.
// The caller checks its own preconditions (not the live system, the store not running) before,
// and says how to reach the store and what differs between stores in a LiveVariableStore.
#include <functional>
#include <optional>
#include <string>

#include "model/target.hpp"
#include "targets/target_common.hpp"
#include "util/status.hpp"

namespace mpa {

// What a store holds under the variable's name.
struct LiveValue {
    std::optional<std::string> text;  // nullopt: not set
    // False when something is there that readers do not take as the variable (a registry value
    // of a non-string type): never compliant, and recorded as absent so a restore removes it.
    bool isVariable = true;
    // Finding::observed; empty: "NAME=value" or "absent".
    std::string description;
};

struct LiveVariableStore {
    std::string label;  // names the store in the diff ("systemctl show-environment")
    std::string name = kOptOutVariable;  // the variable
    std::string value = kOptOutValue;    // the value that opts out (when wanted)
    std::function<Status(LiveValue*)> read;
    std::function<Status(const std::string& value)> set;
    std::function<Status()> unset;

    // Optional. Asked before anything changes; a reason means NotApplicable with that reason.
    std::function<std::optional<std::string>()> cannotChange;
    // Optional. A read failure while reverting means the store is gone and took the value with
    // it: NotApplicable with this reason and the ledger entry forgotten (default: Failed).
    std::function<std::string(const std::string& error)> goneWhenUnreadable;
    // Optional. A failure to set is Pending with this reason (default: Failed with the error).
    std::function<std::string(const std::string& error)> pendingWhenSetFails;
    // Optional. Called after the store was changed (set or restored); may add to the reason.
    std::function<void(Finding& finding, bool wanted)> afterChange;
    // The reason of a Remediated or DriftRepaired finding (what the change does not reach yet).
    std::string appliedReason;
};

// `finding` comes with target, subject (also the ledger's key), desired and tool filled in.
Finding reconcileLiveVariable(TargetRun& run, const LiveVariableStore& store, Finding finding,
                              bool wanted);

// "NAME=value\n", or nothing when unset: one side of the diff a live-store finding shows.
std::string entryText(const std::string& name, const std::optional<std::string>& value);

}  // namespace mpa
