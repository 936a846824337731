// The per-user telemetry.json target against real files in a scratch root: every profile
// generation, repair, restore, audit-only, link attacks and unreadable homes.
#include "targets/telemetry_json_target.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/reconcile.hpp"
#include "model/ledger.hpp"
#include "platform/process_identity.hpp"
#include "support/directory_at_commit.hpp"
#include "support/scratch_dir.hpp"
#include "targets/license_audit_target.hpp"
#include "targets/machine_environment_targets.hpp"
#include "targets/telemetry_ledger_keys.hpp"
#include "util/json_document.hpp"

namespace mpa {
namespace {

using test::DirectoryAtCommit;
using test::ScratchDir;

constexpr const char* kNew = "/.local/share/Metalama/telemetry.json";
constexpr const char* kOld = "/.config/.metalama/telemetry.json";

// Without root the files cannot be given to other users, so every account of the scratch root
// is the account running the test (two names, two homes: two profiles); with root, alice and
// bob are two users. Only the template for new profiles (/etc/skel, root's) needs root: without
// it the template is left out, which the target skips as it does on a machine without one.
class TelemetryTarget : public ::testing::Test {
  protected:
    void SetUp() override {
        const bool privileged = platform::isPrivileged();
        aliceUid = privileged ? 1001 : ::geteuid();
        aliceGid = privileged ? 1001 : ::getegid();
        bobUid = privileged ? 1002 : aliceUid;
        bobGid = privileged ? 1002 : aliceGid;
        // The login range holds the accounts used (and the uid one test gives bob instead), and
        // svc stays below it.
        const unsigned uidMin = std::min(1000u, aliceUid);
        const unsigned uidMax = std::max(60000u, aliceUid + 1);
        writePasswd(bobUid);
        root.write("etc/login.defs", "UID_MIN " + std::to_string(uidMin) + "\nUID_MAX " +
                                         std::to_string(uidMax) + "\n");
        if (privileged) root.mkdirs("etc/skel");
        makeHome("alice", aliceUid, aliceGid);
        makeHome("bob", bobUid, bobGid);
        context.settings.root = root.path();
        context.platform = PlatformProfile::Linux;
        desired.managed = true;
        desired.environment.push_back(
            {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"});
        desired.usage = desired.exception = desired.performance = ActionRequirement::ForceNo;
    }

    void writePasswd(unsigned bobPasswdUid) {
        const unsigned svcUid = std::min(1000u, aliceUid) - 1;
        root.write("etc/passwd",
                   "root:x:0:0:root:/root:/bin/bash\n"
                   "alice:x:" +
                       std::to_string(aliceUid) + ":" + std::to_string(aliceGid) +
                       "::/home/alice:/bin/bash\n"
                       "bob:x:" +
                       std::to_string(bobPasswdUid) + ":" + std::to_string(bobGid) +
                       "::/home/bob:/bin/bash\n"
                       "svc:x:" +
                       std::to_string(svcUid) + ":" + std::to_string(svcUid) +
                       "::/var/lib/svc:/usr/sbin/nologin\n");
    }
    void makeHome(const std::string& user, unsigned uid, unsigned gid) {
        root.mkdirs("home/" + user, 0750);
        ASSERT_EQ(::chown(root.abs("home/" + user).c_str(), uid, gid), 0);
    }
    // Writes a file inside a home as its user would have (dirs and file owned by the user).
    void userFile(const std::string& user, const std::string& rel, const std::string& content) {
        const unsigned uid = user == "alice" ? aliceUid : bobUid;
        const unsigned gid = user == "alice" ? aliceGid : bobGid;
        const auto path = "home/" + user + rel;
        root.write(path, content);
        std::string dir = root.abs("home/" + user);
        std::string rest = rel.substr(1);
        for (std::size_t pos = 0; (pos = rest.find('/', pos)) != std::string::npos; ++pos)
            ASSERT_EQ(::chown((dir + "/" + rest.substr(0, pos)).c_str(), uid, gid), 0);
        ASSERT_EQ(::chown(root.abs(path).c_str(), uid, gid), 0);
    }

    std::vector<Finding> pass(RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        return TelemetryJsonTarget().reconcile(run, desired).toVector();
    }
    // Both per-user targets, in the registry's order, sharing the pass's profiles as the
    // registry makes them (the audit reads the directories the telemetry target walked), or
    // each on its own (the audit walks the homes itself).
    enum class Walk { Shared, Separate };
    std::vector<Finding> passWithLicenseAudit(Walk walk = Walk::Shared) {
        const auto profiles = std::make_shared<PassProfiles>();
        auto audit = walk == Walk::Shared ? LicenseAuditTarget(profiles) : LicenseAuditTarget();
        TargetRun run{context, ledger, RunMode::Enforce};
        auto findings = TelemetryJsonTarget(profiles).reconcile(run, desired).toVector();
        for (auto& f : audit.reconcile(run, desired)) findings.push_back(std::move(f));
        return findings;
    }
    static std::vector<std::string> audited(const FindingLog& findings) {
        std::vector<std::string> out;
        for (const auto& f : findings)
            if (f.target == "license-audit")
                out.push_back(f.subject + " " + f.user + ": " + f.observed);
        return out;
    }
    static const Finding* find(const std::vector<Finding>& findings, const std::string& suffix,
                               const std::string& target = "telemetry-json") {
        for (const auto& f : findings)
            if (f.target == target && f.subject.size() >= suffix.size() &&
                f.subject.compare(f.subject.size() - suffix.size(), suffix.size(), suffix) == 0)
                return &f;
        return nullptr;
    }
    json::ObjectDocument doc(const std::string& rel) {
        auto d = json::ObjectDocument::parse(root.read(rel), nullptr);
        EXPECT_TRUE(d) << rel;
        return d ? *d : *json::ObjectDocument::parse("{}", nullptr);
    }
    struct stat statOf(const std::string& rel) {
        struct stat st {};
        EXPECT_EQ(::lstat(root.abs(rel).c_str(), &st), 0) << rel;
        return st;
    }

    ScratchDir root;
    unsigned aliceUid = 0, aliceGid = 0, bobUid = 0, bobGid = 0;
    AgentContext context;
    MemoryLedger ledger;
    DesiredState desired;
};

// Counts the ledger's commits and sees, at each, /etc/environment and alice's telemetry.json.
class CommitsSeen final : public MemoryLedger {
  public:
    explicit CommitsSeen(const ScratchDir& root) : root_(root) {}
    Status commitBatch() override {
        seen.push_back(stateOf("etc/environment") + " | " +
                       stateOf("home/alice/.local/share/Metalama/telemetry.json"));
        return Status::success();
    }
    std::vector<std::string> seen;

  private:
    std::string stateOf(const std::string& rel) const {
        if (!root_.exists(rel)) return "absent";
        return root_.read(rel).find("METALAMA_TELEMETRY_OPT_OUT=1") != std::string::npos ||
                       root_.read(rel).find("\"UsageReportingAction\": 2") != std::string::npos
                   ? "new"
                   : "old";
    }
    const ScratchDir& root_;
};

// In a pass, /etc/environment (staged by its target) and the profiles' first batch share one
// sequence: one commit of every prior state while all the files are as they were, one pair of
// flushes, one commit of what the renames changed; the /etc target's findings come first.
TEST_F(TelemetryTarget, TheEtcFilesAndTheFirstProfilesShareOneFlushSequence) {
    if (!platform::isPrivileged()) GTEST_SKIP() << "needs root: /etc/environment is given to root";
    root.write("etc/environment", "LANG=C\n");
    userFile("alice", kNew, "{\"UsageReportingAction\": 1}");
    CommitsSeen seeing(root);
    std::vector<std::unique_ptr<Target>> targets;
    targets.push_back(makeEtcEnvironmentTarget());
    targets.push_back(std::make_unique<TelemetryJsonTarget>());
    TargetRun run{context, seeing, RunMode::Enforce};
    run.shareWrites = true;
    PassReport report;
    report.desired = desired;
    reconcileTargets(run, targets, report);
    EXPECT_EQ(seeing.seen, (std::vector<std::string>{"old | old", "new | new"}));
    const auto findings = report.findings.toVector();
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings.front().target, "etc-environment");
    EXPECT_EQ(findings.front().outcome, Outcome::Remediated) << findings.front().reason;
    const auto* alice = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->outcome, Outcome::Remediated) << alice->reason;
    EXPECT_EQ(root.read("etc/environment"), "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=1\n");
}

TEST_F(TelemetryTarget, CreatesTheDataDirectoryForAUserWithoneOwnedByTheUser) {
    const auto findings = pass();
    const auto* f = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Remediated) << f->reason;
    const auto d = doc("home/alice" + std::string(kNew));
    EXPECT_EQ(d.getInteger("UsageReportingAction"), 2);
    EXPECT_EQ(d.getInteger("ExceptionReportingAction"), 2);
    EXPECT_EQ(d.getInteger("PerformanceProblemReportingAction"), 2);
    EXPECT_EQ(d.getString("DeviceId").value_or("").size(), 36u);
    const auto file = statOf("home/alice" + std::string(kNew));
    EXPECT_EQ(file.st_uid, aliceUid);
    EXPECT_EQ(file.st_mode & 07777, 0644u);
    for (const char* dir :
         {"home/alice/.local", "home/alice/.local/share", "home/alice/.local/share/Metalama"}) {
        EXPECT_EQ(statOf(dir).st_uid, aliceUid) << dir;
        EXPECT_EQ(statOf(dir).st_mode & 07777, 0700u) << dir;
    }
    // The template for new profiles is root's and gets the same settings.
    if (platform::isPrivileged()) {
        EXPECT_EQ(doc("etc/skel" + std::string(kNew)).getInteger("UsageReportingAction"), 2);
        EXPECT_EQ(statOf("etc/skel" + std::string(kNew)).st_uid, 0u);
    }
    // Accounts outside the login range are not profiles.
    EXPECT_FALSE(root.exists("var/lib/svc"));
}

TEST_F(TelemetryTarget, ManagesBothGenerationsAndKeepsEveryOtherKeyByteForByte) {
    const std::string old =
        "{\n  \"UsageReportingAction\": 1,\n  \"DeviceId\": "
        "\"0f8fad5b-d9cb-469f-a165-70867728950e\","
        "\n  \"LastUploadTime\": \"2024-03-01T10:00:00.1234567+01:00\",\n  \"Issues\": {\"a\": "
        "[1.50, "
        "1e3, \"\\u00e9\"]},\n  \"Sessions\": {},\n  \"version\": 41,\n  \"Salt\": "
        "12345678901234\n}";
    userFile("bob", kOld, old);
    userFile("bob", kNew, "{\"ExceptionReportingAction\": 0}");
    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kOld))->outcome, Outcome::Remediated);
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kNew))->outcome, Outcome::Remediated);
    const auto before = *json::ObjectDocument::parse(old, nullptr);
    const auto after = doc("home/bob" + std::string(kOld));
    for (const char* key : {"DeviceId", "LastUploadTime", "Issues", "Sessions", "Salt"})
        EXPECT_EQ(after.find(key)->rawValue, before.find(key)->rawValue) << key;
    EXPECT_EQ(after.getInteger("version"), 42);
    EXPECT_EQ(after.getInteger("UsageReportingAction"), 2);
    // The new generation had no DeviceId: the agent adds one (Metalama 2025.1.4+ would reset
    // the actions to Yes in a file without it).
    EXPECT_TRUE(doc("home/bob" + std::string(kNew)).getString("DeviceId"));
}

