#include "model/tool_compliance.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace mpa {
namespace {

void addPolicy(ToolCompliance& entry, const std::string& policy) {
    entry.named = true;
    if (policy.empty()) return;
    // Several variables or files of one tool usually come from the same policy: name it once.
    const std::string list = ", " + entry.policy + ", ";
    if (list.find(", " + policy + ", ") != std::string::npos) return;
    entry.policy += (entry.policy.empty() ? "" : ", ") + policy;
}

}  // namespace

std::string_view toolOf(const Finding& finding) {
    return finding.tool.empty() ? std::string_view(kMetalamaTool) : std::string_view(finding.tool);
}

ToolCompliance& ToolTally::entry(const std::string& tool) {
    auto& e = byTool_[tool];
    e.tool = tool;
    return e;
}

void ToolTally::add(const Finding& finding) {
    const auto tool = toolOf(finding);
    if (!last_ || last_->tool != tool) last_ = &entry(std::string(tool));
    auto& e = *last_;
    ++e.findings;
    if (isCompliantOutcome(finding.outcome))
        ++e.compliant;
    else
        ++e.nonCompliant;
}

std::vector<ToolCompliance> ToolTally::result(const DesiredState& desired) && {
    for (const auto& v : desired.environment) addPolicy(entry(v.tool), v.policy);
    for (const auto& u : desired.userFiles) addPolicy(entry(u.tool), u.policy);
    // Metalama's per-user actions are asked for without a variable when the opt-out is only
    // recommended or a single Disable*Reporting policy is set.
    if (desired.anyActionManaged()) entry(kMetalamaTool).named = true;
    std::vector<ToolCompliance> out;
    for (auto& [tool, e] : byTool_) {
        if (e.nonCompliant > 0) {
            e.verdict = Verdict::NonCompliant;
            e.reason = std::to_string(e.nonCompliant) + " of " + std::to_string(e.findings) +
                       " finding(s) not compliant";
        } else if (!e.named) {
            e.verdict = Verdict::NotManaged;
        } else if (e.findings == 0) {
            e.verdict = Verdict::NonCompliant;
            e.reason = "no finding: no target reported on it";
        } else {
            e.verdict = Verdict::Compliant;
        }
        out.push_back(std::move(e));
    }
    std::stable_partition(out.begin(), out.end(),
                          [](const ToolCompliance& t) { return t.tool == kMetalamaTool; });
    return out;
}

std::vector<ToolCompliance> complianceByTool(const DesiredState& desired,
                                             const FindingLog& findings) {
    ToolTally tally;
    for (const auto& f : findings) tally.add(f);
    return std::move(tally).result(desired);
}

Verdict machineVerdict(const PolicySet& policy, const DesiredState& desired,
                       const FindingLog& findings) {
    // One reading of the findings for both rules: a pass over many profiles holds them encoded,
    // and every reading decodes each one.
    ToolTally tally;
    bool allCompliant = true;
    for (const auto& f : findings) {
        tally.add(f);
        allCompliant = allCompliant && isCompliantOutcome(f.outcome);
    }
    const auto verdict = verdictOf(policy, allCompliant);
    if (verdict != Verdict::Compliant) return verdict;
    for (const auto& tool : std::move(tally).result(desired))
        if (tool.verdict == Verdict::NonCompliant) return Verdict::NonCompliant;
    return verdict;
}

std::string nonCompliantTools(const std::vector<ToolCompliance>& tools) {
    std::string out;
    for (const auto& t : tools)
        if (t.verdict == Verdict::NonCompliant) out += (out.empty() ? "" : ", ") + t.tool;
    return out;
}

}  // namespace mpa
