#include "engine/reconcile.hpp"

#include <Poco/Logger.h>

#include "engine/removal_grace.hpp"
#include "sources/policy_source.hpp"
#include "store/audit_access.hpp"
#include "store/summary_file.hpp"
#include "util/time_text.hpp"
#include "version.hpp"

namespace mpa {

PolicySet readPolicy(const AgentContext& context, const ComplianceStore* store) {
    std::vector<SourceResult> results;
    for (const auto& source : makePolicySources(context)) results.push_back(source->read(context));
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

std::vector<std::string> targetNames(const AgentContext& context) {
    std::vector<std::string> names;
    for (const auto& target : makeTargets(context)) names.push_back(target->name());
    return names;
}

// Appends without copying the larger list: the per-user target returns one finding per profile,
// and a second copy of ten thousand findings is most of a pass's peak memory.
void appendFindings(std::vector<Finding>& all, std::vector<Finding> more) {
    if (more.size() > all.size()) {
        more.insert(more.begin(), std::make_move_iterator(all.begin()),
                    std::make_move_iterator(all.end()));
        all = std::move(more);
    } else {
        all.insert(all.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
    }
}

void finish(const AgentContext& context, PassReport& report, ComplianceStore* store) {
    report.finishedAt = isoUtc(std::chrono::system_clock::now());
    report.verdict = computeVerdict(report.policy, report.findings);
    if (report.mode == RunMode::DryRun || !store) return;
    std::string error;
    if (!store->recordPass(report, &error)) {
        report.notes.push_back("the compliance store could not record this pass: " + error);
        return;
    }
    if (!rememberRemovals(report.policy, *store, &error))
        report.notes.push_back("the compliance store could not keep when a policy was removed: " +
                               error);
    if (!shareStoreWithAuditGroup(context.settings.database, context.settings.auditGroup, &error))
        Poco::Logger::get("store").warning("cannot give the audit group read access: %s", error);
    // For readers without access to the database (store/summary_file.hpp). Not publishing is
    // logged, not a failure of the pass: the evidence itself is recorded.
    if (!publishComplianceSummary(*store, std::chrono::system_clock::now(), kVersion, &error))
        Poco::Logger::get("store").warning("cannot publish the compliance summary: %s", error);
}

}  // namespace

PassReport runPass(const AgentContext& context, ComplianceStore* store,
                   const PassRequest& request) {
    PassReport report;
    report.startedAt = isoUtc(context.now);
    report.trigger = request.trigger;
    report.policy = readPolicy(context, store);
    report.desired = decideDesiredState(report.policy, *context.catalog);
    report.mode = request.dryRun             ? RunMode::DryRun
                  : report.desired.auditOnly ? RunMode::AuditOnly
                                             : RunMode::Enforce;
    // A dry run works on a copy of the ledger so that it records nothing.
    MemoryLedger scratch;
    if (request.dryRun && store) scratch = MemoryLedger(*store, targetNames(context));
    Ledger& ledger = request.dryRun || !store ? static_cast<Ledger&>(scratch) : *store;
    TargetRun run{context, ledger, report.mode, request.stopRequested};
    for (const auto& target : makeTargets(context)) {
        if (run.stopping()) {
            report.findings.push_back({target->name(), "(every subject)", "", "", "not checked",
                                       Outcome::Failed,
                                       "not checked: the service stopped during the pass", ""});
            continue;
        }
        appendFindings(report.findings, target->reconcile(run, report.desired));
    }
    finish(context, report, store);
    return report;
}

PassReport runRevert(const AgentContext& context, ComplianceStore& store) {
    PassReport report;
    report.startedAt = isoUtc(context.now);
    report.trigger = "revert";
    report.mode = RunMode::Enforce;
    TargetRun run{context, store, RunMode::Enforce};
    for (const auto& target : makeTargets(context)) {
        appendFindings(report.findings, target->revert(run));
    }
    finish(context, report, &store);
    return report;
}

}  // namespace mpa