TEST_F(TelemetryTarget, SecondPassChangesNothingAndSaysCompliant) {
    pass();
    const auto mtime = statOf("home/alice" + std::string(kNew)).st_mtim;
    const auto content = root.read("home/alice" + std::string(kNew));
    const auto findings = pass();
    for (const auto& f : findings) {
        if (f.target == "telemetry-json") {
            EXPECT_EQ(f.outcome, Outcome::Compliant) << f.subject;
        }
    }
    EXPECT_EQ(root.read("home/alice" + std::string(kNew)), content);
    EXPECT_EQ(statOf("home/alice" + std::string(kNew)).st_mtim.tv_nsec, mtime.tv_nsec);
}

TEST_F(TelemetryTarget, AFileGoneWithItsDirectoryIsForgottenAndOneNotVisitedIsKept) {
    userFile("bob", kOld, "{\"UsageReportingAction\": 1}");
    userFile("bob", kNew, "{\"UsageReportingAction\": 0}");
    pass();
    const auto entriesOf = [&](const std::string& file) {
        std::size_t n = 0;
        for (const auto& e : ledger.list("telemetry-json"))
            if (e.subject.rfind(file + "#", 0) == 0) ++n;
        return n;
    };
    const auto bobOld = "/home/bob" + std::string(kOld), bobNew = "/home/bob" + std::string(kNew),
               aliceNew = "/home/alice" + std::string(kNew);
    ASSERT_GT(entriesOf(bobOld), 0u);
    ASSERT_GT(entriesOf(bobNew), 0u);
    // Bob's old generation removed with its directories: its restore data goes, with a finding.
    std::filesystem::remove_all(root.abs("home/bob/.config"));
    auto findings = pass();
    const auto* gone = find(findings, bobOld);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->outcome, Outcome::NotApplicable);
    EXPECT_NE(gone->reason.find("no longer exists"), std::string::npos) << gone->reason;
    EXPECT_EQ(entriesOf(bobOld), 0u);
    EXPECT_GT(entriesOf(bobNew), 0u);
    EXPECT_GT(entriesOf(aliceNew), 0u);
    // Bob's home no longer usable (not his): not visited, but still there, so kept.
    if (platform::isPrivileged())
        ASSERT_EQ(::chown(root.abs("home/bob").c_str(), aliceUid, aliceGid), 0);
    else
        writePasswd(aliceUid + 1);
    findings = pass();
    EXPECT_EQ(find(findings, bobNew), nullptr);
    EXPECT_GT(entriesOf(bobNew), 0u);
    EXPECT_GT(entriesOf(aliceNew), 0u);
}

