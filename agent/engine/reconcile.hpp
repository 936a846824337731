#pragma once
// One pass through the agent: sources -> policy set -> desired state -> targets -> findings ->
// compliance store. `apply` runs it once; the service runs it on every trigger.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/components.hpp"
#include "model/pass_report.hpp"
#include "model/target.hpp"
#include "store/compliance_store.hpp"

namespace mpa {

struct PassRequest {
    std::string trigger = "apply";
    bool dryRun = false;
    // The service's stop request: the pass ends early, between subjects, when it returns true;
    // what was not checked is reported as failed ("not checked"), never as compliant.
    std::function<bool()> stopRequested = nullptr;
};

// Runs `targets` in order, their findings going to `report`. Those that stage their writes (when
// run.shareWrites) share one batch, committed (one ledger commit, one flush sequence:
// targets/pass_file_batch.hpp) with the first writes of a target that joins it, or before any
// other target runs, since that one may read what they wrote; their findings come once it is,
// in target order.
void reconcileTargets(TargetRun& run, const std::vector<std::unique_ptr<Target>>& targets,
                      PassReport& report);

// Reads policy and reconciles every target. `store` may be null only for a dry run without a
// database; a dry run never writes anything, the store included.
PassReport runPass(const AgentContext& context, const Components& components,
                   ComplianceStore* store, const PassRequest& request);

// Restores everything the ledger says the agent changed (the `revert` command and uninstall).
PassReport runRevert(const AgentContext& context, const Components& components,
                     ComplianceStore& store);

// Reads every source and merges (with last-known-good protection when a store is given).
PolicySet readPolicy(const AgentContext& context, const Components& components,
                     const ComplianceStore* store);

}  // namespace mpa
