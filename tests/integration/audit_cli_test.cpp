// The auditor's commands on the real binary over a demo root: report (text, json, csv), verify
// (intact, then tampered), compliance --format intune and the Linux discovery script, and the
// fleet view queried read-only (as osquery does) while passes write.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "support/store_samples.hpp"

namespace mpa::test {
namespace {

class AuditCli : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", root.abs("r")});
        ASSERT_EQ(made.exitCode, 0) << made.err;
        const auto applied = agent({"apply"});
        ASSERT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    }
    ProcessResult agent(const std::vector<std::string>& args) {
        return runAgent(root.abs("r"), args);
    }
    std::string database() const {
        return root.abs("r/var/lib/metalama-policy-agent/compliance.db");
    }
    static Poco::JSON::Object::Ptr json(const std::string& text) {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }

    ScratchDir root;
};

TEST_F(AuditCli, ReportListsTheEventsInEveryFormat) {
    const auto text = agent({"report"});
    EXPECT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("remediated  /etc/environment"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("repaired malformed file  dave"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("No policy can disable Metalama's license audit"), std::string::npos);

    const auto report = agent({"report", "--format", "json", "--since", "2000-01-01"});
    ASSERT_EQ(report.exitCode, 0) << report.err;
    const auto events = json(report.out)->getArray("events");
    ASSERT_GT(events->size(), 5u);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("kind"), "policy changed");

    const auto csv = agent({"report", "--format=csv"});
    EXPECT_EQ(csv.out.rfind("id,at,kind,subject,details,hash\r\n", 0), 0u) << csv.out;

    const auto future = agent({"report", "--format", "json", "--since", "2200-01-01"});
    EXPECT_EQ(json(future.out)->getArray("events")->size(), 0u);
    const auto bad = agent({"report", "--since", "yesterday"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("yesterday"), std::string::npos);
}

TEST_F(AuditCli, VerifyPassesThenNamesTheEditedEvent) {
    const auto ok = agent({"verify"});
    EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("intact"), std::string::npos);
    // The independent check (sqlite3 and sha256sum only) agrees.
    const auto script = sourceDir() + "/scripts/verify-compliance-chain.sh";
    const auto independent = runProcess({script, database()});
    EXPECT_EQ(independent.exitCode, 0) << independent.out << independent.err;
    EXPECT_NE(independent.out.find("intact"), std::string::npos);
    EXPECT_NE(independent.out.find("sealed_state: matches the last seal"), std::string::npos)
        << independent.out;
    {  // An edited sealed row (what the fleet views show) is caught by the script too.
        ScratchDir copy;
        const auto forged = copy.abs("compliance.db");
        std::filesystem::copy_file(database(), forged);
        execSql(forged, "UPDATE sealed_state SET verdict = verdict || ' '");
        const auto edited = runProcess({script, forged});
        EXPECT_EQ(edited.exitCode, 1) << edited.out << edited.err;
        EXPECT_EQ(edited.out.rfind("sealed_state: sha256 is", 0), 0u) << edited.out;
    }
    execSql(database(),
            "UPDATE events SET body = replace(body, 'remediated', 'compliant') WHERE id = 4");
    const auto bad = agent({"verify", "--json"});
    EXPECT_EQ(bad.exitCode, 3) << bad.out;
    const auto result = json(bad.out);
    EXPECT_FALSE(result->getValue<bool>("intact"));
    EXPECT_EQ(result->getValue<Poco::Int64>("first_bad_event"), 4);
    EXPECT_NE(result->getValue<std::string>("message").find("event 4"), std::string::npos);
    const auto caught = runProcess({script, database()});
    EXPECT_EQ(caught.exitCode, 1) << caught.out << caught.err;
    EXPECT_EQ(caught.out.rfind("event 4:", 0), 0u) << caught.out;
}

TEST_F(AuditCli, ComplianceIsOneLineForIntuneAndTheDiscoveryScriptPassesItOn) {
    const auto line = agent({"compliance", "--format", "intune"});
    ASSERT_EQ(line.exitCode, 0) << line.err;
    ASSERT_EQ(line.out.find('\n'), line.out.size() - 1) << line.out;
    const auto summary = json(line.out);
    EXPECT_TRUE(summary->getValue<bool>("AgentHealthy")) << line.out;
    EXPECT_TRUE(summary->getValue<bool>("TelemetryOptOutEnforced"));
    EXPECT_TRUE(summary->getValue<bool>("EnvironmentVariableSet"));
    EXPECT_EQ(summary->getValue<Poco::Int64>("LicenseAuditProfiles"), 1) << "erin's key";
    EXPECT_EQ(summary->getValue<Poco::Int64>("ProfilesCompliantPercent"), 100);

    // The script as Intune runs it, pointed at this build and demo root through a wrapper.
    root.write("agent-wrapper",
               "#!/bin/sh\nexec '" + agentBinary() + "' --root '" + root.abs("r") + "' \"$@\"\n",
               0755);
    const auto script =
        runProcess({"/usr/bin/env", "METALAMA_POLICY_AGENT=" + root.abs("agent-wrapper"),
                    sourceDir() + "/installer/intune/discovery-linux.sh"});
    EXPECT_EQ(script.exitCode, 0) << script.err;
    EXPECT_EQ(json(script.out)->getNames(), summary->getNames());
    const auto missing = runProcess({"/usr/bin/env", "METALAMA_POLICY_AGENT=/nonexistent",
                                     sourceDir() + "/installer/intune/discovery-linux.sh"});
    EXPECT_FALSE(json(missing.out)->getValue<bool>("AgentHealthy"));
}

// docs/fleet.md's osquery query, on a read-only connection (osquery opens the file read-only),
// repeated while the agent runs passes that change what it reads.
TEST_F(AuditCli, TheFleetViewReadsConsistentlyWhileTheAgentWrites) {
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 6; ++i) {
            root.write("r/etc/environment",
                       i % 2 ? "LANG=C\n" : "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=1\n");
            agent({"apply"});
        }
        done = true;
    });
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(("file:" + database() + "?mode=ro").c_str(), &db,
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr),
              SQLITE_OK);
    int reads = 0, failures = 0;
    std::string lastError;
    while (!done || reads == 0) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db,
                                    "SELECT target, subject, user, policy, desired, observed, "
                                    "state, checked_at FROM compliance_current",
                                    -1, &stmt, nullptr);
        int rows = 0;
        if (rc == SQLITE_OK)
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ++rows;
        if (rc != SQLITE_DONE || rows == 0) {
            ++failures;
            lastError = sqlite3_errmsg(db);
        }
        sqlite3_finalize(stmt);
        ++reads;
    }
    writer.join();
    sqlite3_close(db);
    EXPECT_EQ(failures, 0) << lastError << " (" << reads << " reads)";
    EXPECT_GT(reads, 1);
    EXPECT_EQ(agent({"verify"}).exitCode, 0);
}

}  // namespace
}  // namespace mpa::test