TEST_F(TelemetryTarget, MalformedFileIsKeptAsideAndReplaced) {
    userFile("alice", kNew, "{\"UsageReportingAction\": 1, // comment\n}");
    const auto findings = pass();
    const auto* f = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Repaired);
    EXPECT_NE(f->observed.find("line 1"), std::string::npos) << f->observed;
    EXPECT_EQ(doc("home/alice" + std::string(kNew)).getInteger("UsageReportingAction"), 2);
    const auto invalid = "home/alice/.local/share/Metalama/telemetry.json.invalid-" +
                         f->reason.substr(f->reason.find("invalid-") + 8, 16);
    EXPECT_EQ(root.read(invalid), "{\"UsageReportingAction\": 1, // comment\n}");
}

TEST_F(TelemetryTarget, RemovingThePolicyRestoresWhatTheUserHad) {
    userFile("bob", kNew,
             "{\"UsageReportingAction\": 1, \"ExceptionReportingAction\": 0, "
             "\"DeviceId\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    pass();
    desired = DesiredState{};
    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kNew))->outcome, Outcome::Restored);
    const auto d = doc("home/bob" + std::string(kNew));
    EXPECT_EQ(d.getInteger("UsageReportingAction"), 1);
    EXPECT_EQ(d.getInteger("ExceptionReportingAction"), 0);
    EXPECT_FALSE(d.has("PerformanceProblemReportingAction"));
    // Alice had nothing: the file and the directories the agent created are gone again.
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_FALSE(root.exists("etc/skel/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

// A pass killed after it made a profile's directories and recorded them, before its file was
// in place: when the policy goes, the directories go too, not only the entries (found with
// bench/kill9-faults.sh: empty .local/share/Metalama left in the homes of users who had none).
TEST_F(TelemetryTarget, DirectoriesMadeForAFileNeverPutInPlaceGoWithThePolicy) {
    pass();
    ASSERT_TRUE(root.exists("home/alice/.local/share/Metalama"));
    std::remove(root.abs("home/alice" + std::string(kNew)).c_str());  // as if killed first
    desired = DesiredState{};
    const auto findings = pass();
    const auto* alice = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->outcome, Outcome::NotApplicable) << alice->reason;
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

// A pass killed between making a data directory and committing the prior state that names it
// would leave the directory recorded nowhere, kept once the policy goes.
TEST_F(TelemetryTarget, ADataDirectoryIsMadeOnlyOnceThePriorStateNamingItIsDurable) {
    DirectoryAtCommit seeing(root, "home/alice/.local");
    TargetRun run{context, seeing, RunMode::Enforce};
    const auto findings = TelemetryJsonTarget().reconcile(run, desired).toVector();
    const auto* alice = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->outcome, Outcome::Remediated) << alice->reason;
    EXPECT_EQ(seeing.seen, (std::vector<std::string>{"absent", "made"}));
}

TEST_F(TelemetryTarget, APriorStateThatCannotBeRecordedLeavesNoDirectoryBehind) {
    DirectoryAtCommit failing(root, "home/alice/.local");
    failing.failRecords = true;
    TargetRun run{context, failing, RunMode::Enforce};
    const auto findings = TelemetryJsonTarget().reconcile(run, desired).toVector();
    const auto* alice = find(findings, "/home/alice" + std::string(kNew));
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->outcome, Outcome::Failed);
    EXPECT_NE(alice->reason.find("could not record the prior state"), std::string::npos)
        << alice->reason;
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_FALSE(root.exists("etc/skel/.local"));
}

