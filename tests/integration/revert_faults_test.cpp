// Revert always works, with the real binary on a scratch root: a damaged ledger entry fails
// that subject only, and after the database is lost the agent's own recognisable artefacts
// (its exact line in /etc/environment, its profile.d file and other files it writes whole) are
// still removed.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDbDir = "var/lib/metalama-policy-agent";
constexpr const char* kAlice = "home/alice/.local/share/Metalama/telemetry.json";
constexpr const char* kBob = "home/bob/.config/.metalama/telemetry.json";  // his 0 forced to 2

class RevertFaults : public DemoRootTest {
  protected:
    void SetUp() override {
        DemoRootTest::SetUp();
        if (setUpStopped()) return;
        before = snapshotTree(dir(), {kDbDir});
        const auto apply = agent({"apply"});
        ASSERT_EQ(apply.exitCode, 0) << apply.out << apply.err;
        ASSERT_NE(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
    }

    TreeSnapshot before;
};

TEST_F(RevertFaults, ADamagedLedgerValueFailsThatSubjectOnly) {
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
    const auto db = dir() + "/" + kDbDir + "/compliance.db";
    const auto changed = runProcess({"/usr/bin/sqlite3", db,
                                     "UPDATE ledger SET value = '{not json' WHERE subject LIKE "
                                     "'%/alice/%#UsageReportingAction'; "
                                     "SELECT changes();"});
    ASSERT_EQ(changed.out, "1\n") << changed.out << changed.err;
    const auto revert = agent({"revert"});
    EXPECT_EQ(revert.exitCode, 1) << revert.out << revert.err;
    EXPECT_EQ(revert.out.find("internal error"), std::string::npos) << revert.out;
    EXPECT_NE(revert.out.find("the recorded prior value of UsageReportingAction is not valid JSON"),
              std::string::npos)
        << revert.out;
    // Everything else came back.
    EXPECT_EQ(read("etc/environment"), before.at("etc/environment").content);
    EXPECT_FALSE(std::filesystem::exists(dir() + "/etc/profile.d/zz-metalama-telemetry.sh"));
    EXPECT_NE(read(kBob).find("\"UsageReportingAction\": 0"), std::string::npos) << read(kBob);
    // Alice's other keys came back; the damaged one is left as the agent set it.
    EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos);
    EXPECT_NE(read(kAlice).find("\"ExceptionReportingAction\": 1"), std::string::npos)
        << read(kAlice);
}

TEST_F(RevertFaults, AfterTheDatabaseIsLostTheAgentsOwnArtefactsStillGo) {
    std::filesystem::remove_all(dir() + "/" + kDbDir);
    const auto revert = agent({"revert"});
    EXPECT_EQ(revert.exitCode, 0) << revert.out << revert.err;
    EXPECT_EQ(read("etc/environment"), before.at("etc/environment").content);
    EXPECT_FALSE(std::filesystem::exists(dir() + "/etc/profile.d/zz-metalama-telemetry.sh"));
    const auto after = snapshotTree(dir(), {kDbDir});
    // The template for new profiles (etc/skel) cannot be told from an administrator's own
    // without the ledger, and stays; every other file the agent wrote under /etc goes.
    for (const auto& [path, entry] : after) {
        if (path.rfind("etc/", 0) != 0 || path.rfind("etc/skel/", 0) == 0) continue;
        EXPECT_TRUE(before.count(path)) << "left behind: " << path << "\n" << entry.content;
    }
    EXPECT_NE(revert.out.find("recognised by its content"), std::string::npos) << revert.out;
}

// A revert the running service would undo within seconds is refused, saying why and what to do;
// without a policy in force it goes ahead.
TEST_F(RevertFaults, WhileTheServiceRunsAndAPolicyIsInForceRevertRefuses) {
    auto service = startAgent(dir(), {"run"});
    ASSERT_NE(service->waitForOutput("pass 1: trigger start", 20), std::string::npos)
        << service->output();
    const auto revert = agent({"revert"});
    EXPECT_EQ(revert.exitCode, 1) << revert.out << revert.err;
    EXPECT_NE(revert.err.find("the service is running (process " + std::to_string(service->pid())),
              std::string::npos)
        << revert.err;
    EXPECT_NE(revert.err.find("Stop the service first"), std::string::npos) << revert.err;
    EXPECT_NE(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(20), 0) << service->output();
    const auto after = agent({"revert"});
    EXPECT_EQ(after.exitCode, 0) << after.out << after.err;
    EXPECT_EQ(read("etc/environment"), before.at("etc/environment").content);
}

}  // namespace
}  // namespace mpa::test
