// The real binary against scratch roots built by the demo script: one pass end to end, the
// second pass, dry run, audit only, refused policy files, last known good, restore and revert.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/restored_tree.hpp"
#include "support/scratch_dir.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDatabase = "var/lib/metalama-policy-agent";
constexpr const char* kAlice = "home/alice/.local/share/Metalama/telemetry.json";

class ApplyCli : public DemoRootTest {
  protected:
    void write(const std::string& rel, const std::string& content, unsigned mode = 0644) {
        root.write("r/" + rel, content, mode);
    }
    TreeSnapshot snapshot() const { return snapshotTree(dir(), {kDatabase}); }
    Poco::JSON::Object::Ptr json(const std::string& text) {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }
};

TEST_F(ApplyCli, OnePassEnforcesEverythingAndTheSecondChangesNothing) {
    const auto first = agent({"apply"});
    EXPECT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("Verdict: compliant"), std::string::npos) << first.out;
    EXPECT_NE(read("etc/environment").find("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"), std::string::npos);
    EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos);
    struct stat db {};
    ASSERT_EQ(::stat((dir() + "/" + kDatabase + "/compliance.db").c_str(), &db), 0);
    EXPECT_EQ(db.st_mode & 07777, 0600u);

    const auto before = snapshot();
    const auto second = agent({"apply"});
    EXPECT_EQ(second.exitCode, 0) << second.out;
    EXPECT_EQ(describeDifferences(before, snapshot()), "");
    EXPECT_EQ(second.out.find("[remediated]"), std::string::npos) << second.out;

    const auto status = agent({"status", "--json"});
    EXPECT_EQ(status.exitCode, 0) << status.out << status.err;
    const auto parsed = json(status.out);
    EXPECT_EQ(parsed->getValue<std::string>("verdict"), "compliant");
    const auto optOut =
        parsed->getObject("policy")->getObject("values")->getObject("TelemetryOptOut");
    ASSERT_TRUE(optOut);
    EXPECT_EQ(optOut->getObject("from")->getValue<std::string>("origin"),
              "/etc/metalama/policies/managed/10-telemetry.json:2");
}