// Killed after making the outermost directory of three: the policy's removal takes it too.
TEST_F(TelemetryTarget, DirectoriesPartlyMadeByAKilledPassGoWithThePolicy) {
    pass();
    ASSERT_TRUE(root.exists("home/alice/.local/share/Metalama"));
    std::filesystem::remove_all(root.abs("home/alice/.local/share"));
    desired = DesiredState{};
    pass();
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

// Recommended: the user's Yes stays, their Ask becomes No. The No the agent set is not the
// user's choice: the next pass keeps it (compliant, nothing written), it does not take it for a
// choice and restore Ask (which it did, every other pass, before bcf0d26).
TEST_F(TelemetryTarget, RecommendedKeepsAChoiceTheUserMadeAndWhatItSetItself) {
    desired = DesiredState{};
    desired.managed = true;
    desired.usage = desired.exception = ActionRequirement::NoUnlessUserChose;
    userFile("bob", kNew,
             "{\"UsageReportingAction\": 1, \"ExceptionReportingAction\": 0, "
             "\"DeviceId\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    pass();
    const auto d = doc("home/bob" + std::string(kNew));
    EXPECT_EQ(d.getInteger("UsageReportingAction"), 1);
    EXPECT_EQ(d.getInteger("ExceptionReportingAction"), 2);
    const auto written = root.read("home/bob" + std::string(kNew));
    const auto again = pass();
    const auto* bob = find(again, "/home/bob" + std::string(kNew));
    ASSERT_NE(bob, nullptr);
    EXPECT_EQ(bob->outcome, Outcome::Compliant) << bob->reason << bob->diff;
    EXPECT_EQ(root.read("home/bob" + std::string(kNew)), written);
}

// The bookkeeping of a file the agent created and whose keys are no longer its own (the user
// took them over, then removed them): only the DeviceId is left. The policy gone, the pass
// removes the file; a dry run or an audit-only pass only says it would.
TEST_F(TelemetryTarget, ADryRunRemovesNoFileItWouldRemove) {
    const std::string subject = "/home/alice" + std::string(kNew);
    userFile("alice", kNew, "{\"DeviceId\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    TelemetryPrior created;
    created.fileCreated = true;
    created.createdDirectories = {"/home/alice/.local", "/home/alice/.local/share",
                                  "/home/alice/.local/share/Metalama"};
    ASSERT_TRUE(ledger.record(
        {"telemetry-json", telemetryFileEntry(subject), false, created.serializeFileEntry(), ""}));
    desired = DesiredState{};
    for (const auto mode : {RunMode::DryRun, RunMode::AuditOnly}) {
        const auto findings = pass(mode);
        const auto* alice = find(findings, subject);
        ASSERT_NE(alice, nullptr);
        EXPECT_EQ(alice->outcome, Outcome::NonCompliant) << alice->reason;
        EXPECT_TRUE(root.exists("home/alice" + std::string(kNew)));
        EXPECT_FALSE(ledger.list("telemetry-json").empty());
    }
    const auto findings = pass();
    EXPECT_EQ(find(findings, subject)->outcome, Outcome::Restored);
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

// A file the agent was to create, killed before it was in place: its directories go with the
// policy, but not in a dry run.
TEST_F(TelemetryTarget, ADryRunRemovesNoDirectoryItWouldRemove) {
    pass();
    std::remove(root.abs("home/alice" + std::string(kNew)).c_str());  // as if killed first
    desired = DesiredState{};
    pass(RunMode::DryRun);
    EXPECT_TRUE(root.exists("home/alice/.local/share/Metalama"));
    std::filesystem::remove_all(root.abs("home/alice/.local/share"));  // the data directory gone
    pass(RunMode::DryRun);
    EXPECT_TRUE(root.exists("home/alice/.local"));
    EXPECT_FALSE(ledger.list("telemetry-json").empty());
    pass();
    EXPECT_FALSE(root.exists("home/alice/.local"));
}

TEST_F(TelemetryTarget, AuditOnlyChangesNothing) {
    userFile("bob", kNew, "{\"UsageReportingAction\": 1}");
    const auto findings = pass(RunMode::AuditOnly);
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kNew))->outcome, Outcome::NonCompliant);
    EXPECT_EQ(find(findings, "/home/alice" + std::string(kNew))->outcome, Outcome::NonCompliant);
    EXPECT_EQ(root.read("home/bob" + std::string(kNew)), "{\"UsageReportingAction\": 1}");
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

TEST_F(TelemetryTarget, SymlinkedFileAndDirectoryToRootFilesAreRefused) {
    root.write("etc/shadow", "root:secret\n", 0600);
    root.mkdirs("root/secrets", 0700);
    root.write("root/secrets/telemetry.json", "{\"keep\": true}", 0600);
    const auto secretOwner = statOf("root/secrets/telemetry.json").st_uid;  // root, when root
    userFile("alice", "/.local/share/placeholder", "");
    root.symlink(root.abs("etc/shadow"), "home/alice/.local/share/Metalama");
    (void)::lchown(root.abs("home/alice/.local/share/Metalama").c_str(), aliceUid, aliceGid);
    userFile("bob", "/.local/share/Metalama/other", "");
    root.symlink(root.abs("root/secrets/telemetry.json"),
                 "home/bob/.local/share/Metalama/telemetry.json");
    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/alice/.local/share/Metalama")->outcome, Outcome::Failed);
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kNew))->outcome, Outcome::Failed);
    EXPECT_EQ(root.read("etc/shadow"), "root:secret\n");
    EXPECT_EQ(root.read("root/secrets/telemetry.json"), "{\"keep\": true}");
    EXPECT_EQ(statOf("root/secrets/telemetry.json").st_uid, secretOwner);
}

