#pragma once
// An enforcement target: an idempotent resource. For each of its subjects it observes the
// current state, plans a change (or none), applies it (unless auditing or dry-running), and can
// revert what the agent itself changed, using the prior state recorded in the ledger.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "model/desired_state.hpp"
#include "model/finding.hpp"
#include "model/finding_log.hpp"
#include "model/ledger.hpp"

namespace mpa {

enum class RunMode {
    Enforce,    // change the machine
    AuditOnly,  // observe and record, change nothing (policy EnforcementMode=AuditOnly)
    DryRun,     // observe and print the plan, change nothing, record nothing
};
std::string_view toString(RunMode mode);

// Writes that several targets stage during a pass and the engine makes durable together, once
// they have all run (targets/pass_file_batch.hpp).
class StagedWrites {
  public:
    virtual ~StagedWrites() = default;
    virtual void commit() = 0;
};

struct TargetRun {
    const AgentContext& context;
    Ledger& ledger;
    RunMode mode;
    // Set by the service while it is asked to stop: targets with many subjects (every profile
    // on a machine with thousands) check it between subjects, finish the subject in hand (its
    // write is atomic) and report the rest as not checked.
    std::function<bool()> stopRequested = nullptr;
    // The `revert` command: besides what the ledger holds, the agent's own recognisable
    // artefacts (its exact line, its files) are removed even without a ledger entry, so a lost
    // database never leaves them behind.
    bool reverting = false;
    // Where a target with a finding per profile moves its findings past a small budget, so a
    // pass's memory does not grow with the profiles (model/finding_log.hpp). Null: in memory.
    FindingLog::SpillFile spillFile = nullptr;
    // The log such a target returns its findings in.
    FindingLog newFindingLog() const { return FindingLog(spillFile); }
    // Set by the engine for a pass: the targets that stage their writes (Target::stagesWrites)
    // share one batch, `staged`, made on first use and committed by the engine before any other
    // target runs. Unset, each write is made at once.
    bool shareWrites = false;
    std::shared_ptr<StagedWrites> staged = nullptr;
    bool changesAllowed() const { return mode == RunMode::Enforce; }
    bool stopping() const { return stopRequested && stopRequested(); }
};

class Target {
  public:
    virtual ~Target() = default;
    virtual std::string name() const = 0;
    // Bring every subject to the desired state; when the desired state no longer asks for what
    // the ledger says the agent changed, restore the prior state (Outcome::Restored).
    virtual FindingLog reconcile(TargetRun& run, const DesiredState& desired) = 0;
    // A target that stages its writes in the run's shared batch when there is one: its reconcile
    // then returns no finding, and settle returns them all once the engine has committed the
    // batch (every outcome known). Without a shared batch, reconcile returns them as any target.
    virtual bool stagesWrites() const { return false; }
    virtual FindingLog settle(TargetRun&) { return {}; }
    // A target that writes its own files with what the earlier targets staged, in one sequence
    // (so the engine does not commit their batch before it runs; targets/pass_file_batch.hpp).
    // It must not read what they stage.
    virtual bool joinsStagedWrites() const { return false; }
    // Restore everything the ledger holds for this target (the `revert` command, uninstall).
    virtual FindingLog revert(TargetRun& run) = 0;
    // Files whose change means drift; the service watches them (paths resolved under the root).
    // Machine-wide files before the users' own: when the OS bounds the watches, the first
    // listed keep theirs (platform::WatchShortfall).
    virtual std::vector<std::string> watchPaths(const AgentContext&) const { return {}; }
};

}  // namespace mpa
