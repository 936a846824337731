// status: the effective policy as the sources say now (with provenance and errors), the last
// pass's findings and one verdict. Reads only: never creates or changes the database.

#include <ostream>

#include "app/built_in_components.hpp"
#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/report_printer.hpp"
#include "engine/reconcile.hpp"
#include "store/compliance_timeline.hpp"
#include "store/event_kinds.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa {
namespace {

bool samePolicyValues(const PolicySet& a, const PolicySet& b) {
    if (a.values.size() != b.values.size()) return false;
    for (const auto& [name, effective] : a.values) {
        const auto* other = b.find(name);
        if (!other || !(other->value == effective.value)) return false;
    }
    return true;
}

// Records the acknowledgement in the chain and clears the warning.
int acknowledgeHistoryLoss(CommandEnv& env) {
    Status opened;
    auto store = SqliteComplianceStore::open(env.context.settings.database, StoreMode::ReadWrite,
                                             *env.context.catalog, &opened);
    if (!store) {
        env.err << "status: " << opened.error << "\n";
        return exit_code::kError;
    }
    const auto loss = store->state(kHistoryLossState);
    if (!loss || loss->empty()) {
        env.out << "No lost history to acknowledge.\n";
        return exit_code::kCompliant;
    }
    if (const auto recorded = store->recordEvent(event_kind::kHistoryLossAcknowledged,
                                                 env.context.settings.database, *loss);
        !recorded) {
        env.err << "status: " << recorded.error << "\n";
        return exit_code::kError;
    }
    if (const auto cleared = store->setState(kHistoryLossState, ""); !cleared) {
        env.err << "status: " << cleared.error << "\n";
        return exit_code::kError;
    }
    env.out << "Acknowledged: " << *loss << "\n";
    return exit_code::kCompliant;
}

}  // namespace

int runStatus(CommandEnv& env) {
    CommandArgs args(env.args, {"json", "all", "acknowledge-history-loss"}, {});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "status: " << (args.ok() ? "unexpected argument" : args.error()) << "\n";
        return exit_code::kUsage;
    }
    if (args.flag("acknowledge-history-loss")) return acknowledgeHistoryLoss(env);
    Status opened;
    auto store = SqliteComplianceStore::open(env.context.settings.database, StoreMode::ReadOnly,
                                             *env.context.catalog, &opened);
    const auto policy = readPolicy(env.context, builtInComponents(), store.get());
    const auto last = store ? store->lastPass() : std::nullopt;

    PassReport shown;
    shown.policy = policy;
    std::vector<std::string> notes;
    if (!store) notes.push_back("no compliance database yet (" + opened.error + ")");
    // Said at every status until an administrator acknowledges it.
    if (const auto loss = store ? store->state(kHistoryLossState) : std::nullopt;
        loss && !loss->empty())
        notes.push_back("HISTORY LOST: " + *loss +
                        " (status --acknowledge-history-loss once this is understood)");
    if (last) {
        shown = last->report;
        shown.policy = policy;
        if (!samePolicyValues(policy, last->report.policy)) {
            notes.push_back("the policy changed since the last pass (" + last->report.startedAt +
                            "); the next pass will enforce it");
            if (shown.verdict == Verdict::Compliant || shown.verdict == Verdict::NotManaged)
                shown.verdict = policy.empty() ? Verdict::NotManaged : Verdict::NonCompliant;
        }
    } else {
        notes.push_back("no pass has been recorded yet");
        shown.verdict = policy.empty() ? Verdict::NotManaged : Verdict::NonCompliant;
    }
    shown.notes.insert(shown.notes.end(), notes.begin(), notes.end());

    // Auditors ask "since when": the start of the unbroken run of compliant passes, and the
    // latest change the agent made or saw.
    ComplianceTimeline timeline;
    if (store) {
        Status timelineRead;
        timeline = readComplianceTimeline(store->connection(), &timelineRead);
        if (!timelineRead) shown.notes.push_back(timelineRead.error);
    }
    std::string lastChange;
    if (timeline.lastChange) {
        const auto& e = timeline.lastChange->event;
        lastChange = e.at + " " + e.kind + (e.subject.empty() ? "" : " " + e.subject);
    }
    if (shown.verdict != Verdict::Compliant) timeline.compliantSince.clear();

    if (args.flag("json")) {
        printPassJson(env.out, shown,
                      {{"database", env.context.settings.database},
                       {"compliantSince", timeline.compliantSince},
                       {"lastChange", lastChange}});
        env.out << "\n";
    } else {
        env.out << "Compliance database: " << env.context.settings.database << "\n";
        printPass(env.out, shown, {args.flag("all"), false});
        if (!timeline.compliantSince.empty())
            env.out << "Compliant since: " << timeline.compliantSince << "\n";
        if (!lastChange.empty()) env.out << "Last change: " << lastChange << "\n";
    }
    return exitCodeFor(shown.verdict);
}

}  // namespace mpa
