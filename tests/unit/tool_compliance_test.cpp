// Compliance per tool: the one function status, the Intune output and the sealed state (the
// osquery view compliance_tools) take their per-tool verdicts from.
#include "model/tool_compliance.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mpa {
namespace {

Finding about(const std::string& tool, const std::string& subject, Outcome outcome) {
    auto f = Finding::about("etc-environment", subject);
    f.outcome = outcome;
    f.tool = tool;
    return f;
}

DesiredState naming(const std::vector<std::pair<std::string, std::string>>& toolPolicies) {
    DesiredState d;
    d.managed = true;
    for (const auto& [tool, policy] : toolPolicies)
        d.environment.push_back({"VAR_" + tool, "1", tool, policy});
    return d;
}

PolicySet somePolicy() {
    PolicySet p;
    EffectivePolicy on;
    on.value = true;
    p.values.emplace("TelemetryOptOut", on);
    return p;
}

const ToolCompliance* find(const std::vector<ToolCompliance>& tools, const std::string& tool) {
    for (const auto& t : tools)
        if (t.tool == tool) return &t;
    return nullptr;
}

// The tally looks a tool up again only when a finding's tool differs from the one before it;
// findings that switch tools back and forth, and a tool given both as "" and by its name, count
// as when grouped.
TEST(ToolCompliance, FindingsInAnyOrderCountTheSame) {
    const auto desired = naming({{kMetalamaTool, "TelemetryOptOut"}, {"dotnet-sdk", "P"}});
    const std::vector<Finding> interleaved{
        about("", "a", Outcome::Compliant),           about("dotnet-sdk", "b", Outcome::Failed),
        about(kMetalamaTool, "c", Outcome::Restored), about("dotnet-sdk", "d", Outcome::Compliant),
        about("", "e", Outcome::NonCompliant),        about("gradle", "f", Outcome::Compliant),
        about("dotnet-sdk", "g", Outcome::Compliant),
    };
    auto grouped = interleaved;
    std::stable_sort(grouped.begin(), grouped.end(),
                     [](const Finding& a, const Finding& b) { return toolOf(a) < toolOf(b); });
    const auto a = complianceByTool(desired, interleaved);
    const auto b = complianceByTool(desired, grouped);
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].tool, b[i].tool);
        EXPECT_EQ(a[i].findings, b[i].findings) << a[i].tool;
        EXPECT_EQ(a[i].compliant, b[i].compliant) << a[i].tool;
        EXPECT_EQ(a[i].verdict, b[i].verdict) << a[i].tool;
    }
    const auto* metalama = find(a, kMetalamaTool);
    ASSERT_TRUE(metalama);
    EXPECT_EQ(metalama->findings, 3);
    EXPECT_EQ(metalama->compliant, 2);
    const auto* dotnet = find(a, "dotnet-sdk");
    ASSERT_TRUE(dotnet);
    EXPECT_EQ(dotnet->findings, 3);
    EXPECT_EQ(dotnet->nonCompliant, 1);
    EXPECT_EQ(machineVerdict(somePolicy(), desired, interleaved), Verdict::NonCompliant);
}

// A tally moved on keeps counting into the same entries (its cached entry moved with its map),
// and the one moved from starts afresh.
TEST(ToolCompliance, AMovedTallyKeepsCounting) {
    const auto desired = naming({{kMetalamaTool, "TelemetryOptOut"}});
    ToolTally first;
    first.add(about("", "a", Outcome::Compliant));
    ToolTally moved(std::move(first));
    moved.add(about("", "b", Outcome::Failed));
    ToolTally assigned;
    assigned = std::move(moved);
    assigned.add(about(kMetalamaTool, "c", Outcome::Compliant));
    const auto tools = std::move(assigned).result(desired);
    ASSERT_EQ(tools.size(), 1u);
    EXPECT_EQ(tools[0].findings, 3);
    EXPECT_EQ(tools[0].nonCompliant, 1);
    first.add(about("", "d", Outcome::Compliant));  // NOLINT(bugprone-use-after-move): reused
    const auto afresh = std::move(first).result(desired);
    ASSERT_EQ(afresh.size(), 1u);
    EXPECT_EQ(afresh[0].findings, 1);
}

