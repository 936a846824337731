// The tool telemetry policies generated from policies/telemetry-catalog.yaml, set through each
// policy channel of Linux and macOS on a scratch root (an /etc drop-in, a Registry.pol that
// Samba's writer produced in a GPO cache, a managed-preferences plist), read by the real binary:
// `apply --dry-run --json` shows each as an effective policy with its level and origin, and the
// desired state they ask for: every variable of the mandatory tools machine-wide (sorted, each with
// its tool and policy) and every per-user file, forced when mandatory. The registry under Wine is
// tests/integration/tool_policy_channels_win_test.cpp.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/agent_process.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

const char* kKey = "SOFTWARE\\Policies\\PostSharp\\Metalama";
const char* kRecommendedKey = "SOFTWARE\\Policies\\PostSharp\\Metalama\\Recommended";

// Mandatory: three tools with variables (one also with a per-user file). Recommended: a tool
// with two per-user files and a variable the recommended form must not set.
const std::vector<std::string> kMandatory = {"DotnetSdkTelemetryOptOut", "AzureCliTelemetryOptOut",
                                             "SetDoNotTrack"};
const std::string kRecommended = "AngularCliTelemetryOptOut";

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

void missingTool(const std::string& what) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "install " << what;
    GTEST_SKIP() << "install " << what;
}

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
        try {
            return parse(result.out);
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what() << "\n" << result.out << result.err;
            return {};
        }
    }

    // Every tool policy is in effect at its level, read from `origin` (a substring).
    static void expectEffective(const Poco::JSON::Object::Ptr& report, const std::string& origin,
                                bool recommendedToo = true) {
        const auto values = report->getObject("policy")->getObject("values");
        auto names = kMandatory;
        if (recommendedToo) names.push_back(kRecommended);
        for (const auto& name : names) {
            SCOPED_TRACE(name);
            const auto value = values->getObject(name);
            ASSERT_TRUE(value) << "not in effect";
            EXPECT_TRUE(value->getValue<bool>("value"));
            const auto from = value->getObject("from");
            EXPECT_EQ(from->getValue<std::string>("level"),
                      name == kRecommended ? "recommended" : "mandatory");
            EXPECT_NE(from->getValue<std::string>("origin").find(origin), std::string::npos)
                << from->getValue<std::string>("origin");
        }
        EXPECT_EQ(report->getObject("policy")->getArray("errors")->size(), 0u);
    }

    // The variables of the mandatory tools only, in name order, each with its tool and policy;
    // the per-user files of the Azure CLI (forced) and, when the recommended policy is set, the
    // Angular CLI's two (set where the user has not chosen).
    static void expectDesired(const Poco::JSON::Object::Ptr& report, bool recommendedToo = true) {
        const auto desired = report->getObject("desired");
        ASSERT_TRUE(desired);
        std::vector<std::string> environment;
        const auto env = desired->getArray("environment");
        for (std::size_t i = 0; i < env->size(); ++i) {
            const auto e = env->getObject(static_cast<unsigned>(i));
            environment.push_back(
                e->getValue<std::string>("name") + "=" + e->getValue<std::string>("value") + " " +
                e->getValue<std::string>("tool") + " " + e->getValue<std::string>("policy"));
        }
        EXPECT_EQ(environment,
                  (std::vector<std::string>{
                      "AZURE_CORE_COLLECT_TELEMETRY=false azure-cli AzureCliTelemetryOptOut",
                      "DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet-sdk DotnetSdkTelemetryOptOut",
                      "DO_NOT_TRACK=1 do-not-track SetDoNotTrack"}));
        std::vector<std::string> files;
        const auto userFiles = desired->getArray("userFiles");
        for (std::size_t i = 0; i < userFiles->size(); ++i) {
            const auto f = userFiles->getObject(static_cast<unsigned>(i));
            files.push_back(
                f->getValue<std::string>("tool") + " " + f->getValue<std::string>("linux") + " " +
                f->getValue<std::string>("key") + "=" + f->getValue<std::string>("value") +
                (f->getValue<bool>("force") ? " forced" : " unless chosen"));
        }
        std::vector<std::string> expected = {
            "azure-cli ~/.azure/config collect_telemetry=false "
            "forced"};
        if (recommendedToo) {
            expected.push_back(
                "angular-cli ~/.angular-config.json cli.analytics=false unless chosen");
            expected.push_back(
                "angular-cli ~/.config/angular/config.json cli.analytics=false unless chosen");
        }
        EXPECT_EQ(files, expected);
    }

    ScratchDir root;
};

TEST_F(ToolPolicyChannels, EtcDropinFiles) {
    std::string managed = "{";
    for (const auto& name : kMandatory)
        managed += std::string(managed.size() > 1 ? ", " : "") + "\"" + name + "\": true";
    root.write("etc/metalama/policies/managed/50-tools.json", managed + "}\n", 0644);
    root.write("etc/metalama/policies/recommended/50-tools.yaml", kRecommended + ": true\n", 0644);
    const auto report = dryRun();
    ASSERT_TRUE(report);
    expectEffective(report, "/etc/metalama/policies/");
    expectDesired(report);
}

TEST_F(ToolPolicyChannels, RegistryPolWrittenBySambaInTheGpoCache) {
    if (std::system("/usr/bin/python3 -c 'import samba.dcerpc.preg' >/dev/null 2>&1") != 0)
        return missingTool("python3-samba (Samba's Registry.pol writer)");
    root.write("etc/metalama/agent.yaml", "samba_gpo_cache: /var/cache/samba/gpo_cache\n", 0644);
    const std::string gpo =
        "var/cache/samba/gpo_cache/EXAMPLE.COM/POLICIES/{CCCCCCCC-1111-2222-3333-444444444444}/";
    root.write(gpo + "GPT.INI", "[General]\r\nVersion=3\r\n", 0600);
    root.mkdirs(gpo + "MACHINE");
    std::vector<std::string> command = {"/usr/bin/python3",
                                        sourceDir() + "/tests/support/write_registry_pol.py",
                                        root.abs(gpo + "MACHINE/REGISTRY.POL")};
    for (const auto& name : kMandatory) command.insert(command.end(), {kKey, name, "1"});
    command.insert(command.end(), {kRecommendedKey, kRecommended, "1"});
    const auto written = runProcess(command);
    ASSERT_EQ(written.exitCode, 0) << written.err;
    const auto report = dryRun();
    ASSERT_TRUE(report);
    expectEffective(report, "REGISTRY.POL");
    expectDesired(report);
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
    expectEffective(report, "/Library/", true);
    expectDesired(report);
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
