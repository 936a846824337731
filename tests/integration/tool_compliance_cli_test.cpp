// Compliance per tool with the real binary: a database holding a pass about three tools (one
// non-compliant), read by `status` (text and JSON), `compliance` (the Intune line) and the
// osquery view compliance_tools (the database attached read-only with the sqlite3 CLI, as
// osquery's ATC does); a forged tool is named by `verify`.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "store/compliance_store.hpp"
#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa::test {
namespace {

class ToolComplianceCli : public ::testing::Test {
  protected:
    void SetUp() override {
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
        // The policy the pass was decided from, so status reads it unchanged.
        root.write("etc/metalama/policies/managed/10-it.json", "{\"TelemetryOptOut\": true}\n");
        auto store = openStore(db());
        ASSERT_TRUE(store);
        ASSERT_TRUE(succeeded(store->recordPass(toolsPass("2026-03-01T10:00:00Z", false))));
    }
    ProcessResult agent(const std::vector<std::string>& args) {
        return runAgent(root.path(), args);
    }
    std::string db() const { return root.abs("var/lib/metalama-policy-agent/compliance.db"); }
    std::string fleetRead(const std::string& select) {
        const auto read =
            runProcess({"/usr/bin/sqlite3", "-batch",
                        ":memory:", "ATTACH 'file:" + db() + "?mode=ro' AS agent; " + select});
        EXPECT_EQ(read.exitCode, 0) << read.err;
        return read.out;
    }