TEST_F(TelemetryTarget, HardLinkToARootFileIsRefused) {
    root.write("etc/important.json", "{\"root\": 1}", 0644);
    userFile("bob", "/.local/share/Metalama/x", "");
    ASSERT_EQ(::link(root.abs("etc/important.json").c_str(),
                     root.abs("home/bob" + std::string(kNew)).c_str()),
              0);
    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/bob" + std::string(kNew))->outcome, Outcome::Failed);
    EXPECT_EQ(root.read("etc/important.json"), "{\"root\": 1}");
}

TEST_F(TelemetryTarget, AHomeTheAgentMustNotUseFailsAndTheOthersAreStillDone) {
    // Bob's home owned by someone else: given to alice (root), or, when alice and bob are both
    // the account running the test, bob's account changed to another uid.
    if (platform::isPrivileged())
        ASSERT_EQ(::chown(root.abs("home/bob").c_str(), aliceUid, aliceGid), 0);
    else
        writePasswd(aliceUid + 1);
    const auto findings = pass();
    const auto* bob = find(findings, "/home/bob");
    ASSERT_NE(bob, nullptr);
    EXPECT_EQ(bob->outcome, Outcome::Failed);
    EXPECT_NE(bob->reason.find("owned by uid " + std::to_string(aliceUid)), std::string::npos)
        << bob->reason;
    EXPECT_EQ(find(findings, "/home/alice" + std::string(kNew))->outcome, Outcome::Remediated);
}

