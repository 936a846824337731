// The tool telemetry policies generated from policies/telemetry-catalog.yaml, set through each
// policy channel of Linux and macOS on a scratch root (an /etc drop-in, a Registry.pol that
// Samba's writer produced in a GPO cache, a managed-preferences plist), read by the real binary:
// `apply --dry-run --json` shows each as an effective policy with its level and origin, and the
// desired state they ask for: every variable of the mandatory tools machine-wide (sorted, each with
// its tool and policy) and every per-user file, forced when mandatory. The registry under Wine is
// tests/integration/tool_policy_channels_win_test.cpp.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/agent_process.hpp"
#include "support/macos_tree.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "support/tool_policy_gpo_cache.hpp"
#include "support/tool_policy_report.hpp"

namespace mpa::test {
namespace {

const std::vector<std::string>& kMandatory = mandatoryToolPolicies();
const std::string& kRecommended = recommendedToolPolicy();

class ToolPolicyChannels : public ::testing::Test {
  protected:
    void SetUp() override {
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    }

    // One dry-run pass; its JSON report.
    Poco::JSON::Object::Ptr dryRun(std::vector<std::string> args = {}) {
        args.insert(args.end(), {"apply", "--dry-run", "--json"});
        const auto result = runAgent(root.path(), args);
        EXPECT_NE(result.exitCode, -1) << result.err;
        return parsePassJson(result.out);
    }

    ScratchDir root;
};

TEST_F(ToolPolicyChannels, EtcDropinFiles) {
    root.write("etc/metalama/policies/managed/50-tools.json", toolPoliciesDropInJson(), 0644);
    root.write("etc/metalama/policies/recommended/50-tools.yaml", kRecommended + ": true\n", 0644);
    const auto report = dryRun();
    ASSERT_TRUE(report);
    expectToolPoliciesInEffect(report, "/etc/metalama/policies/");
    expectToolPoliciesDesired(report, "linux");
}

TEST_F(ToolPolicyChannels, RegistryPolWrittenBySambaInTheGpoCache) {
    MPA_SKIP_IF_MISSING(missingUnless(sambaRegistryPolWriterAvailable(),
                                      "Samba's Registry.pol writer", "python3-samba"));
    writeToolPoliciesGpoCache(root, "");
    ASSERT_FALSE(HasFailure());
    const auto report = dryRun();
    ASSERT_TRUE(report);
    expectToolPoliciesInEffect(report, "REGISTRY.POL");
    expectToolPoliciesDesired(report, "linux");
}

TEST_F(ToolPolicyChannels, ManagedPreferencesPlist) {
    std::string body;
    for (const auto& name : kMandatory) body += "<key>" + name + "</key><true/>";
    root.write("Library/Managed Preferences/com.postsharp.metalama.plist",
               xmlPlist("<dict>" + body + "</dict>\n"), 0644);
    root.write("Library/Preferences/com.postsharp.metalama.plist",
               xmlPlist("<dict><key>" + kRecommended + "</key><true/></dict>\n"), 0644);
    const auto report = dryRun({"--platform", "macos"});
    ASSERT_TRUE(report);
    // The recommended value comes from /Library/Preferences, the mandatory ones from the MDM's.
    const auto values = report->getObject("policy")->getObject("values");
    ASSERT_TRUE(values->getObject(kRecommended));
    EXPECT_NE(values->getObject(kRecommended)
                  ->getObject("from")
                  ->getValue<std::string>("origin")
                  .find("/Library/Preferences/"),
              std::string::npos);
    expectToolPoliciesInEffect(report, "/Library/");
    expectToolPoliciesDesired(report, "macos");
}

// The switch for every tool: every variable of every machine-wide tool of the catalog.
TEST_F(ToolPolicyChannels, TheAllToolsSwitchAsksForEveryCatalogVariable) {
    root.write("etc/metalama/policies/managed/50-tools.json",
               "{\"AllCatalogToolsTelemetryOptOut\": true}\n", 0644);
    const auto report = dryRun();
    ASSERT_TRUE(report);
    const auto env = report->getObject("desired")->getArray("environment");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < env->size(); ++i)
        names.push_back(env->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
    EXPECT_GE(names.size(), 24u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    for (const char* name : {"DOTNET_CLI_TELEMETRY_OPTOUT", "POWERSHELL_TELEMETRY_OPTOUT",
                             "HOMEBREW_NO_ANALYTICS", "CHECKPOINT_DISABLE", "DO_NOT_TRACK"})
        EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    EXPECT_EQ(std::find(names.begin(), names.end(), "METALAMA_TELEMETRY_OPT_OUT"), names.end());
}

}  // namespace
}  // namespace mpa::test
