// The privacy floor, per policy, with the real binary on a scratch root: whatever makes a policy
// input unusable (it does not parse, it is empty, it is not a regular file, its owner or mode is
// refused) keeps the last known good value of the policy, even while a weaker source that still
// reads says otherwise. And an account database that selects no one is never "compliant".
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr const char* kManaged = "etc/metalama/policies/managed/10-telemetry.json";
constexpr const char* kAlice = "home/alice/.local/share/Metalama/telemetry.json";

class PrivacyFloor : public DemoRootTest {
  protected:
    void SetUp() override {
        DemoRootTest::SetUp();
        if (setUpStopped()) return;
        const auto first = agent({"apply"});
        ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
        // A weaker source that reads cleanly and would lower the opt-out.
        root.write("r/etc/metalama/policies/recommended/60-weaker.yaml",
                   "TelemetryOptOut: false\nDisableUsageReporting: false\n");
    }
    void replaceManaged() { std::filesystem::remove_all(dir() + "/" + kManaged); }

    // The pass names `because` and the opt-out is still enforced everywhere.
    void expectKept(const std::string& because) {
        const auto pass = agent({"apply"});
        EXPECT_EQ(pass.exitCode, 0) << pass.out << pass.err;
        EXPECT_NE(pass.out.find("kept from the last known good policy"), std::string::npos)
            << pass.out;
        EXPECT_NE(pass.out.find(because), std::string::npos) << pass.out;
        EXPECT_NE(read("etc/environment").find("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"),
                  std::string::npos);
        EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos);
    }
};

TEST_F(PrivacyFloor, AnUnparseableManagedFileIsNotOverruledByARecommendedFalse) {
    root.write(std::string("r/") + kManaged, "{\"TelemetryOptOut\": tru", 0644);
    expectKept("10-telemetry.json: not parseable: line 1");
}

TEST_F(PrivacyFloor, WhatATruncatedWriteLeavesIsABrokenInputNotNoPolicy) {
    for (const char* text : {"", "  \n\t\n", "null", "null\n"}) {
        SCOPED_TRACE(std::string("content: \"") + text + "\"");
        root.write(std::string("r/") + kManaged, text, 0644);
        expectKept("10-telemetry.json: holds no policy (empty");
    }
    replaceManaged();
    root.write("r/etc/metalama/policies/managed/10-telemetry.yaml", "# only a comment\n", 0644);
    expectKept("10-telemetry.yaml: holds no policy (empty");
    root.write("r/etc/metalama/policies/managed/10-telemetry.yaml", "~\n", 0644);
    expectKept("10-telemetry.yaml: holds no policy (empty");
}

TEST_F(PrivacyFloor, ADirectoryOrAFifoWithAPolicyFileNameIsABrokenInput) {
    replaceManaged();
    root.mkdirs(std::string("r/") + kManaged);
    expectKept("10-telemetry.json: is a directory; policy files must be regular files");
    replaceManaged();
    ASSERT_EQ(::mkfifo((dir() + "/" + kManaged).c_str(), 0644), 0);
    expectKept("10-telemetry.json: is not a regular file; policy files must be regular files");
}

TEST_F(PrivacyFloor, AManagedFileRefusedForItsModeOrOwnerKeepsItsPolicy) {
    root.write(std::string("r/") + kManaged, "{\"TelemetryOptOut\": true}", 0666);
    expectKept("10-telemetry.json: the file is writable by group or others (mode 0666)");
    ASSERT_EQ(::chmod((dir() + "/" + kManaged).c_str(), 0644), 0);
    ASSERT_EQ(::chown((dir() + "/" + kManaged).c_str(), 1001, 1001), 0);
    expectKept("10-telemetry.json: the file is owned by uid 1001, not by root");
}

// Whoever may write a parent of the policy directory may swap the directory: refused like a
// world-writable file, and the policy below it kept.
TEST_F(PrivacyFloor, AWorldWritableParentOfThePolicyDirectoryIsRefused) {
    ASSERT_EQ(::chmod((dir() + "/etc/metalama").c_str(), 0777), 0);
    expectKept("/etc/metalama: the directory is writable by group or others (mode 0777)");
}

TEST_F(PrivacyFloor, JsonPolicyFilesAreStrictJsonWithUniqueKeys) {
    root.write(std::string("r/") + kManaged, "{\"TelemetryOptOut\": true,}", 0644);
    expectKept("10-telemetry.json: not parseable: line 1, column 25: trailing comma");
    root.write(std::string("r/") + kManaged,
               "{\n  \"TelemetryOptOut\": true,\n  \"TelemetryOptOut\": false\n}\n", 0644);
    expectKept(
        "10-telemetry.json: not parseable: line 3, column 3: duplicate key \"TelemetryOptOut\" "
        "(first at line 2)");
}

TEST_F(PrivacyFloor, AReadableManagedFileStillDecidesAndWinsOverTheWeakerOne) {
    root.write(std::string("r/") + kManaged, "{\"TelemetryOptOut\": false}", 0644);
    const auto pass = agent({"apply"});
    EXPECT_EQ(pass.out.find("kept from the last known good policy"), std::string::npos) << pass.out;
    EXPECT_EQ(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
}

TEST_F(PrivacyFloor, AnAccountDatabaseThatSelectsNoOneIsNeverCompliant) {
    root.write("r/etc/login.defs", "UID_MIN 60000\nUID_MAX 1000\n");
    auto pass = agent({"apply"});
    EXPECT_EQ(pass.exitCode, 3) << pass.out;
    EXPECT_NE(pass.out.find("UID_MIN 60000 is above UID_MAX 1000"), std::string::npos) << pass.out;
    root.write("r/etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    root.write("r/etc/passwd", "");
    pass = agent({"apply"});
    EXPECT_EQ(pass.exitCode, 3) << pass.out;
    EXPECT_NE(pass.out.find("etc/passwd: no account at all"), std::string::npos) << pass.out;
}

}  // namespace
}  // namespace mpa::test
