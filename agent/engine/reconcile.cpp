#include "engine/reconcile.hpp"

#include <Poco/Logger.h>

#include <optional>

#include "engine/pass_temporaries.hpp"
#include "engine/removal_grace.hpp"
#include "model/policy_source.hpp"
#include "model/tool_compliance.hpp"
#include "platform/spill_file.hpp"
#include "store/audit_access.hpp"
#include "store/pass_report_json.hpp"
#include "store/pending_queue.hpp"
#include "store/summary_file.hpp"
#include "store/write_ahead_ledger.hpp"
#include "util/path_text.hpp"
#include "util/time_text.hpp"
#include "version.hpp"

namespace mpa {

PolicySet readPolicy(const AgentContext& context, const Components& components,
                     const ComplianceStore* store) {
    std::vector<SourceResult> results;
    for (const auto& source : components.sources(context)) results.push_back(source->read(context));
    auto policy = mergePolicy(*context.catalog, results);
    if (store)
        if (auto lastKnownGood = store->lastKnownGoodPolicy()) {
            keepLastKnownGood(policy, *lastKnownGood);
            holdRemovedPolicies(policy, *lastKnownGood, *store, context.now,
                                std::chrono::hours(context.settings.removalGraceHours));
        }
    return policy;
}

namespace {

std::vector<std::string> targetNames(const AgentContext& context, const Components& components) {
    std::vector<std::string> names;
    for (const auto& target : components.targets(context)) names.push_back(target->name());
    return names;
}

// One target's failure is a failed finding for that target; the others still run.
FindingLog guarded(const Target& target, const std::function<FindingLog()>& work) {
    try {
        return work();
    } catch (const std::exception& e) {
        return {Finding::notChecked(
            target.name(), "(every subject)",
            std::string("internal error, the other targets went on: ") + e.what())};
    }
}

// Findings past a log's budget go to unlinked files in the database's directory (root-only, on
// disk); a pass without a store keeps them in memory.
FindingLog::SpillFile spillBeside(const ComplianceStore* store, const std::string& database) {
    if (!store) return nullptr;
    auto directory = parentOf(database, "/\\");
    if (directory.empty()) directory = ".";
    return [directory] { return platform::openSpillFile(directory); };
}

// A target whose findings stayed in memory says why in the pass's notes.
void noteSpillProblem(PassReport& report) {
    if (!report.findings.spillProblem().empty())
        report.notes.push_back(report.findings.spillProblem());
}

// The targets' ledger look-ups share one read transaction of the store (beginSharedReads), ended
// before the pass is recorded and whatever way the targets' loop is left.
class SharedReads {
  public:
    explicit SharedReads(ComplianceStore* store) : store_(store) {
        if (store_) store_->beginSharedReads();
    }
    ~SharedReads() { end(); }
    SharedReads(const SharedReads&) = delete;
    SharedReads& operator=(const SharedReads&) = delete;
    void end() {
        if (store_) store_->endSharedReads();
        store_ = nullptr;
    }

