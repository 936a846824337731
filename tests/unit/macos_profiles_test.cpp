// macOS profiles over a macOS-shaped scratch root: which accounts are users (local records,
// uid 501 and up, homes under /Users), and the per-user telemetry.json target in every Metalama
// data-directory generation a Mac can hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/ledger.hpp"
#include "platform/users.hpp"
#include "support/account_lists.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"
#include "targets/metalama_profiles.hpp"
#include "targets/telemetry_json_target.hpp"
#include "util/json_document.hpp"

namespace mpa::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kAppSupport = "Library/Application Support/Metalama/telemetry.json";
constexpr const char* kLocalShare = ".local/share/Metalama/telemetry.json";
constexpr const char* kDotMetalama = ".config/.metalama/telemetry.json";

platform::UserAccount account(const std::string& name, uint32_t uid, const std::string& home) {
    return {name, uid, 20, home};
}

TEST(MacUsers, SelectsLocalUsersHomedUnderUsersFrom501) {
    const auto selected = platform::selectMacUsers(accountList({
        account("root", 0, "/var/root"), account("_spotlight", 89, "/var/empty"),
        account("nobody", 4294967294u, "/var/empty"), account("bob", 502, "/Users/bob"),
        account("alice", 501, "/Users/alice"),
        account("builder", 503, "/opt/builder"),     // a service account homed elsewhere
        account("_hidden", 600, "/Users/_hidden"),   // system naming
        account("deep", 504, "/Users/deep/nested"),  // not a home under /Users
        account("alice", 505, "/Users/alice2"),      // a later duplicate name
        account("guest", 201, "/Users/Guest"),       // macOS's Guest account is 201
    }));
    EXPECT_THAT(accountNames(selected), ElementsAre("alice", "bob"));
}

TEST(MacUsers, ParsesALocalUserRecordAndExplainsBadOnes) {
    Status status;
    const auto alice = platform::parseMacUserRecord(
        xmlPlist("<dict><key>name</key><array><string>alice</string></array>"
                 "<key>uid</key><array><string>501</string></array>"
                 "<key>gid</key><array><string>20</string></array>"
                 "<key>home</key><array><string>/Users/alice</string></array></dict>\n"),
        &status);
    ASSERT_TRUE(alice) << status.error;
    EXPECT_EQ(alice->uid, 501u);
    EXPECT_EQ(alice->gid, 20u);
    EXPECT_EQ(alice->home, "/Users/alice");

    EXPECT_FALSE(platform::parseMacUserRecord(
        xmlPlist("<dict><key>name</key><array><string>x</string></array>"
                 "<key>uid</key><array><string>-2x</string></array></dict>\n"),
        &status));
    EXPECT_EQ(status.error, "no valid uid ('-2x')");
    EXPECT_FALSE(platform::parseMacUserRecord(xmlPlist("<array/>\n"), &status));
    EXPECT_THAT(status.error, HasSubstr("not a user record"));
    EXPECT_FALSE(platform::parseMacUserRecord("garbage", &status));
}

class MacProfiles : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root to give homes to users";
        writeMacUserRecord(root, "", "alice", 501, "/Users/alice");
        writeMacUserRecord(root, "", "bob", 502, "/Users/bob");
        writeMacUserRecord(root, "", "carol", 503, "/Users/carol");
        writeMacUserRecord(root, "", "_www", 70, "/Library/WebServer");
        writeMacUserRecord(root, "", "root", 0, "/var/root");
        // Records on a Mac are binary plists as often as XML.
        ASSERT_EQ(
            convertToBinaryPlist(root, "private/var/db/dslocal/nodes/Default/users/bob.plist"), "");
        root.write("private/var/db/dslocal/nodes/Default/users/broken.plist", "garbage", 0600);
        makeMacHome(root, "", "/Users/alice", 501);
        makeMacHome(root, "", "/Users/bob", 502);
        makeMacHome(root, "", "/Users/carol", 503);
        context.settings.root = root.path();
        context.platform = PlatformProfile::MacOS;
        desired.managed = true;
        desired.environment.push_back(
            {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"});
        desired.usage = desired.exception = desired.performance = ActionRequirement::ForceNo;
    }

    std::vector<Finding> pass(RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        return TelemetryJsonTarget().reconcile(run, desired).toVector();
    }
    FindingLog revert() {
        TargetRun run{context, ledger, RunMode::Enforce};
        return TelemetryJsonTarget().revert(run);
    }
    static const Finding* find(const std::vector<Finding>& findings, const std::string& subject) {
        for (const auto& f : findings)
            if (f.target == "telemetry-json" && f.subject == subject) return &f;
        return nullptr;
    }
    json::ObjectDocument doc(const std::string& rel) const {
        auto d = json::ObjectDocument::parse(root.read(rel), nullptr);
        EXPECT_TRUE(d) << rel;
        return d ? *d : *json::ObjectDocument::parse("{}", nullptr);
    }

    ScratchDir root;
    AgentContext context;
    MemoryLedger ledger;
    DesiredState desired;
};

