#pragma once
// A drop-in file the agent owns whole (/etc/environment.d/zz-metalama-telemetry.conf,
// /etc/profile.d/zz-metalama-telemetry.sh, the system.conf.d drop-in) that holds one line per
// variable of DesiredState::environment, each its own finding.
//
// Content: for Metalama's variable alone, exactly the bytes versions before wrote (so existing
// deployments see no change); for any other set, a header, then one line per variable in name
// order. Content is a pure function of the set, so removing a variable rewrites the file with the
// others, and removing the last one restores the file as it was before the agent.
//
// Ledger (target = the target's name):
//   "<path>"         the file's prior state (content or absent, and the directories the agent
//                    created), recorded before the agent first writes the file and forgotten when
//                    it is restored; the same entry, with the same meaning, as before per-variable
//                    lines existed.
//   "<path>#<NAME>"  one per variable the file holds (Metalama's included): the value written and
//                    the tool, recorded before the file is written with it, forgotten once it is
//                    written without it. Its prior state is "not in the agent's file"; the file's
//                    own prior state is the entry above.
//   A "<path>" entry without any "<path>#..." entry is what versions before wrote: the file then
//   holds Metalama's variable alone.
// Findings: Metalama's subject is "<path>" (as before), another variable's "<path>#<NAME>".
#include <memory>
#include <string>
#include <vector>

#include "model/target.hpp"

namespace mpa {

struct EnvironmentDropInSpec {
    std::string target;  // target name, and the ledger's target key
    std::string path;    // logical absolute path
    // The bytes written for Metalama's variable alone (every version before wrote exactly these).
    std::string metalamaOnlyContent;
    std::string header;         // comment lines that start the file for any other set of variables
    std::string preamble;       // after the header ("[Manager]\n" for a system.conf drop-in)
    std::string linePrefix;     // before NAME=VALUE ("export ", "DefaultEnvironment=")
    std::string desiredSuffix;  // Finding::desired is linePrefix + NAME=VALUE + this
    // Names the agent gave this file in earlier versions (each held Metalama's variable alone);
    // such a file is restored (removed) and today's written (targets/managed_file.hpp).
    std::vector<std::string> formerPaths = {};
};

// The file's content for these variables (in name order).
std::string dropInContent(const EnvironmentDropInSpec& spec,
                          const std::vector<EnvironmentAssignment>& variables);
// Appends to `out` one finding per variable the desired state asks for, per variable restored,
// and Metalama's (NotApplicable) when it is neither; the former names' findings first. The write
// is staged in the run's shared batch when `share` (targets/pass_file_batch.hpp): the findings it
// decides hold their outcome once the batch is settled, and `out` must outlive that.
void reconcileDropIn(TargetRun& run, const EnvironmentDropInSpec& spec, const DesiredState& desired,
                     std::vector<Finding>& out, bool share);
// Restores every variable the ledger holds (the file comes back as it was before the agent).
std::vector<Finding> revertDropIn(TargetRun& run, const EnvironmentDropInSpec& spec);

// A target that is exactly one such drop-in.
class EnvironmentDropInTarget : public Target {
  public:
    explicit EnvironmentDropInTarget(EnvironmentDropInSpec spec) : spec_(std::move(spec)) {}
    std::string name() const override { return spec_.target; }
    bool stagesWrites() const override { return true; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        held_.clear();
        reconcileDropIn(run, spec_, desired, held_, run.shareWrites);
        return run.shareWrites ? FindingLog() : settle(run);
    }
    FindingLog settle(TargetRun&) override {
        FindingLog findings(held_);
        held_.clear();
        return findings;
    }
    FindingLog revert(TargetRun& run) override { return revertDropIn(run, spec_); }
    std::vector<std::string> watchPaths(const AgentContext& context) const override;

  private:
    EnvironmentDropInSpec spec_;
    std::vector<Finding> held_;  // this pass's findings, until settled
};

}  // namespace mpa