  private:
    ComplianceStore* store_;
};

// Records the queue of earlier passes first (their times come before this one), so a store that
// is back gets the history in order. A failure leaves the queue for a later pass.
void drainQueue(const AgentContext& context, ComplianceStore& store, PendingQueue& queue,
                PassReport& report) {
    if (!store.writable() || !queue.exists()) return;
    if (const auto drained = drainPendingQueue(store, queue, *context.catalog, &report.deferred);
        !drained)
        report.deferred.push_back("the queued records in " + queue.path() +
                                  " could not be recorded yet: " + drained.error);
}

// Enforce first, record after: what the store does not take is queued with its own time.
void finish(const AgentContext& context, PassReport& report, ComplianceStore* store,
            PendingQueue* queue, const WriteAheadLedger* ledger) {
    report.finishedAt = isoUtc(std::chrono::system_clock::now());
    report.verdict = machineVerdict(report.policy, report.desired, report.findings);
    if (report.mode == RunMode::DryRun || !store) return;
    std::string error;
    bool recorded = false;
    if (store->writable() && !(ledger && ledger->diverted())) {
        const auto written = store->recordPass(report);
        recorded = written.ok;
        error = written.error;
        if (!recorded) store->dropPendingPasses();  // queued below instead, recorded once
    } else {
        error = ledger && ledger->diverted() ? ledger->divertedBecause()
                                             : "the compliance store cannot be written";
    }
    if (!recorded) {
        auto entry = QueuedEntry::pass(passReportToJson(report));
        const auto queued =
            queue ? queue->append({entry}) : Status::failure("the store has no pending queue");
        if (!queued) {
            report.notes.push_back("the compliance store could not record this pass: " + error +
                                   (queue ? "; nor could its queue: " + queued.error : ""));
            return;
        }
        report.deferred.push_back(
            "not recorded yet: this pass (started " + report.startedAt + ")" +
            (ledger && ledger->queuedEntries()
                 ? " and " + std::to_string(ledger->queuedEntries()) + " prior-state change(s)"
                 : "") +
            ", because " + error + "; queued in " + queue->path() +
            " and recorded with its own time by the next pass that can write the store");
        return;
    }
    if (const auto remembered = rememberRemovals(report.policy, *store); !remembered)
        report.notes.push_back("the compliance store could not keep when a policy was removed: " +
                               remembered.error);
    if (const auto shared =
            shareStoreWithAuditGroup(context.settings.database, context.settings.auditGroup);
        !shared)
        Poco::Logger::get("store").warning("cannot give the audit group read access: %s",
                                           shared.error);
    // For readers without access to the database (store/summary_file.hpp). Not publishing is
    // logged, not a failure of the pass: the evidence itself is recorded.
    if (const auto published =
            publishComplianceSummary(*store, std::chrono::system_clock::now(), kVersion);
        !published)
        Poco::Logger::get("store").warning("cannot publish the compliance summary: %s",
                                           published.error);
}

}  // namespace

void reconcileTargets(TargetRun& run, const std::vector<std::unique_ptr<Target>>& targets,
                      PassReport& report) {
    std::vector<Target*> staging;
    const auto settle = [&] {
        if (run.staged) {
            // What is staged is finished even when the service is stopping: each write is
            // atomic, and its prior state is already durable.
            const auto staged = std::move(run.staged);
            run.staged = nullptr;
            try {
                staged->commit();
            } catch (const std::exception& e) {
                report.notes.push_back(std::string("internal error writing the staged files: ") +
                                       e.what());
            }
        }
        for (auto* target : staging)
            report.findings.append(guarded(*target, [&] { return target->settle(run); }));
        staging.clear();
    };
    for (const auto& target : targets) {
        const bool joins = target->joinsStagedWrites();
        if (!target->stagesWrites() && !joins) settle();
        if (run.stopping()) {
            report.findings.push_back(
                Finding::notChecked(target->name(), "(every subject)",
                                    "not checked: the service stopped during the pass"));
            continue;
        }
        auto findings = guarded(*target, [&] { return target->reconcile(run, report.desired); });
        if (joins) settle();  // what it did not take with its own writes; their findings first
        report.findings.append(std::move(findings));
        if (target->stagesWrites() && run.shareWrites) staging.push_back(target.get());
    }
    settle();
}

PassReport runPass(const AgentContext& context, const Components& components,
                   ComplianceStore* store, const PassRequest& request) {
    PassReport report;
    report.startedAt = isoUtc(context.now);
    report.trigger = request.trigger;
    PendingQueue queue(context.settings.database);
    if (!request.dryRun && store) drainQueue(context, *store, queue, report);
    report.policy = readPolicy(context, components, store);
    report.desired = decideDesiredState(report.policy, *context.catalog);
    report.mode = request.dryRun             ? RunMode::DryRun
                  : report.desired.auditOnly ? RunMode::AuditOnly
                                             : RunMode::Enforce;
    // A dry run works on a copy of the ledger so that it records nothing.
    MemoryLedger scratch;
    if (request.dryRun && store) scratch = MemoryLedger(*store, targetNames(context, components));
    std::optional<WriteAheadLedger> writeAhead;
    if (!request.dryRun && store)
        writeAhead.emplace(store, store->writable() ? store : nullptr, queue);
    Ledger& ledger = writeAhead ? static_cast<Ledger&>(*writeAhead) : scratch;
    TargetRun run{context,     ledger,
                  report.mode, request.stopRequested,
                  false,       spillBeside(store, context.settings.database)};
    // Only the targets' writes: the store's files after them always look for leftovers. A store
    // that cannot be written has a directory the record of a finished pass cannot go in either.
    // Only a pass that enforces can remove what a killed pass left, so only it records a finish.
    std::optional<PassTemporaries> temporaries;
    if (report.mode == RunMode::Enforce && store)
        temporaries.emplace(store->writable() ? context.settings.database : std::string());
    SharedReads reads(store);
    run.shareWrites = true;
    reconcileTargets(run, components.targets(context), report);
    reads.end();
    noteSpillProblem(report);
    if (temporaries)
        if (auto note = temporaries->finish(); !note.empty()) report.notes.push_back(note);
    finish(context, report, store, writeAhead ? &queue : nullptr,
           writeAhead ? &*writeAhead : nullptr);
    return report;
}

PassReport runRevert(const AgentContext& context, const Components& components,
                     ComplianceStore& store) {
    PassReport report;
    report.startedAt = isoUtc(context.now);
    report.trigger = "revert";
    report.mode = RunMode::Enforce;
    PendingQueue queue(context.settings.database);
    drainQueue(context, store, queue, report);
    WriteAheadLedger ledger(&store, store.writable() ? &store : nullptr, queue);
    TargetRun run{context, ledger, RunMode::Enforce,
                  nullptr, true,   spillBeside(&store, context.settings.database)};
    PassTemporaries temporaries(store.writable() ? context.settings.database : std::string());
    SharedReads reads(&store);
    for (const auto& target : components.targets(context)) {
        report.findings.append(guarded(*target, [&] { return target->revert(run); }));
    }
    reads.end();
    noteSpillProblem(report);
    if (auto note = temporaries.finish(); !note.empty()) report.notes.push_back(note);
    finish(context, report, &store, &queue, &ledger);
    return report;
}

}  // namespace mpa