TEST_F(MacProfiles, ListsTheLocalUsersFromTheRecordsAndReportsTheBrokenOne) {
    std::vector<std::string> errors;
    const auto profiles = listMetalamaProfiles(context, errors);
    std::vector<std::string> accounts;
    for (const auto& p : profiles) accounts.push_back(p.account + " " + p.home);
    // No template for new profiles on macOS (the user template is SIP-protected).
    EXPECT_THAT(accounts,
                ElementsAre("alice /Users/alice", "bob /Users/bob", "carol /Users/carol"));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_THAT(errors[0], HasSubstr("/private/var/db/dslocal/nodes/Default/users/broken.plist: "));
    ASSERT_FALSE(profiles.empty());
    EXPECT_EQ(profiles[0].dataDirectories->front(),
              (std::vector<std::string>{"Library", "Application Support", "Metalama"}));
}

TEST_F(MacProfiles, EnforcesEveryGenerationThatExistsAndCreatesTheNewOneElsewhere) {
    const std::string aliceBefore =
        "{\n  \"UsageReportingAction\": 1,\n  \"DeviceId\": "
        "\"0f8fad5b-d9cb-469f-a165-70867728950e\","
        "\n  \"Salt\": 12345678901234,\n  \"version\": 7\n}";
    writeAsUser(root, "", "/Users/alice", 501, kAppSupport, aliceBefore);
    // bob ran Metalama on .NET 6/7 (Linux paths) and an old version (.metalama).
    writeAsUser(root, "", "/Users/bob", 502, kLocalShare, "{\"ExceptionReportingAction\": 1}");
    writeAsUser(root, "", "/Users/bob", 502, kDotMetalama, "{}");

    const auto findings = pass();
    for (const auto* subject :
         {"/Users/alice/Library/Application Support/Metalama/telemetry.json",
          "/Users/bob/.local/share/Metalama/telemetry.json",
          "/Users/bob/.config/.metalama/telemetry.json",
          "/Users/carol/Library/Application Support/Metalama/telemetry.json"}) {
        const auto* f = find(findings, subject);
        ASSERT_NE(f, nullptr) << subject;
        EXPECT_EQ(f->outcome, Outcome::Remediated) << subject << ": " << f->reason;
    }
    // bob has older generations only: nothing is created beside them.
    EXPECT_FALSE(root.exists("Users/bob/Library/Application Support"));
    const auto alice = doc(std::string("Users/alice/") + kAppSupport);
    EXPECT_EQ(alice.getInteger("UsageReportingAction"), 2);
    EXPECT_EQ(alice.getInteger("version"), 8);
    EXPECT_EQ(alice.find("Salt")->rawValue, "12345678901234");
    EXPECT_EQ(doc(std::string("Users/bob/") + kLocalShare).getInteger("ExceptionReportingAction"),
              2);
    struct stat st {};
    ASSERT_EQ(::lstat(root.abs("Users/carol/Library/Application Support").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 503u);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    ASSERT_EQ(::lstat(root.abs(std::string("Users/carol/") + kAppSupport).c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 503u);
    EXPECT_EQ(st.st_gid, 20u);

    for (const auto& f : pass()) {
        if (f.target == "telemetry-json" && f.subject.find("telemetry.json") != std::string::npos) {
            EXPECT_EQ(f.outcome, Outcome::Compliant) << f.subject;
        }
    }

    // Removing the policy puts alice's own values back and removes what only the agent created.
    revert();
    const auto restored = doc(std::string("Users/alice/") + kAppSupport);
    EXPECT_EQ(restored.getInteger("UsageReportingAction"), 1);
    EXPECT_FALSE(restored.find("ExceptionReportingAction"));
    EXPECT_FALSE(root.exists(std::string("Users/carol/") + kAppSupport));
}

TEST_F(MacProfiles, ALinkPlantedInAHomeIsRefused) {
    root.mkdirs("elsewhere");
    ASSERT_EQ(::symlink(root.abs("elsewhere").c_str(),
                        root.abs("Users/alice/Library/Application Support").c_str()),
              0);
    const auto findings = pass();
    const auto* f = find(findings, "/Users/alice/Library/Application Support");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Failed);
    EXPECT_THAT(f->reason, HasSubstr("symbolic link"));
    EXPECT_FALSE(root.exists("elsewhere/Metalama"));
}

}  // namespace
}  // namespace mpa::test