TEST_F(TelemetryTarget, DriftIsRepairedAndReportedAsSuch) {
    pass();
    userFile("alice", kNew,
             "{\"UsageReportingAction\": 1, \"ExceptionReportingAction\": 2, "
             "\"PerformanceProblemReportingAction\": 2, \"DeviceId\": "
             "\"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/alice" + std::string(kNew))->outcome, Outcome::DriftRepaired);
}

TEST_F(TelemetryTarget, DriftKeepingSizeMtimeAndInodeIsStillRepaired) {
    // A user turns usage reporting back on by rewriting the file in place (same inode), one
    // digit for another (same size), and sets the modification time back (touch -d): nothing a
    // stat would show. Every pass reads and parses the file, so this is drift all the same.
    pass();
    const auto rel = "home/alice" + std::string(kNew);
    auto text = root.read(rel);
    const auto at = text.find("\"UsageReportingAction\": 2");
    ASSERT_NE(at, std::string::npos) << text;
    text[at + std::string("\"UsageReportingAction\": ").size()] = '1';
    const auto before = statOf(rel);
    {
        std::FILE* f = std::fopen(root.abs(rel).c_str(), "r+");  // in place: no new inode
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
        ASSERT_EQ(std::fclose(f), 0);
    }
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, root.abs(rel).c_str(), times, 0), 0);
    const auto after = statOf(rel);
    ASSERT_EQ(after.st_ino, before.st_ino);
    ASSERT_EQ(after.st_size, before.st_size);
    ASSERT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
    ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    ASSERT_EQ(doc(rel).getInteger("UsageReportingAction"), 1);

    const auto findings = pass();
    EXPECT_EQ(find(findings, "/home/alice" + std::string(kNew))->outcome, Outcome::DriftRepaired);
    EXPECT_EQ(doc(rel).getInteger("UsageReportingAction"), 2);
}

