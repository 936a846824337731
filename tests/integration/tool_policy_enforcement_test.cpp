// Tool telemetry policies end to end, through each channel of Linux and macOS, with the real
// binary on a scratch root: set, every variable they ask for is machine-wide (one line each in
// every environment file) and every named per-user file holds its key; `status` reports each tool
// compliant; removed, every file is back byte for byte and every directory the agent made is
// gone. The Windows registry channel is tool_policy_channels_win_test.cpp (reading) and
// tool_policy_enforcement_win_test.cpp (the same round trip with the real .exe under Wine).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/macos_tree.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "support/tool_policy_gpo_cache.hpp"
#include "support/tool_policy_report.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

namespace fs = std::filesystem;

// Every entry under `dir` (content, mode, owner), but the agent's own state (its database and
// published summary, /var/lib on Linux, Application Support on macOS), which a pass always writes.
TreeSnapshot snapshot(const std::string& dir) {
    return snapshotTree(dir, {"var/lib/metalama-policy-agent",
                              "Library/Application Support/Metalama", "var/log", "run"});
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The tools `status --json` reports and whether each is compliant.
std::map<std::string, bool> toolsCompliance(const std::string& statusJson) {
    std::map<std::string, bool> out;
    const auto report = parsePassJson(statusJson);
    if (!report) return out;
    const auto tools = report->getArray("tools");
    if (!tools) return out;
    for (std::size_t i = 0; i < tools->size(); ++i) {
        const auto t = tools->getObject(static_cast<unsigned>(i));
        out[t->getValue<std::string>("tool")] = t->getValue<std::string>("verdict") == "compliant";
    }
    return out;
}

// Linux: the demo root (five users, Metalama's own policy in effect), enforced once so the
// comparison after removal is about the tool policies alone.
class ToolPolicyEnforcement : public DemoRootTest {
  protected:
    void SetUp() override {
        DemoRootTest::SetUp();
        if (setUpStopped()) return;
        // A user's own Azure CLI settings, which the agent must keep around its one key.
        root.write("r/home/alice/.azure/config",
                   "# alice's settings\n[cloud]\nname = AzureCloud\n\n[core]\noutput = table\n",
                   0600);
        ASSERT_EQ(::chown(root.abs("r/home/alice/.azure").c_str(), 1001, 1001), 0);
        ASSERT_EQ(::chown(root.abs("r/home/alice/.azure/config").c_str(), 1001, 1001), 0);
        const auto first = agent({"apply"});
        ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
        before = snapshot(dir());
    }

    // Applies with the tool policies in place, checks the machine, removes them, applies and
    // checks everything came back.
    void enforceThenRestore(const std::function<void()>& removePolicies) {
        const auto applied = agent({"apply"});
        EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;

        // Every variable of the mandatory tools, one line each, in every environment file.
        for (const char* line :
             {"DOTNET_CLI_TELEMETRY_OPTOUT=1", "AZURE_CORE_COLLECT_TELEMETRY=false",
              "DO_NOT_TRACK=1", "METALAMA_TELEMETRY_OPT_OUT=1"}) {
            SCOPED_TRACE(line);
            EXPECT_TRUE(contains(read("etc/environment"), std::string("\n") + line + "\n") ||
                        read("etc/environment").rfind(std::string(line) + "\n", 0) == 0)
                << read("etc/environment");
            EXPECT_TRUE(contains(read("etc/environment.d/zz-metalama-telemetry.conf"), line));
            EXPECT_TRUE(contains(read("etc/profile.d/zz-metalama-telemetry.sh"),
                                 std::string("export ") + line));
            EXPECT_TRUE(contains(read("etc/systemd/system.conf.d/zz-metalama-telemetry.conf"),
                                 std::string("DefaultEnvironment=") + line));
        }
        // The recommended tool asks for no variable.
        EXPECT_FALSE(contains(read("etc/environment"), "NG_CLI_ANALYTICS"));

        // Per-user files: the Azure CLI's key (mandatory) in every profile, alice's other
        // settings kept; the Angular CLI's (recommended) where the user had not chosen.
        const auto alice = read("home/alice/.azure/config");
        EXPECT_TRUE(contains(alice, "# alice's settings\n[cloud]\nname = AzureCloud\n")) << alice;
        EXPECT_TRUE(contains(alice, "collect_telemetry = false")) << alice;
        EXPECT_TRUE(contains(alice, "output = table")) << alice;
        struct stat st {};
        ASSERT_EQ(::stat(root.abs("r/home/alice/.azure/config").c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, 1001u);
        EXPECT_EQ(st.st_mode & 07777, 0600u);
        for (const char* home : {"home/bob", "home/carol"}) {
            SCOPED_TRACE(home);
            EXPECT_TRUE(
                contains(read(std::string(home) + "/.azure/config"), "collect_telemetry = false"));
            EXPECT_TRUE(fs::exists(dir() + "/" + home + "/.angular-config.json"));
        }

        // status: each tool the policy names is compliant.
        const auto status = agent({"status", "--json"});
        const auto tools = toolsCompliance(status.out);
        for (const char* tool : {"dotnet-sdk", "azure-cli", "do-not-track", "angular-cli"}) {
            ASSERT_TRUE(tools.count(tool)) << tool << "\n" << status.out;
            EXPECT_TRUE(tools.at(tool)) << tool << "\n" << status.out;
        }

        removePolicies();
        const auto restored = agent({"apply"});
        EXPECT_EQ(restored.exitCode, 0) << restored.out << restored.err;
        EXPECT_EQ(describeDifferences(before, snapshot(dir())), "");
    }

    TreeSnapshot before;
};

TEST_F(ToolPolicyEnforcement, AnEtcDropinSetsEveryToolAndItsRemovalRestoresEverything) {
    if (setUpStopped()) return;
    root.write("r/etc/metalama/policies/managed/50-tools.json", toolPoliciesDropInJson(), 0644);
    root.write("r/etc/metalama/policies/recommended/50-tools.yaml",
               recommendedToolPolicy() + ": true\n", 0644);
    enforceThenRestore([&] {
        fs::remove(dir() + "/etc/metalama/policies/managed/50-tools.json");
        fs::remove(dir() + "/etc/metalama/policies/recommended/50-tools.yaml");
    });
}

TEST_F(ToolPolicyEnforcement, ARegistryPolWrittenBySambaSetsEveryToolAndItsRemovalRestores) {
    if (setUpStopped()) return;
    MPA_SKIP_IF_MISSING(missingUnless(sambaRegistryPolWriterAvailable(),
                                      "Samba's Registry.pol writer", "python3-samba"));
    const auto pol = writeToolPoliciesGpoCache(root, "r/");
    ASSERT_FALSE(HasFailure());
    // The cache and the configuration are the administrator's, present before and after.
    before = snapshot(dir());
    before.erase(pol);
    enforceThenRestore([&] { fs::remove(dir() + "/" + pol); });
}

// The switch for every tool: every variable of the catalog machine-wide, every per-user file of
// the catalog kept in every profile, every tool compliant; removed, everything as before.
TEST_F(ToolPolicyEnforcement,
       TheAllToolsSwitchMakesEveryCatalogToolCompliantAndItsRemovalRestores) {
    if (setUpStopped()) return;
    root.write("r/etc/metalama/policies/managed/50-tools.json",
               "{\"AllCatalogToolsTelemetryOptOut\": true}\n", 0644);
    const auto applied = agent({"apply", "--json"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    const auto report = parsePassJson(applied.out);
    ASSERT_TRUE(report);

    const auto environment = report->getObject("desired")->getArray("environment");
    EXPECT_GE(environment->size(), 20u);
    const auto etcEnvironment = "\n" + read("etc/environment");
    const auto profileD = read("etc/profile.d/zz-metalama-telemetry.sh");
    for (std::size_t i = 0; i < environment->size(); ++i) {
        const auto e = environment->getObject(static_cast<unsigned>(i));
        const auto line =
            e->getValue<std::string>("name") + "=" + e->getValue<std::string>("value");
        EXPECT_TRUE(contains(etcEnvironment, "\n" + line + "\n")) << line;
        EXPECT_TRUE(contains(profileD, "export " + line)) << line;
    }

    const auto files = report->getObject("desired")->getArray("userFiles");
    EXPECT_GE(files->size(), 4u);
    for (std::size_t i = 0; i < files->size(); ++i) {
        const auto path =
            files->getObject(static_cast<unsigned>(i))->getValue<std::string>("linux");
        if (path.rfind("~/", 0) != 0) continue;
        for (const char* home : {"home/alice/", "home/bob/", "home/erin/"})
            EXPECT_TRUE(fs::exists(dir() + "/" + home + path.substr(2))) << home << path;
    }

    const auto tools = report->getArray("tools");
    std::size_t named = 0;
    for (std::size_t i = 0; i < tools->size(); ++i) {
        const auto t = tools->getObject(static_cast<unsigned>(i));
        if (!t->getValue<bool>("named")) continue;
        ++named;
        EXPECT_EQ(t->getValue<std::string>("verdict"), "compliant")
            << t->getValue<std::string>("tool") << ": " << t->getValue<std::string>("reason");
    }
    EXPECT_GE(named, 20u);

    fs::remove(dir() + "/etc/metalama/policies/managed/50-tools.json");
    const auto restored = agent({"apply"});
    EXPECT_EQ(restored.exitCode, 0) << restored.out << restored.err;
    EXPECT_EQ(describeDifferences(before, snapshot(dir())), "");
}

// macOS: a Mac-shaped root with one local account; the MDM's managed preferences carry the
// policies.
class ToolPolicyEnforcementMac : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the tree gives files to a user: needs root";
        root.write("etc/login.defs", "UID_MIN 500\n");
        writeMacUserRecord(root, "", "alice", 501, "/Users/alice");
        makeMacHome(root, "", "/Users/alice", 501);
        root.mkdirs("private/etc");
        root.mkdirs("Library/Application Support");
        before = snapshot(root.path());
    }
    ProcessResult agent(std::vector<std::string> args) {
        args.insert(args.begin(), {"--platform", "macos"});
        return runAgent(root.path(), args);
    }
    ScratchDir root;
    TreeSnapshot before;
};

TEST_F(ToolPolicyEnforcementMac, ManagedPreferencesSetEveryToolAndTheirRemovalRestores) {
    std::string body;
    for (const auto& name : mandatoryToolPolicies()) body += "<key>" + name + "</key><true/>";
    const std::string plist = "Library/Managed Preferences/com.postsharp.metalama.plist";
    root.write(plist, xmlPlist("<dict>" + body + "</dict>\n"), 0644);
    before = snapshot(root.path());
    before.erase(plist);

    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    const auto zshenv = root.read("private/etc/zshenv");
    for (const char* line :
         {"DOTNET_CLI_TELEMETRY_OPTOUT=1", "AZURE_CORE_COLLECT_TELEMETRY=false", "DO_NOT_TRACK=1"})
        EXPECT_TRUE(contains(zshenv, std::string("export ") + line)) << zshenv;
    EXPECT_TRUE(contains(root.read("Users/alice/.azure/config"), "collect_telemetry = false"));

    fs::remove(root.abs(plist));
    const auto restored = agent({"apply"});
    EXPECT_NE(restored.exitCode, -1) << restored.out << restored.err;
    EXPECT_EQ(describeDifferences(before, snapshot(root.path())), "");
}

}  // namespace
}  // namespace mpa::test
