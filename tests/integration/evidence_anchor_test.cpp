// The chain head kept beside the database, with the real binary and real SQLite edits: a cut
// tail fails a plain `verify`; a deleted database starts a new history that records the lost
// one and `status` says so until acknowledged; a missing system log is said, not silent.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDbDir = "var/lib/metalama-policy-agent";

class EvidenceAnchor : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", root.abs("r")});
        ASSERT_EQ(made.exitCode, 0) << made.err;
        first = agent({"apply"});
        ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    }
    ProcessResult agent(const std::vector<std::string>& args) { return runAgent(dir(), args); }
    std::string dir() const { return root.abs("r"); }
    std::string db() const { return dir() + "/" + kDbDir + "/compliance.db"; }

    ScratchDir root;
    ProcessResult first;
};

TEST_F(EvidenceAnchor, TheSidecarIsRootOnlyAndHoldsTheHead) {
    struct stat st {};
    ASSERT_EQ(::lstat((db() + ".head").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    const auto head = runProcess({"/usr/bin/sqlite3", db(), "SELECT max(id) FROM events"}).out;
    EXPECT_EQ(root.read("r/" + std::string(kDbDir) + "/compliance.db.head")
                  .rfind("event " + head.substr(0, head.size() - 1) + " ", 0),
              0u);
    const auto verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("checked against"), std::string::npos) << verify.out;
}

TEST_F(EvidenceAnchor, ACutTailFailsAPlainVerify) {
    const auto cut = runProcess(
        {"/usr/bin/sqlite3", db(),
         "DELETE FROM events WHERE id = (SELECT max(id) FROM events); SELECT changes();"});
    ASSERT_EQ(cut.out, "1\n") << cut.err;
    const auto verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 3) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("compliance.db.head"), std::string::npos) << verify.out;
}

TEST_F(EvidenceAnchor, ADeletedDatabaseIsALostHistoryUntilAcknowledged) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db() + suffix);
    // Enforced, and said as a problem of the store (like a recovered database: exit 1).
    const auto again = agent({"apply"});
    EXPECT_EQ(again.exitCode, 1) << again.out << again.err;
    EXPECT_NE(again.out.find("a previous history existed (event "), std::string::npos) << again.out;
    auto status = agent({"status"});
    EXPECT_NE(status.out.find("HISTORY LOST: a previous history existed"), std::string::npos)
        << status.out;
    EXPECT_NE(runProcess({"/usr/bin/sqlite3", db(),
                          "SELECT count(*) FROM events WHERE kind = 'history lost'"})
                  .out,
              "0\n");
    EXPECT_EQ(agent({"verify"}).exitCode, 0);
    const auto ack = agent({"status", "--acknowledge-history-loss"});
    EXPECT_EQ(ack.exitCode, 0) << ack.out << ack.err;
    status = agent({"status"});
    EXPECT_EQ(status.out.find("HISTORY LOST"), std::string::npos) << status.out;
    EXPECT_NE(runProcess({"/usr/bin/sqlite3", db(),
                          "SELECT count(*) FROM events WHERE kind = 'history loss acknowledged'"})
                  .out,
              "0\n");
    EXPECT_EQ(agent({"verify"}).exitCode, 0);
}

// What status and Intune read is checked against the state sealed in the chain at read time: a
// forged row cannot turn a failing machine compliant, nor be read as the truth.
TEST_F(EvidenceAnchor, ForgedRowsAreNotReadAsTheTruth) {
    auto status = agent({"status"});
    EXPECT_EQ(status.out.find("does not match the state sealed"), std::string::npos) << status.out;
    const auto forged = runProcess(
        {"/usr/bin/sqlite3", db(),
         "UPDATE current_findings SET outcome = 'failed' WHERE rowid = (SELECT min(rowid) FROM "
         "current_findings); SELECT changes();"});
    ASSERT_EQ(forged.out, "1\n") << forged.err;
    status = agent({"status"});
    EXPECT_EQ(status.exitCode, 3) << status.out;
    EXPECT_NE(status.out.find("the recorded state does not match the state sealed in the event "
                              "chain"),
              std::string::npos)
        << status.out;
    const auto intune = agent({"compliance", "--format", "intune"});
    EXPECT_NE(intune.out.find("\"Verdict\":\"non-compliant\""), std::string::npos) << intune.out;

    runProcess({"/usr/bin/sqlite3", db(),
                "UPDATE current_findings SET outcome = 'compliant'; UPDATE runs SET verdict = "
                "'non-compliant'"});
    status = agent({"status"});
    EXPECT_NE(status.out.find("does not match the state sealed"), std::string::npos) << status.out;
}

