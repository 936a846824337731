// Every policy an administrator can set reaches its state in one pass and stays there: the real
// binary on the demo root, the policy set replaced, `apply` run again and again. The second pass
// must change nothing (no file, mode or owner; no finding that says it changed something), and
// the same once the policy is removed and the machine restored. A recommended telemetry setting
// once flipped back and forth every pass (the agent took its own No for the user's choice),
// which a test of one pass could not see.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/demo_root_test.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDatabase = "var/lib/metalama-policy-agent";

struct PolicySet {
    std::string name;
    std::string managed;      // etc/metalama/policies/managed/10-policy.json, empty: none
    std::string recommended;  // etc/metalama/policies/recommended/50-policy.json, empty: none
};

std::ostream& operator<<(std::ostream& out, const PolicySet& set) {
    return out << set.name;
}

// What a pass's text report says when it changed something.
std::vector<std::string> changesIn(const std::string& report) {
    std::vector<std::string> found;
    for (const char* word : {"[remediated]", "[drift repaired]", "[repaired]", "[restored]",
                             " remediated;", " repaired;", " restored;"})
        if (report.find(word) != std::string::npos) found.emplace_back(word);
    return found;
}

class PolicyFixedPoint : public DemoRootTest, public ::testing::WithParamInterface<PolicySet> {
  protected:
    void setPolicies(const std::string& managed, const std::string& recommended) {
        for (const char* level : {"managed", "recommended"})
            for (const auto& e : std::filesystem::directory_iterator(
                     dir() + "/etc/metalama/policies/" + std::string(level)))
                std::filesystem::remove(e.path());
        if (!managed.empty()) root.write("r/etc/metalama/policies/managed/10-policy.json", managed);
        if (!recommended.empty())
            root.write("r/etc/metalama/policies/recommended/50-policy.json", recommended);
    }
    // One pass to reach the state, then two that must leave it as it is.
    void expectFixedPoint(const std::string& when) {
        const auto first = agent({"apply"});
        ASSERT_NE(first.exitCode, 2) << when << "\n" << first.out << first.err;
        for (int pass = 2; pass <= 3; ++pass) {
            const auto before = snapshotTree(dir(), {kDatabase});
            const auto again = agent({"apply"});
            EXPECT_NE(again.exitCode, 2) << again.err;
            EXPECT_EQ(describeDifferences(before, snapshotTree(dir(), {kDatabase})), "")
                << when << ", pass " << pass << "\n"
                << again.out;
            EXPECT_EQ(changesIn(again.out), std::vector<std::string>{})
                << when << ", pass " << pass << "\n"
                << again.out;
        }
    }
};

TEST_P(PolicyFixedPoint, OnePassReachesTheStateAndTheNextChangeNothing) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    expectFixedPoint("with the policy");
    setPolicies("", "");
    expectFixedPoint("once the policy is removed");
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfPolicy, PolicyFixedPoint,
    ::testing::Values(
        PolicySet{"MandatoryOptOut", R"({"TelemetryOptOut": true})", ""},
        PolicySet{"RecommendedOptOut", "", R"({"TelemetryOptOut": true})"},
        PolicySet{"RecommendedSomeActions", "",
                  R"({"DisableUsageReporting": true, "DisableExceptionReporting": true})"},
        PolicySet{"MandatoryOneAction", R"({"DisableUsageReporting": true})", ""},
        PolicySet{"MandatoryAndRecommended", R"({"DisablePerformanceProblemReporting": true})",
                  R"({"TelemetryOptOut": true, "DisableUsageReporting": true})"},
        PolicySet{"DeviceIdRotationAndReset",
                  R"({"TelemetryOptOut": true, "DeviceIdRotationDays": 30,
                      "DeviceIdResetToken": "2026-12"})",
                  ""},
        PolicySet{"ProfilesNotManaged", R"({"TelemetryOptOut": true, "ManageUserProfiles": false})",
                  ""},
        PolicySet{"AuditOnly", R"({"TelemetryOptOut": true, "EnforcementMode": "AuditOnly"})", ""},
        PolicySet{"EveryCatalogTool", R"({"AllCatalogToolsTelemetryOptOut": true})", ""},
        PolicySet{"RecommendedUserSettingsFiles", "",
                  R"({"AzureCliTelemetryOptOut": true, "AngularCliTelemetryOptOut": true,
                      "YarnTelemetryOptOut": true, "GoToolchainTelemetryOptOut": true,
                      "TurborepoTelemetryOptOut": true})"},
        PolicySet{"MandatoryUserSettingsFilesAndDoNotTrack",
                  R"({"AzureCliTelemetryOptOut": true, "AngularCliTelemetryOptOut": true,
                      "YarnTelemetryOptOut": true, "GoToolchainTelemetryOptOut": true,
                      "TurborepoTelemetryOptOut": true, "SetDoNotTrack": true})",
                  ""}),
    [](const ::testing::TestParamInfo<PolicySet>& param) { return param.param.name; });

}  // namespace
}  // namespace mpa::test
