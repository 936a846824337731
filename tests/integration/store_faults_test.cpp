// Enforcement never waits for the store, with the real binary and real SQLite locks: while
// another process holds the database's write lock (the sqlite3 shell in BEGIN IMMEDIATE) or the
// file is immutable, `apply` enforces everything, says what it could not record and queues it
// root-only beside the database; the next pass that can write records it with its own time.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDb = "var/lib/metalama-policy-agent/compliance.db";

class StoreFaults : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", root.abs("r")});
        ASSERT_EQ(made.exitCode, 0) << made.err;
        // A first pass creates the database; then the opt-out is removed from the machine so
        // that the next pass has something to enforce.
        ASSERT_EQ(agent({"apply"}).exitCode, 0);
        ASSERT_EQ(agent({"revert"}).exitCode, 0);
        ASSERT_EQ(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT"), std::string::npos);
    }
    ProcessResult agent(const std::vector<std::string>& args) { return runAgent(dir(), args); }
    std::string dir() const { return root.abs("r"); }
    std::string db() const { return dir() + "/" + kDb; }
    std::string read(const std::string& rel) const { return root.read("r/" + rel); }
    std::string sql(const std::string& query) {
        return runProcess({"/usr/bin/sqlite3", db(), query}).out;
    }

    // A pass the store could not take: enforced, said, queued root-only.
    std::string applyWhileTheStoreRefuses() {
        const auto pass = agent({"apply"});
        EXPECT_EQ(pass.exitCode, 0) << pass.out << pass.err;
        EXPECT_NE(read("etc/environment").find("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"),
                  std::string::npos);
        EXPECT_NE(pass.err.find("not recorded yet: this pass (started "), std::string::npos)
            << pass.err;
        EXPECT_NE(pass.out.find("Store: not recorded yet"), std::string::npos) << pass.out;
        struct stat queue {};
        EXPECT_EQ(::lstat((db() + ".pending").c_str(), &queue), 0);
        EXPECT_EQ(queue.st_mode & 07777, 0600u);
        EXPECT_EQ(queue.st_uid, 0u);
        return pass.out;
    }

    // The next pass that can write records the queued one with its own time, then its own.
    void expectRecordedLater() {
        const auto runsBefore = std::stoi(sql("SELECT count(*) FROM runs"));
        const auto later = agent({"apply"});
        EXPECT_EQ(later.exitCode, 0) << later.out << later.err;
        EXPECT_NE(later.out.find("recorded what the store could not take earlier: 1 pass(es)"),
                  std::string::npos)
            << later.out;
        EXPECT_FALSE(std::filesystem::exists(db() + ".pending"));
        EXPECT_EQ(std::stoi(sql("SELECT count(*) FROM runs")), runsBefore + 2);
        // The queued pass remediated the environment: the evidence says so.
        EXPECT_NE(sql("SELECT count(*) FROM findings f JOIN runs r ON r.id = f.run_id WHERE "
                      "f.target = 'etc-environment' AND f.outcome = 'remediated'"),
                  "0\n");
        const auto verify = agent({"verify"});
        EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
    }

    ScratchDir root;
};

TEST_F(StoreFaults, AWriterHoldingTheLockDoesNotStopEnforcement) {
    // The sqlite3 shell itself holds the write lock (killing it releases the lock).
    // A busy timeout: the probes below may hold the lock for an instant while it starts.
    BackgroundProcess holder(
        {"/usr/bin/sqlite3", db(), ".timeout 10000", "BEGIN IMMEDIATE;", ".shell sleep 60"});
    // Held once another writer is refused ("database is locked").
    bool held = false;
    for (int i = 0; i < 200 && !held; ++i) {
        const auto probe = runProcess({"/usr/bin/sqlite3", db(), "BEGIN IMMEDIATE; ROLLBACK;"});
        held = probe.err.find("locked") != std::string::npos;
        if (!held) ::usleep(100 * 1000);
    }
    ASSERT_TRUE(held) << holder.output();
    applyWhileTheStoreRefuses();
    holder.signal(SIGKILL);
    holder.waitForExit(10);
    expectRecordedLater();
}

// The service too: a pass whose store is locked enforces and queues; a later pass (SIGHUP) that
// can write records the queue first.
TEST_F(StoreFaults, TheServiceEnforcesWhileTheStoreIsLockedAndRecordsLater) {
    // A busy timeout: the probes below may hold the lock for an instant while it starts.
    BackgroundProcess holder(
        {"/usr/bin/sqlite3", db(), ".timeout 10000", "BEGIN IMMEDIATE;", ".shell sleep 60"});
    bool held = false;
    for (int i = 0; i < 200 && !held; ++i) {
        const auto probe = runProcess({"/usr/bin/sqlite3", db(), "BEGIN IMMEDIATE; ROLLBACK;"});
        held = probe.err.find("locked") != std::string::npos;
        if (!held) ::usleep(100 * 1000);
    }
    ASSERT_TRUE(held) << holder.output();
    auto service = startAgent(dir(), {"run", "--settle-ms", "100"});
    const auto first = service->waitForOutput("pass 1: ", 30);
    ASSERT_NE(first, std::string::npos) << service->output();
    EXPECT_NE(service->output().find("cannot be written"), std::string::npos) << service->output();
    EXPECT_NE(read("etc/environment").find("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(db() + ".pending"));
    holder.signal(SIGKILL);
    holder.waitForExit(10);
    service->signal(SIGHUP);
    ASSERT_NE(service->waitForOutput("pass 2: ", 30, first), std::string::npos)
        << service->output();
    EXPECT_FALSE(std::filesystem::exists(db() + ".pending")) << service->output();
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(20), 0) << service->output();
    EXPECT_EQ(agent({"verify"}).exitCode, 0);
}

TEST_F(StoreFaults, AnImmutableDatabaseDoesNotStopEnforcement) {
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/chattr", "e2fsprogs"));
    const auto set = runProcess({"/usr/bin/chattr", "+i", db()});
    if (set.exitCode != 0) GTEST_SKIP() << "this file system has no immutable flag: " << set.err;
    struct Unset {  // else the scratch directory could not be removed after a failure
        std::string path;
        ~Unset() { runProcess({"/usr/bin/chattr", "-i", path}); }
    } unset{db()};
    const auto out = applyWhileTheStoreRefuses();
    EXPECT_EQ(out.find("within a transaction"), std::string::npos) << out;
    ASSERT_EQ(runProcess({"/usr/bin/chattr", "-i", db()}).exitCode, 0);
    expectRecordedLater();
}

}  // namespace
}  // namespace mpa::test
