#pragma once
// Compliance per tool: the one place that turns a pass's findings and desired state into a
// verdict for each tool (Metalama itself, and every telemetry-catalog tool the policy names).
// status, the Intune output and the sealed state the osquery view compliance_tools reads all
// take their per-tool figures from here.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/desired_state.hpp"
#include "model/finding.hpp"
#include "model/finding_log.hpp"
#include "model/pass_report.hpp"

namespace mpa {

struct ToolCompliance {
    std::string tool;    // kMetalamaTool, or a telemetry-catalog id
    std::string policy;  // the policies that name the tool, ", "-joined; empty when none does
    bool named = false;  // the desired state asks something of this tool
    Verdict verdict = Verdict::NotManaged;
    std::int64_t findings = 0;      // every finding about the tool
    std::int64_t compliant = 0;     // of which in a compliant outcome (isCompliantOutcome)
    std::int64_t nonCompliant = 0;  // findings - compliant
    std::string reason;             // why a non-compliant tool is, in a few words
};

// The tool a finding is about: Finding::tool, with empty meaning Metalama's own. A view into the
// finding (or of kMetalamaTool): a tally asks it of every finding of a pass.
std::string_view toolOf(const Finding& finding);

// One entry per tool that the desired state names or that some finding is about; Metalama
// first, then by tool id. A tool is compliant when the policy names it, at least one finding is
// about it and every such finding is a compliant outcome. A tool the policy names that no
// finding is about is NOT compliant ("no finding"): no target reported on it, so nothing shows
// its opt-out is in place. A tool no policy names is "not managed" when all its findings are
// compliant (e.g. a setting restored after its policy went) and non-compliant otherwise.
std::vector<ToolCompliance> complianceByTool(const DesiredState& desired,
                                             const FindingLog& findings);

// complianceByTool fed one finding at a time, for a reader that does not hold the findings (the
// compliance summary reads them back from the store one row at a time, before it knows the
// desired state). Keeps one entry per tool.
class ToolTally {
  public:
    ToolTally() = default;
    // Movable (a map's nodes move with it, and so does the cached entry), not copyable: a copy's
    // cached entry would point into the original's map.
    ToolTally(ToolTally&& other) noexcept
        : byTool_(std::move(other.byTool_)), last_(std::exchange(other.last_, nullptr)) {}
    ToolTally& operator=(ToolTally&& other) noexcept {
        byTool_ = std::move(other.byTool_);
        last_ = std::exchange(other.last_, nullptr);
        return *this;
    }
    ToolTally(const ToolTally&) = delete;
    ToolTally& operator=(const ToolTally&) = delete;

    void add(const Finding& finding);
    // complianceByTool(desired, the findings added).
    std::vector<ToolCompliance> result(const DesiredState& desired) &&;

  private:
    ToolCompliance& entry(const std::string& tool);
    std::map<std::string, ToolCompliance> byTool_;
    // The entry of the finding before: findings come grouped by target, so nearly every one is
    // about the same tool as the one before it (a map node's address is stable).
    ToolCompliance* last_ = nullptr;
};

// The machine's verdict: computeVerdict's rule (every finding compliant), and in addition every
// tool the policy names must be compliant. A machine is compliant when every tool the policy
// names is.
Verdict machineVerdict(const PolicySet& policy, const DesiredState& desired,
                       const FindingLog& findings);

// The tools of `tools` whose verdict is non-compliant, ", "-joined ("" when none).
std::string nonCompliantTools(const std::vector<ToolCompliance>& tools);

}  // namespace mpa