TEST(ToolCompliance, ThreeNamedToolsOneNonCompliant) {
    const auto desired = naming({{kMetalamaTool, "TelemetryOptOut"},
                                 {"dotnet-sdk", "DotnetSdkTelemetryOptOut"},
                                 {"powershell", "PowershellTelemetryOptOut"}});
    const std::vector<Finding> findings{
        about("", "/etc/environment METALAMA_TELEMETRY_OPT_OUT", Outcome::Compliant),
        about("", "/etc/profile.d METALAMA_TELEMETRY_OPT_OUT", Outcome::Remediated),
        about("dotnet-sdk", "/etc/environment DOTNET_CLI_TELEMETRY_OPTOUT", Outcome::Compliant),
        about("powershell", "/etc/environment POWERSHELL_TELEMETRY_OPTOUT", Outcome::Compliant),
        about("powershell", "/etc/profile.d POWERSHELL_TELEMETRY_OPTOUT", Outcome::Failed),
    };
    const auto tools = complianceByTool(desired, findings);
    ASSERT_EQ(tools.size(), 3u);
    EXPECT_EQ(tools[0].tool, kMetalamaTool) << "Metalama first";
    EXPECT_EQ(tools[0].verdict, Verdict::Compliant);
    EXPECT_EQ(tools[0].findings, 2);  // the findings with no tool are Metalama's
    EXPECT_EQ(tools[0].policy, "TelemetryOptOut");
    const auto* dotnet = find(tools, "dotnet-sdk");
    ASSERT_TRUE(dotnet);
    EXPECT_EQ(dotnet->verdict, Verdict::Compliant);
    EXPECT_EQ(dotnet->policy, "DotnetSdkTelemetryOptOut");
    const auto* pwsh = find(tools, "powershell");
    ASSERT_TRUE(pwsh);
    EXPECT_EQ(pwsh->verdict, Verdict::NonCompliant);
    EXPECT_EQ(pwsh->findings, 2);
    EXPECT_EQ(pwsh->compliant, 1);
    EXPECT_EQ(pwsh->nonCompliant, 1);
    EXPECT_EQ(pwsh->reason, "1 of 2 finding(s) not compliant");
    EXPECT_EQ(nonCompliantTools(tools), "powershell");
    EXPECT_EQ(machineVerdict(somePolicy(), desired, findings), Verdict::NonCompliant);
    auto fixed = findings;
    fixed.back().outcome = Outcome::Remediated;
    EXPECT_EQ(machineVerdict(somePolicy(), desired, fixed), Verdict::Compliant);
}

// Every finding compliant is not enough: a tool the policy names that no target reported on
// has nothing showing its opt-out is in place, so neither it nor the machine is compliant.
TEST(ToolCompliance, ANamedToolWithoutAFindingIsNotCompliantNorIsTheMachine) {
    const auto desired =
        naming({{kMetalamaTool, "TelemetryOptOut"}, {"homebrew", "HomebrewOptOut"}});
    const std::vector<Finding> findings{
        about("", "/etc/environment METALAMA_TELEMETRY_OPT_OUT", Outcome::Compliant)};
    EXPECT_EQ(computeVerdict(somePolicy(), findings), Verdict::Compliant)
        << "the finding-only rule alone would count it compliant";
    const auto tools = complianceByTool(desired, findings);
    const auto* brew = find(tools, "homebrew");
    ASSERT_TRUE(brew);
    EXPECT_TRUE(brew->named);
    EXPECT_EQ(brew->findings, 0);
    EXPECT_EQ(brew->verdict, Verdict::NonCompliant);
    EXPECT_EQ(brew->reason, "no finding: no target reported on it");
    EXPECT_EQ(machineVerdict(somePolicy(), desired, findings), Verdict::NonCompliant);
}

// A tool no policy names (its setting restored after the policy went) is not managed while
// its findings are compliant, and non-compliant when one is not (a restore that failed).
TEST(ToolCompliance, AToolNoPolicyNamesIsNotManagedUnlessAFindingFails) {
    const auto desired = naming({{kMetalamaTool, "TelemetryOptOut"}});
    std::vector<Finding> findings{
        about("", "/etc/environment METALAMA_TELEMETRY_OPT_OUT", Outcome::Compliant),
        about("gatsby", "/etc/environment GATSBY_TELEMETRY_DISABLED", Outcome::Restored)};
    auto tools = complianceByTool(desired, findings);
    ASSERT_TRUE(find(tools, "gatsby"));
    EXPECT_FALSE(find(tools, "gatsby")->named);
    EXPECT_EQ(find(tools, "gatsby")->verdict, Verdict::NotManaged);
    EXPECT_EQ(machineVerdict(somePolicy(), desired, findings), Verdict::Compliant);
    findings.back().outcome = Outcome::Failed;
    tools = complianceByTool(desired, findings);
    EXPECT_EQ(find(tools, "gatsby")->verdict, Verdict::NonCompliant);
    EXPECT_EQ(machineVerdict(somePolicy(), desired, findings), Verdict::NonCompliant);
}

// Metalama's per-user actions name Metalama without a variable (a recommended opt-out); a
// per-user settings file names its tool like a variable does; one policy is named once.
TEST(ToolCompliance, ActionsAndUserFilesNameTheirToolsAndAPolicyIsNamedOnce) {
    DesiredState d;
    d.managed = true;
    d.usage = ActionRequirement::NoUnlessUserChose;
    d.environment.push_back({"AZURE_CORE_COLLECT_TELEMETRY", "0", "azure-cli", "AzureCliOptOut"});
    d.userFiles.push_back({"azure-cli", "AzureCliOptOut", {}, true});
    const auto tools = complianceByTool(d, {});
    ASSERT_EQ(tools.size(), 2u);
    EXPECT_EQ(tools[0].tool, kMetalamaTool);
    EXPECT_TRUE(tools[0].named);
    EXPECT_EQ(tools[1].policy, "AzureCliOptOut");
    EXPECT_EQ(nonCompliantTools(tools), "metalama, azure-cli");
    EXPECT_TRUE(complianceByTool(DesiredState{}, {}).empty()) << "nothing named, nothing found";
}

}  // namespace
}  // namespace mpa
