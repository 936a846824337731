#pragma once
// One pass through the agent: sources -> policy set -> desired state -> targets -> findings ->
// compliance store. `apply` runs it once; the service runs it on every trigger.
#include <functional>
#include <string>

#include "model/components.hpp"
#include "model/pass_report.hpp"
#include "store/compliance_store.hpp"

namespace mpa {

struct PassRequest {
    std::string trigger = "apply";
    bool dryRun = false;
    // The service's stop request: the pass ends early, between subjects, when it returns true;
    // what was not checked is reported as failed ("not checked"), never as compliant.
    std::function<bool()> stopRequested = nullptr;
};

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