    ScratchDir root;
};

TEST_F(ToolComplianceCli, StatusTheIntuneLineAndTheViewGiveEachToolsVerdict) {
    const auto status = agent({"status"});
    EXPECT_EQ(status.exitCode, 3) << status.out << status.err;
    EXPECT_NE(status.out.find("Tools\n"
                              "  metalama: compliant, 2 of 2 finding(s) compliant (policy "
                              "TelemetryOptOut)\n"
                              "  dotnet-sdk: not managed, 2 of 2 finding(s) compliant\n"
                              "  powershell: non-compliant, 1 of 2 finding(s) compliant; 1 of 2 "
                              "finding(s) not compliant\n"),
              std::string::npos)
        << status.out;
    EXPECT_EQ(status.out.find("the policy changed since"), std::string::npos) << status.out;

    const auto json = agent({"status", "--json"});
    EXPECT_EQ(json.exitCode, 3) << json.err;
    const auto doc = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Object::Ptr>();
    const auto tools = doc->getArray("tools");
    ASSERT_TRUE(tools);
    ASSERT_EQ(tools->size(), 3u) << json.out;
    const auto metalama = tools->getObject(0), dotnet = tools->getObject(1),
               pwsh = tools->getObject(2);
    EXPECT_EQ(metalama->getValue<std::string>("tool"), "metalama");
    EXPECT_EQ(metalama->getValue<std::string>("verdict"), "compliant");
    EXPECT_EQ(metalama->getValue<std::string>("policy"), "TelemetryOptOut");
    EXPECT_TRUE(metalama->getValue<bool>("named"));
    EXPECT_EQ(dotnet->getValue<std::string>("tool"), "dotnet-sdk");
    EXPECT_EQ(dotnet->getValue<std::string>("verdict"), "not managed");
    EXPECT_EQ(pwsh->getValue<std::string>("tool"), "powershell");
    EXPECT_EQ(pwsh->getValue<std::string>("verdict"), "non-compliant");
    EXPECT_EQ(pwsh->getValue<int>("findings"), 2);
    EXPECT_EQ(pwsh->getValue<int>("compliant"), 1);
    EXPECT_EQ(pwsh->getValue<int>("nonCompliant"), 1);
    EXPECT_EQ(doc->getArray("findings")->getObject(5)->getValue<std::string>("tool"), "powershell");
    EXPECT_EQ(doc->getArray("findings")->getObject(0)->getValue<std::string>("tool"), "metalama");

    const auto intune = agent({"compliance", "--format", "intune"});
    EXPECT_EQ(intune.exitCode, 0) << intune.err;
    const auto line = Poco::JSON::Parser().parse(intune.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(line->getValue<bool>("ToolsCompliant")) << intune.out;
    EXPECT_EQ(line->getValue<std::string>("ToolsNonCompliant"), "powershell");
    EXPECT_TRUE(line->getValue<bool>("ToolCompliant_metalama"));
    EXPECT_TRUE(line->getValue<bool>("ToolCompliant_dotnet_sdk"));
    EXPECT_FALSE(line->getValue<bool>("ToolCompliant_powershell"));

    EXPECT_EQ(fleetRead("SELECT tool, verdict, findings, compliant, non_compliant FROM "
                        "agent.compliance_tools"),
              "metalama|compliant|2|2|0\n"
              "dotnet-sdk|not managed|2|2|0\n"
              "powershell|non-compliant|2|1|1\n");
    EXPECT_EQ(fleetRead("SELECT tool, state FROM agent.compliance_current WHERE target = "
                        "'profile-d'"),
              "dotnet-sdk|remediated\npowershell|failed\n");
    const auto verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
}

// The auditor's check without the agent (sqlite3 and sha256sum) hashes the per-tool verdicts
// with the sealed row, and still reads a row sealed by schema 4 (no tools column).
TEST_F(ToolComplianceCli, TheIndependentCheckCoversThePerToolVerdicts) {
    const auto script = sourceDir() + "/scripts/verify-compliance-chain.sh";
    auto independent = runProcess({script, db()});
    EXPECT_EQ(independent.exitCode, 0) << independent.out << independent.err;
    EXPECT_NE(independent.out.find("sealed_state: matches the last seal"), std::string::npos)
        << independent.out;
    // A copy: even a read-only open of a WAL database leaves -shm and -wal files beside it.
    const auto v4Copy = root.abs("v4/compliance.db");
    root.write("v4/compliance.db", "");
    std::filesystem::copy_file(sourceDir() + "/tests/fixtures/store/compliance-v4.db", v4Copy,
                               std::filesystem::copy_options::overwrite_existing);
    const auto v4 = runProcess({script, v4Copy});
    EXPECT_EQ(v4.exitCode, 0) << v4.out << v4.err;
    EXPECT_NE(v4.out.find("sealed_state: matches the last seal"), std::string::npos) << v4.out;
    runProcess({"/usr/bin/sqlite3", db(),
                "UPDATE sealed_state SET tools = replace(tools, 'non-compliant', 'compliant')"});
    independent = runProcess({script, db()});
    EXPECT_EQ(independent.exitCode, 1) << independent.out;
    EXPECT_NE(independent.out.find("(edited)"), std::string::npos) << independent.out;
}

TEST_F(ToolComplianceCli, AForgedToolIsNamedByVerifyAndNotReadAsTheTruth) {
    // The forger moves PowerShell's failure to a tool the policy does not care about.
    const auto forged = runProcess(
        {"/usr/bin/sqlite3", db(),
         "UPDATE current_findings SET tool = 'gatsby' WHERE tool = 'powershell' AND outcome = "
         "'failed'; SELECT changes();"});
    ASSERT_EQ(forged.out, "1\n") << forged.err;
    const auto verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 3) << verify.out;
    EXPECT_NE(verify.out.find("tool is 'gatsby', the sealed state says 'powershell'"),
              std::string::npos)
        << verify.out;
    const auto status = agent({"status"});
    EXPECT_NE(status.out.find("does not match the state sealed"), std::string::npos) << status.out;
    // The view still shows what was sealed.
    EXPECT_EQ(fleetRead("SELECT verdict FROM agent.compliance_tools WHERE tool = 'powershell'"),
              "non-compliant\n");
    // And an edit of the sealed per-tool verdicts is caught by the row's hash.
    runProcess({"/usr/bin/sqlite3", db(),
                "UPDATE sealed_state SET tools = replace(tools, 'non-compliant', 'compliant')"});
    EXPECT_EQ(fleetRead("SELECT verdict FROM agent.compliance_tools WHERE tool = 'powershell'"),
              "compliant\n");
    const auto again = agent({"verify"});
    EXPECT_EQ(again.exitCode, 3) << again.out;
    EXPECT_NE(again.out.find("does not have the SHA-256 sealed by event"), std::string::npos)
        << again.out;
}

}  // namespace
}  // namespace mpa::test