TEST_F(TelemetryTarget, DeviceIdResetTokenResetsOncePerValue) {
    userFile("bob", kNew, "{\"DeviceId\": \"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    desired.deviceIdResetToken = "2026-11";
    pass();
    const auto first = *doc("home/bob" + std::string(kNew)).getString("DeviceId");
    EXPECT_NE(first, "0f8fad5b-d9cb-469f-a165-70867728950e");
    pass();
    EXPECT_EQ(*doc("home/bob" + std::string(kNew)).getString("DeviceId"), first);
    desired.deviceIdResetToken = "2026-12";
    pass();
    EXPECT_NE(*doc("home/bob" + std::string(kNew)).getString("DeviceId"), first);
}

TEST_F(TelemetryTarget, DeviceIdRotatesAfterTheConfiguredDays) {
    desired.deviceIdRotationDays = 30;
    pass();
    const auto first = *doc("home/alice" + std::string(kNew)).getString("DeviceId");
    context.now += std::chrono::hours(24 * 29);
    pass();
    EXPECT_EQ(*doc("home/alice" + std::string(kNew)).getString("DeviceId"), first);
    context.now += std::chrono::hours(24 * 2);
    pass();
    EXPECT_NE(*doc("home/alice" + std::string(kNew)).getString("DeviceId"), first);
}

TEST_F(TelemetryTarget, LicenseAuditIsReportedPerProfile) {
    userFile("bob", "/.local/share/Metalama/licensing.json", "{\"licenses\": [\"ABC-123\"]}");
    userFile("alice", "/.local/share/Metalama/licensing.json", "{\"licenses\": []}");
    const auto findings = passWithLicenseAudit();
    EXPECT_EQ(find(findings, "/home/bob/.local/share/Metalama", "license-audit")->observed,
              "license key registered");
    EXPECT_EQ(find(findings, "/home/alice/.local/share/Metalama", "license-audit")->observed,
              "no license key");
}

TEST_F(TelemetryTarget, LicenseAuditReadsTheFolderMetalamaUsesOfTheProfilesThatCanBeUsed) {
    // alice has both generations: Metalama keeps using the old .metalama, so its keys count.
    userFile("alice", "/.local/share/Metalama/licensing.json", "{\"licenses\": []}");
    userFile("alice", "/.config/.metalama/licensing.json", "{\"license\": \"ABC-123\"}");
    // bob's home is not his (given to alice with root; without root, bob's account moved to
    // another uid): the telemetry target refuses it, the audit has nothing to say.
    userFile("bob", "/.local/share/Metalama/licensing.json", "{\"license\": \"K\"}");
    if (platform::isPrivileged())
        ASSERT_EQ(::chown(root.abs("home/bob").c_str(), aliceUid, aliceGid), 0);
    else
        writePasswd(aliceUid + 1);
    const auto findings = passWithLicenseAudit();
    std::vector<std::string> audited;
    for (const auto& f : findings) {
        if (f.target != "license-audit") continue;
        audited.push_back(f.subject + " " + f.user + ": " + f.observed);
        EXPECT_EQ(f.outcome, Outcome::NotApplicable) << f.subject;
    }
    EXPECT_EQ(audited, std::vector<std::string>{"/home/alice/.config/.metalama alice: license key "
                                                "registered"});
    EXPECT_EQ(find(findings, "/home/bob")->outcome, Outcome::Failed);
    // The telemetry target itself reports no license audit.
    for (const auto& f : pass()) EXPECT_EQ(f.target, "telemetry-json") << f.subject;
}

TEST_F(TelemetryTarget, LicenseAuditReadsWhatTheTelemetryWalkOpenedAsAWalkOfItsOwnWould) {
    // alice: both generations (the old one is read); bob: no data directory yet, so the first
    // pass creates one and the audit reads it (no key there).
    userFile("alice", "/.local/share/Metalama/licensing.json", "{\"licenses\": []}");
    userFile("alice", "/.config/.metalama/licensing.json", "{\"license\": \"ABC-123\"}");
    const auto shared = passWithLicenseAudit(Walk::Shared);
    EXPECT_EQ(audited(shared), (std::vector<std::string>{
                                   "/home/alice/.config/.metalama alice: license key registered",
                                   "/home/bob/.local/share/Metalama bob: no license key"}));
    // The same pass again, each target walking on its own, finds the same.
    EXPECT_EQ(audited(passWithLicenseAudit(Walk::Separate)), audited(shared));
    EXPECT_EQ(audited(passWithLicenseAudit(Walk::Shared)), audited(shared));
}

TEST_F(TelemetryTarget, LicenseAuditDoesNotWalkTheHomesAgainAfterTheTelemetryWalk) {
    userFile("alice", "/.local/share/Metalama/licensing.json", "{\"license\": \"ABC-123\"}");
    const auto profiles = std::make_shared<PassProfiles>();
    LicenseAuditTarget audit(profiles);
    TargetRun run{context, ledger, RunMode::Enforce};
    TelemetryJsonTarget(profiles).reconcile(run, desired);
    // Removed after the telemetry walk read it: the audit reports what that walk saw, so it did
    // not open alice's directory again.
    ASSERT_EQ(::unlink(root.abs("home/alice/.local/share/Metalama/licensing.json").c_str()), 0);
    EXPECT_EQ(
        audited(audit.reconcile(run, desired)),
        (std::vector<std::string>{"/home/alice/.local/share/Metalama alice: license key registered",
                                  "/home/bob/.local/share/Metalama bob: no license key"}));
    // The walk is taken once: the same target again (no telemetry walk in between) walks itself.
    EXPECT_EQ(audited(audit.reconcile(run, desired)),
              (std::vector<std::string>{"/home/alice/.local/share/Metalama alice: no license key",
                                        "/home/bob/.local/share/Metalama bob: no license key"}));
}

TEST_F(TelemetryTarget, LicenseAuditWalksItselfWhenTheTelemetryWalkStopped) {
    userFile("alice", "/.local/share/Metalama/licensing.json", "{\"license\": \"ABC-123\"}");
    userFile("bob", "/.local/share/Metalama/licensing.json", "{\"license\": \"ABC-123\"}");
    const auto profiles = std::make_shared<PassProfiles>();
    LicenseAuditTarget audit(profiles);
    TargetRun run{context, ledger, RunMode::Enforce};
    int asked = 0;
    run.stopRequested = [&] { return ++asked > 1; };  // stops after the first profile
    const auto telemetry = TelemetryJsonTarget(profiles).reconcile(run, desired).toVector();
    ASSERT_NE(find(telemetry, "more profiles)"), nullptr);
    // What the stopped walk read is not taken as the whole: the audit walks itself (and,
    // stopping too, says what it did not check).
    run.stopRequested = nullptr;
    EXPECT_EQ(
        audited(audit.reconcile(run, desired)),
        (std::vector<std::string>{"/home/alice/.local/share/Metalama alice: license key registered",
                                  "/home/bob/.local/share/Metalama bob: license key registered"}));
}

TEST_F(TelemetryTarget, ManageUserProfilesOffTouchesNoProfile) {
    desired.manageProfiles = false;
    const auto findings = pass();
    EXPECT_FALSE(root.exists("home/alice/.local"));
    for (const auto& f : findings) EXPECT_NE(f.outcome, Outcome::Remediated);
}

TEST_F(TelemetryTarget, RevertRestoresEverything) {
    userFile("bob", kNew, "{\"UsageReportingAction\": 1}");
    pass();
    TargetRun run{context, ledger, RunMode::Enforce};
    TelemetryJsonTarget().revert(run);
    EXPECT_EQ(doc("home/bob" + std::string(kNew)).getInteger("UsageReportingAction"), 1);
    EXPECT_FALSE(root.exists("home/alice/.local"));
    EXPECT_TRUE(ledger.list("telemetry-json").empty());
}

}  // namespace
}  // namespace mpa
