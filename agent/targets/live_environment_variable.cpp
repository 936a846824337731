#include "targets/live_environment_variable.hpp"

#include "targets/environment_variables.hpp"
#include "targets/prior_record.hpp"
#include "targets/target_common.hpp"
#include "util/unified_diff.hpp"

namespace mpa {
namespace {

// The store was changed: the outcome, then what the store adds (a broadcast, a timestamp).
Finding applied(const LiveVariableStore& store, Finding f, bool wanted, Outcome outcome) {
    f.outcome = outcome;
    if (outcome != Outcome::Restored) f.reason = store.appliedReason;
    if (store.afterChange) store.afterChange(f, wanted);
    return f;
}

}  // namespace

std::string entryText(const std::string& name, const std::optional<std::string>& value) {
    return value ? name + "=" + *value + "\n" : std::string();
}

Finding reconcileLiveVariable(TargetRun& run, const LiveVariableStore& store, Finding f,
                              bool wanted) {
    const std::string target = f.target;
    const std::string subject = f.subject;
    const auto prior = run.ledger.find(target, subject);
    if (!wanted && !prior) return notApplicable(std::move(f), "the agent has not set it");
    // Metalama's entry is the prior value itself; another variable's a record (see the header).
    const bool plainEntry = isMetalamaVariable(store.name);
    std::string setValue = store.value;
    std::string priorValue = prior ? prior->value : std::string();
    if (prior && !plainEntry) {
        PriorRecord record;
        if (Status decoded = decodePriorRecord(prior->value, &record); !decoded)
            return failed(std::move(f), subject + ": " + decoded.error);
        priorValue = record.body;
        if (!wanted) setValue = record.field(kSetValueField);
    }

    LiveValue live;
    if (auto read = store.read(&live); !read) {
        if (wanted || !store.goneWhenUnreadable) return failed(std::move(f), read.error);
        f = notApplicable(std::move(f), store.goneWhenUnreadable(read.error));
        if (run.changesAllowed()) forgetPrior(run, target, subject, &f);
        return f;
    }
    const auto& current = live.text;
    const bool holdsOptOut = live.isVariable && current && *current == setValue;
    f.observed = !live.description.empty() ? live.description
                 : current                 ? store.name + "=" + *current
                                           : "absent";

    if (wanted) {
        if (holdsOptOut) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff = unifiedDiff(entryText(store.name, current), entryText(store.name, setValue),
                             store.label, store.label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        if (store.cannotChange)
            if (auto why = store.cannotChange()) return notApplicable(std::move(f), *why);
        if (!prior) {
            std::string entry = current.value_or("");
            if (!plainEntry) {
                PriorRecord record;
                record.body = std::move(entry);
                recordSetAssignment(record, {store.name, store.value, f.tool, ""});
                entry = encodePriorRecord(record);
            }
            const Status recorded = recordPrior(
                run, target, subject, live.isVariable && current.has_value(), std::move(entry));
            if (!recorded) return failed(std::move(f), recorded.error);
        }
        if (auto set = store.set(store.value); !set) {
            if (!prior) forgetPrior(run, target, subject, &f);
            if (!store.pendingWhenSetFails) return failed(std::move(f), set.error);
            f.outcome = Outcome::Pending;
            f.reason = store.pendingWhenSetFails(set.error);
            return f;
        }
        return applied(store, std::move(f), wanted,
                       prior ? Outcome::DriftRepaired : Outcome::Remediated);
    }

    if (!holdsOptOut) {
        f = notApplicable(std::move(f),
                          "changed by someone else since the agent set it; left as found");
        if (run.changesAllowed()) forgetPrior(run, target, subject, &f);
        return f;
    }
    const std::optional<std::string> before =
        prior->existed ? std::optional<std::string>(priorValue) : std::nullopt;
    f.diff = unifiedDiff(entryText(store.name, current), entryText(store.name, before), store.label,
                         store.label);
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    if (store.cannotChange)
        if (auto why = store.cannotChange()) return notApplicable(std::move(f), *why);
    const auto undone = before ? store.set(*before) : store.unset();
    if (!undone) return failed(std::move(f), undone.error);
    f = applied(store, std::move(f), wanted, Outcome::Restored);
    forgetPrior(run, target, subject, &f);
    return f;
}

}  // namespace mpa