TEST_F(ApplyCli, DryRunPrintsThePlanAndChangesNothingNotEvenTheDatabase) {
    const auto before = snapshotTree(dir());
    const auto plan = agent({"apply", "--dry-run"});
    EXPECT_EQ(plan.exitCode, 3) << plan.out << plan.err;
    EXPECT_NE(plan.out.find("+ \"UsageReportingAction\": 2"), std::string::npos) << plan.out;
    EXPECT_NE(plan.out.find("+METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos) << plan.out;
    EXPECT_EQ(describeDifferences(before, snapshotTree(dir())), "");
}

TEST_F(ApplyCli, RemovingThePolicyRestoresTheMachine) {
    const auto before = snapshot();
    ASSERT_EQ(agent({"apply"}).exitCode, 0);
    std::filesystem::remove(dir() + "/etc/metalama/policies/managed/10-telemetry.json");
    std::filesystem::remove(dir() + "/etc/metalama/policies/recommended/50-defaults.yaml");
    const auto restore = agent({"apply"});
    EXPECT_EQ(restore.exitCode, 4) << restore.out;  // nothing is managed any more
    EXPECT_EQ(describeNotRestored(before, snapshot()), "");
    // The malformed file stays set aside, beside a replacement without the agent's keys.
    EXPECT_EQ(read("home/dave/.local/share/Metalama/telemetry.json").find("Reporting"),
              std::string::npos);
}

TEST_F(ApplyCli, AuditOnlyRecordsNonComplianceAndChangesNothing) {
    write("etc/metalama/policies/managed/20-audit.yaml", "EnforcementMode: AuditOnly\n");
    const auto before = snapshot();
    const auto audit = agent({"apply"});
    EXPECT_EQ(audit.exitCode, 3) << audit.out;
    EXPECT_NE(audit.out.find("audit-only"), std::string::npos);
    EXPECT_EQ(describeDifferences(before, snapshot()), "");
    EXPECT_EQ(agent({"status"}).exitCode, 3);
}

TEST_F(ApplyCli, AWorldWritablePolicyFileIsRefusedAndTheOthersStillApply) {
    write("etc/metalama/policies/managed/90-evil.json", "{\"TelemetryOptOut\": false}", 0666);
    const auto pass = agent({"apply"});
    EXPECT_EQ(pass.exitCode, 0) << pass.out;
    EXPECT_NE(pass.out.find("/etc/metalama/policies/managed/90-evil.json: the file is writable by "
                            "group or others (mode 0666); refused"),
              std::string::npos)
        << pass.out;
    EXPECT_NE(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
}

TEST_F(ApplyCli, ABrokenPolicyFileKeepsTheLastKnownGoodPolicy) {
    ASSERT_EQ(agent({"apply"}).exitCode, 0);
    write("etc/metalama/policies/managed/10-telemetry.json", "{\"TelemetryOptOut\": tru");
    const auto pass = agent({"apply"});
    EXPECT_EQ(pass.exitCode, 0) << pass.out;
    EXPECT_NE(pass.out.find("kept from the last known good policy"), std::string::npos) << pass.out;
    EXPECT_NE(pass.out.find("10-telemetry.json: not parseable: line 1"), std::string::npos)
        << pass.out;
    EXPECT_NE(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
    EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos);
}

TEST_F(ApplyCli, RevertRestoresEverythingTheAgentChanged) {
    const auto before = snapshot();
    ASSERT_EQ(agent({"apply"}).exitCode, 0);
    const auto revert = agent({"revert"});
    EXPECT_EQ(revert.exitCode, 0) << revert.out << revert.err;
    EXPECT_EQ(read("etc/environment"), before.at("etc/environment").content);
    EXPECT_FALSE(std::filesystem::exists(dir() + "/etc/profile.d/zz-metalama-telemetry.sh"));
    EXPECT_FALSE(std::filesystem::exists(dir() + "/home/carol/.local"));
    EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 1"), std::string::npos);
}

TEST_F(ApplyCli, UsageErrorsAndNotManagedHaveTheirExitCodes) {
    EXPECT_EQ(agent({"frobnicate"}).exitCode, 2);
    EXPECT_EQ(agent({"apply", "--bogus"}).exitCode, 2);
    EXPECT_EQ(runProcess({agentBinary(), "--help"}).exitCode, 0);
    EXPECT_NE(runProcess({agentBinary(), "--version"}).out.find("metalama-policy-agent "),
              std::string::npos);
    std::filesystem::remove_all(dir() + "/etc/metalama/policies");
    EXPECT_EQ(agent({"status"}).exitCode, 4);
    EXPECT_EQ(agent({"apply"}).exitCode, 4);
}

TEST_F(ApplyCli, AnAgentConfigurationThatOthersCanWriteIsRefused) {
    write("etc/metalama/agent.yaml", "database: /tmp/elsewhere.db\n", 0666);
    const auto result = agent({"status"});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("agent.yaml: must be owned by root"), std::string::npos)
        << result.err;
}

// A home the agent cannot read: the agent runs unprivileged (as nobody, like root on an NFS
// home with root_squash) over a root that nobody owns, with one home it may not enter.
TEST_F(ApplyCli, AnUnreadableHomeIsAFailedFindingAndTheOthersAreStillDone) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "setpriv not available";
    ScratchDir unprivileged;
    const auto r = unprivileged.abs("r");
    unprivileged.write(
        "r/etc/passwd",
        "alice:x:65534:65534::/home/alice:/bin/sh\nbob:x:65534:65534::/home/bob:/bin/sh\n");
    unprivileged.write("r/etc/login.defs", "UID_MIN 1000\nUID_MAX 65534\n");
    unprivileged.write("r/etc/metalama/policies/managed/10.json", "{\"TelemetryOptOut\": true}");
    unprivileged.mkdirs("r/home/alice");
    unprivileged.mkdirs("r/home/bob");
    unprivileged.mkdirs("r/var/lib");
    for (const auto& p : std::filesystem::recursive_directory_iterator(unprivileged.path()))
        ASSERT_EQ(::lchown(p.path().c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chown(unprivileged.path().c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chmod((r + "/home/bob").c_str(), 0), 0);
    const auto result = runProcess({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                    "--clear-groups", agentBinary(), "--root", r, "apply"});
    EXPECT_EQ(result.exitCode, 3) << result.out << result.err;
    EXPECT_NE(result.out.find("[failed] telemetry-json /home/bob"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("Permission denied"), std::string::npos) << result.out;
    struct stat st {};
    EXPECT_EQ(::stat((r + "/home/alice/.local/share/Metalama/telemetry.json").c_str(), &st), 0)
        << result.out;
}

}  // namespace
}  // namespace mpa::test