// What osquery's ATC does: the database attached read-only, the view selected from it.
std::string fleetRead(const std::string& db, const std::string& select) {
    const auto read =
        runProcess({"/usr/bin/sqlite3", "-batch",
                    ":memory:", "ATTACH 'file:" + db + "?mode=ro' AS agent; " + select});
    EXPECT_EQ(read.exitCode, 0) << read.err;
    return read.out;
}

TEST_F(EvidenceAnchor, TheFleetViewsReadOnlyTheSealedStateAndVerifyNamesForgedRows) {
    // A failing profile: alice's telemetry.json is a symlink the agent refuses.
    const std::string metalama = "r/home/alice/.local/share/Metalama/";
    root.write(metalama + "elsewhere.json", "{}\n");
    ASSERT_EQ(::unlink(root.abs(metalama + "telemetry.json").c_str()), 0);
    root.symlink("elsewhere.json", metalama + "telemetry.json");
    const auto failing = agent({"apply"});
    ASSERT_EQ(failing.exitCode, 3) << failing.out << failing.err;
    const std::string aliceState =
        "SELECT state FROM agent.compliance_current WHERE subject LIKE "
        "'%/alice/.local/share/Metalama/telemetry.json' AND target = 'telemetry-json'";
    const std::string passVerdict = "SELECT verdict FROM agent.compliance_pass";
    ASSERT_EQ(fleetRead(db(), aliceState), "failed\n");
    ASSERT_EQ(fleetRead(db(), passVerdict), "non-compliant\n");
    auto verify = agent({"verify"});
    ASSERT_EQ(verify.exitCode, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("sealed state: the recorded state matches"), std::string::npos)
        << verify.out;

    // The forger edits what status and the old view read.
    const auto forged = runProcess(
        {"/usr/bin/sqlite3", db(),
         "UPDATE current_findings SET outcome = 'compliant', reason = '' WHERE outcome <> "
         "'compliant'; UPDATE runs SET verdict = 'compliant'; SELECT changes();"});
    ASSERT_EQ(forged.exitCode, 0) << forged.err;
    ASSERT_NE(forged.out, "0\n");
    EXPECT_EQ(fleetRead(db(), aliceState), "failed\n");
    EXPECT_EQ(fleetRead(db(), passVerdict), "non-compliant\n");
    EXPECT_EQ(fleetRead(db(),
                        "SELECT count(*) FROM agent.compliance_current WHERE state = "
                        "'compliant' AND subject LIKE '%/alice/%telemetry.json'"),
              "0\n");
    verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 3) << verify.out;
    EXPECT_NE(verify.out.find("intact"), std::string::npos) << "the chain itself is intact";
    EXPECT_NE(verify.out.find("current_findings row"), std::string::npos) << verify.out;
    EXPECT_NE(verify.out.find("alice/.local/share/Metalama/telemetry.json): outcome is "
                              "'compliant', the sealed state says 'failed'"),
              std::string::npos)
        << verify.out;
    EXPECT_NE(verify.out.find("verdict 'compliant', but event"), std::string::npos) << verify.out;

    // Forging the sealed row too fools plain SQL, but not verify: its hash is in the chain.
    runProcess({"/usr/bin/sqlite3", db(),
                "UPDATE sealed_state SET verdict = 'compliant', findings = "
                "replace(findings, '\"failed\"', '\"compliant\"')"});
    EXPECT_EQ(fleetRead(db(), passVerdict), "compliant\n");
    verify = agent({"verify", "--json"});
    EXPECT_EQ(verify.exitCode, 3) << verify.out;
    EXPECT_NE(
        verify.out.find(
            "sealed_state (what compliance_current, compliance_pass and compliance_tools show) "
            "does not have the SHA-256 sealed by event"),
        std::string::npos)
        << verify.out;
    EXPECT_NE(verify.out.find("\"intact\": false"), std::string::npos) << verify.out;
}

TEST_F(EvidenceAnchor, WithoutASystemLogTheChainHeadIsNotDroppedSilently) {
    struct stat st {};
    if (::stat("/dev/log", &st) == 0) GTEST_SKIP() << "this machine has a system log socket";
    const auto pass = agent({"--log-destination", "console", "apply"});
    EXPECT_NE((pass.out + pass.err).find("the system log did not take the chain head"),
              std::string::npos)
        << pass.out << pass.err;
}

}  // namespace
}  // namespace mpa::test
