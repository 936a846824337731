#include "targets/live_environment_variable.hpp"

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

std::string optOutEntryText(const std::optional<std::string>& value) {
    return value ? std::string(kOptOutVariable) + "=" + *value + "\n" : std::string();
}

Finding reconcileLiveVariable(TargetRun& run, const LiveVariableStore& store, Finding f,
                              bool wanted) {
    const std::string target = f.target;
    const std::string subject = f.subject;
    const auto prior = run.ledger.find(target, subject);
    if (!wanted && !prior) return notApplicable(std::move(f), "the agent has not set it");

    LiveValue live;
    if (auto read = store.read(&live); !read) {
        if (wanted || !store.goneWhenUnreadable) return failed(std::move(f), read.error);
        f = notApplicable(std::move(f), store.goneWhenUnreadable(read.error));
        if (run.changesAllowed()) forgetPrior(run, target, subject, &f);
        return f;
    }
    const auto& current = live.text;
    const bool holdsOptOut = live.isVariable && current && *current == kOptOutValue;
    f.observed = !live.description.empty() ? live.description
                 : current                 ? std::string(kOptOutVariable) + "=" + *current
                                           : "absent";

    if (wanted) {
        if (holdsOptOut) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff = unifiedDiff(optOutEntryText(current), optOutEntryText(std::string(kOptOutValue)),
                             store.label, store.label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        if (store.cannotChange)
            if (auto why = store.cannotChange()) return notApplicable(std::move(f), *why);
        if (!prior) {
            const Status recorded = recordPrior(
                run, target, subject, live.isVariable && current.has_value(), current.value_or(""));
            if (!recorded) return failed(std::move(f), recorded.error);
        }
        if (auto set = store.set(kOptOutValue); !set) {
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
        prior->existed ? std::optional<std::string>(prior->value) : std::nullopt;
    f.diff =
        unifiedDiff(optOutEntryText(current), optOutEntryText(before), store.label, store.label);
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
