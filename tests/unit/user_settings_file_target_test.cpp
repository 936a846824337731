// The per-user settings-file target against real files in a scratch root, on the catalog tools it
// is proven on: the Azure CLI's ~/.azure/config ([core] collect_telemetry, INI), the Angular
// CLI's ~/.angular-config.json (cli.analytics, JSON) and Yarn's ~/.yarnrc.yml (enableTelemetry,
// YAML). Without root every account is the
// account running the test (as in telemetry_json_target_test); with root alice and bob are two.
#include "targets/user_settings_file_target.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "model/ledger.hpp"
#include "platform/process_identity.hpp"
#include "support/directory_at_commit.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

using test::DirectoryAtCommit;
using test::ScratchDir;

constexpr const char* kAzure = "home/alice/.azure/config";
constexpr const char* kAngular = "home/alice/.angular-config.json";

const CatalogTool& catalogTool(const std::string& id) {
    const auto* tool = builtinTelemetryCatalog().find(id);
    EXPECT_NE(tool, nullptr) << id;
    return *tool;
}

// The assignments as the per-tool policies make them: the catalog entries themselves.
UserFileAssignment assignment(const std::string& tool, std::size_t file = 0, bool force = true) {
    return {tool, "Test" + tool, catalogTool(tool).userFiles.at(file), force};
}

class UserSettingsTarget : public ::testing::Test {
  protected:
    void SetUp() override {
        const bool privileged = platform::isPrivileged();
        aliceUid = privileged ? 1001 : ::geteuid();
        aliceGid = privileged ? 1001 : ::getegid();
        bobUid = privileged ? 1002 : aliceUid;
        bobGid = privileged ? 1002 : aliceGid;
        const unsigned uidMin = std::min(1000u, aliceUid);
        const unsigned uidMax = std::max(60000u, aliceUid + 1);
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:" +
                                     std::to_string(aliceUid) + ":" + std::to_string(aliceGid) +
                                     "::/home/alice:/bin/bash\nbob:x:" + std::to_string(bobUid) +
                                     ":" + std::to_string(bobGid) + "::/home/bob:/bin/bash\n");
        root.write("etc/login.defs", "UID_MIN " + std::to_string(uidMin) + "\nUID_MAX " +
                                         std::to_string(uidMax) + "\n");
        makeHome("alice", aliceUid, aliceGid);
        makeHome("bob", bobUid, bobGid);
        context.settings.root = root.path();
        context.platform = PlatformProfile::Linux;
        desired.managed = true;
        desired.userFiles = {assignment("azure-cli"), assignment("angular-cli")};
    }
    void makeHome(const std::string& user, unsigned uid, unsigned gid) {
        root.mkdirs("home/" + user, 0750);
        ASSERT_EQ(::chown(root.abs("home/" + user).c_str(), uid, gid), 0);
    }
    // Writes a file inside a home as its user would have (directories and file the user's).
    void userFile(const std::string& rel, const std::string& content, unsigned mode = 0644) {
        root.write(rel, content, mode);
        const auto home = rel.find('/', 5);
        const bool alice = rel.compare(0, home, "home/alice") == 0;
        const unsigned uid = alice ? aliceUid : bobUid, gid = alice ? aliceGid : bobGid;
        for (auto slash = rel.find('/', home + 1); slash != std::string::npos;
             slash = rel.find('/', slash + 1))
            ASSERT_EQ(::chown(root.abs(rel.substr(0, slash)).c_str(), uid, gid), 0);
        ASSERT_EQ(::chown(root.abs(rel).c_str(), uid, gid), 0);
    }
    std::vector<Finding> pass(RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        return UserSettingsFileTarget().reconcile(run, desired).toVector();
    }
    std::vector<Finding> revert() {
        TargetRun run{context, ledger, RunMode::Enforce};
        run.reverting = true;
        return UserSettingsFileTarget().revert(run).toVector();
    }
    static const Finding* find(const std::vector<Finding>& findings, const std::string& subject) {
        for (const auto& f : findings)
            if (f.subject == subject) return &f;
        return nullptr;
    }
    static std::string azureSubject(const std::string& user) {
        return "/home/" + user + "/.azure/config#[core] collect_telemetry";
    }
    static std::string angularSubject(const std::string& user) {
        return "/home/" + user + "/.angular-config.json#cli.analytics";
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

TEST_F(UserSettingsTarget, TheCatalogNamesTheTwoFilesThisTargetIsProvenOn) {
    const auto& azure = catalogTool("azure-cli").userFiles.at(0);
    EXPECT_EQ(azure.linuxPath, "~/.azure/config");
    EXPECT_EQ(azure.format, SettingsFormat::Ini);
    EXPECT_EQ(azure.section, "core");
    EXPECT_EQ(azure.key, "collect_telemetry");
    const auto& angular = catalogTool("angular-cli").userFiles.at(0);
    EXPECT_EQ(angular.linuxPath, "~/.angular-config.json");
    EXPECT_EQ(angular.format, SettingsFormat::Json);
    EXPECT_EQ(angular.key, "cli.analytics");
}

TEST_F(UserSettingsTarget, AbsentFilesAreCreatedAsTheUsersAndTakenBackWhenThePolicyGoes) {
    const auto findings = pass();
    const auto* azure = find(findings, azureSubject("alice"));
    ASSERT_NE(azure, nullptr);
    EXPECT_EQ(azure->outcome, Outcome::Remediated) << azure->reason;
    EXPECT_EQ(azure->tool, "azure-cli");
    EXPECT_EQ(azure->user, "alice");
    EXPECT_EQ(azure->observed, "file absent");
    EXPECT_EQ(root.read(kAzure), "[core]\ncollect_telemetry = false\n");
    EXPECT_EQ(statOf(kAzure).st_uid, aliceUid);
    EXPECT_EQ(statOf(kAzure).st_mode & 07777, 0644u);
    EXPECT_EQ(statOf("home/alice/.azure").st_uid, aliceUid);
    EXPECT_EQ(statOf("home/alice/.azure").st_mode & 07777, 0700u);
    const auto* angular = find(findings, angularSubject("bob"));
    ASSERT_NE(angular, nullptr);
    EXPECT_EQ(angular->outcome, Outcome::Remediated) << angular->reason;
    EXPECT_EQ(angular->tool, "angular-cli");
    EXPECT_EQ(root.read("home/bob/.angular-config.json"),
              "{\n  \"cli\": {\n    \"analytics\": false\n  }\n}\n");

    desired.userFiles.clear();
    const auto restored = pass();
    EXPECT_EQ(find(restored, azureSubject("alice"))->outcome, Outcome::Restored)
        << find(restored, azureSubject("alice"))->reason;
    EXPECT_EQ(find(restored, angularSubject("bob"))->outcome, Outcome::Restored)
        << find(restored, angularSubject("bob"))->reason;
    EXPECT_FALSE(root.exists(kAzure));
    EXPECT_FALSE(root.exists("home/alice/.azure"));
    EXPECT_FALSE(root.exists("home/bob/.angular-config.json"));
    EXPECT_TRUE(ledger.list("user-settings-file").empty());
    EXPECT_TRUE(pass().empty());  // nothing asked, nothing recorded: no profile is opened
}

// A pass killed between making ~/.azure and committing the prior state that names it would
// leave the directory recorded nowhere, kept once the policy goes.
TEST_F(UserSettingsTarget, ADirectoryIsMadeOnlyOnceThePriorStateNamingItIsDurable) {
    DirectoryAtCommit seeing(root, "home/alice/.azure");
    TargetRun run{context, seeing, RunMode::Enforce};
    const auto findings = UserSettingsFileTarget().reconcile(run, desired).toVector();
    const auto* azure = find(findings, azureSubject("alice"));
    ASSERT_NE(azure, nullptr);
    EXPECT_EQ(azure->outcome, Outcome::Remediated) << azure->reason;
    EXPECT_EQ(root.read(kAzure), "[core]\ncollect_telemetry = false\n");
    EXPECT_EQ(statOf("home/alice/.azure").st_uid, aliceUid);
    EXPECT_EQ(statOf("home/alice/.azure").st_mode & 07777, 0700u);
    ASSERT_FALSE(seeing.seen.empty());
    EXPECT_EQ(seeing.seen.front(), "absent");
}

TEST_F(UserSettingsTarget, OtherSectionsAndCommentsStayAndTheFileComesBackByteForByte) {
    const std::string before =
        "# az keeps its settings here\n[cloud]\nname = AzureCloud\n\n[core]\nfirst_run = yes\n"
        "output = jsonc\n\n[extension]\n; comment\nuse_dynamic_install = yes_without_prompt\n";
    userFile(kAzure, before, 0600);
    const auto findings = pass();
    EXPECT_EQ(find(findings, azureSubject("alice"))->outcome, Outcome::Remediated)
        << find(findings, azureSubject("alice"))->reason;
    EXPECT_EQ(root.read(kAzure),
              "# az keeps its settings here\n[cloud]\nname = AzureCloud\n\n[core]\nfirst_run = "
              "yes\noutput = jsonc\ncollect_telemetry = false\n\n[extension]\n; comment\n"
              "use_dynamic_install = yes_without_prompt\n");
    EXPECT_EQ(statOf(kAzure).st_mode & 07777, 0600u);  // the user's mode kept

    // A second pass changes nothing, not even the file's time.
    const auto mtime = statOf(kAzure).st_mtim;
    const auto again = pass();
    EXPECT_EQ(find(again, azureSubject("alice"))->outcome, Outcome::Compliant)
        << find(again, azureSubject("alice"))->reason;
    EXPECT_EQ(statOf(kAzure).st_mtim.tv_nsec, mtime.tv_nsec);

    desired.userFiles.clear();
    EXPECT_EQ(find(pass(), azureSubject("alice"))->outcome, Outcome::Restored);
    EXPECT_EQ(root.read(kAzure), before);
    EXPECT_EQ(statOf(kAzure).st_mode & 07777, 0600u);
}

TEST_F(UserSettingsTarget, AUsersOwnValueIsKeptUnderARecommendedPolicyAndReplacedUnderAMandatory) {
    const std::string before = "[core]\ncollect_telemetry = yes\n";
    userFile(kAzure, before);
    desired.userFiles = {assignment("azure-cli", 0, false)};
    const auto kept = pass();
    const auto* f = find(kept, azureSubject("alice"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Compliant);
    EXPECT_NE(f->reason.find("user's own"), std::string::npos) << f->reason;
    EXPECT_EQ(root.read(kAzure), before);
    // bob had not set it: the recommended value is set for him.
    EXPECT_EQ(find(kept, azureSubject("bob"))->outcome, Outcome::Remediated)
        << find(kept, azureSubject("bob"))->reason;

    desired.userFiles = {assignment("azure-cli", 0, true)};
    EXPECT_EQ(find(pass(), azureSubject("alice"))->outcome, Outcome::Remediated);
    EXPECT_EQ(root.read(kAzure), "[core]\ncollect_telemetry = false\n");
    // The user sets it back: drift, repaired.
    userFile(kAzure, "[core]\ncollect_telemetry = true\n");
    EXPECT_EQ(find(pass(), azureSubject("alice"))->outcome, Outcome::DriftRepaired);
    // The policy goes: the user's first value comes back.
    desired.userFiles.clear();
    EXPECT_EQ(find(pass(), azureSubject("alice"))->outcome, Outcome::Restored);
    EXPECT_EQ(root.read(kAzure), before);
}

TEST_F(UserSettingsTarget, AValueTheUserChangedAfterTheAgentIsNotRestoredOver) {
    pass();
    userFile(kAzure, "[core]\ncollect_telemetry = no\n");
    desired.userFiles.clear();
    const auto findings = pass();
    const auto* f = find(findings, azureSubject("alice"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::NotApplicable);
    EXPECT_EQ(root.read(kAzure), "[core]\ncollect_telemetry = no\n");
    EXPECT_FALSE(ledger.find("user-settings-file", azureSubject("alice")));
}

TEST_F(UserSettingsTarget, PlantedLinksAreRefusedAndTheirTargetsUntouched) {
    root.write("elsewhere/config", "[core]\ncollect_telemetry = yes\n");
    root.symlink(root.abs("elsewhere"), "home/alice/.azure");
    userFile("home/bob/.azure/secret", "[core]\ncollect_telemetry = yes\n");
    root.symlink(root.abs("home/bob/.azure/secret"), "home/bob/.azure/config");
    const auto findings = pass();
    const auto* dirLink = find(findings, azureSubject("alice"));
    ASSERT_NE(dirLink, nullptr);
    EXPECT_EQ(dirLink->outcome, Outcome::Failed);
    EXPECT_NE(dirLink->reason.find("symbolic link"), std::string::npos) << dirLink->reason;
    const auto* fileLink = find(findings, azureSubject("bob"));
    ASSERT_NE(fileLink, nullptr);
    EXPECT_EQ(fileLink->outcome, Outcome::Failed);
    EXPECT_NE(fileLink->reason.find("symbolic link"), std::string::npos) << fileLink->reason;
    EXPECT_EQ(root.read("elsewhere/config"), "[core]\ncollect_telemetry = yes\n");
    EXPECT_EQ(root.read("home/bob/.azure/secret"), "[core]\ncollect_telemetry = yes\n");
    struct stat st {};
    ASSERT_EQ(::lstat(root.abs("home/bob/.azure/config").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    // The other tool's file of the same user is enforced all the same.
    EXPECT_EQ(find(findings, angularSubject("alice"))->outcome, Outcome::Remediated)
        << find(findings, angularSubject("alice"))->reason;
}

TEST_F(UserSettingsTarget, AMalformedFileFailsNamingFileAndLineAndIsLeftAsItIs) {
    userFile(kAngular, "{\n  \"cli\": {\"analytics\": true,}\n}\n");
    userFile(kAzure, "collect_telemetry = yes\n[core]\n");
    const auto findings = pass();
    const auto* angular = find(findings, angularSubject("alice"));
    ASSERT_NE(angular, nullptr);
    EXPECT_EQ(angular->outcome, Outcome::Failed);
    EXPECT_NE(angular->reason.find("/home/alice/.angular-config.json"), std::string::npos);
    EXPECT_NE(angular->reason.find("line 2"), std::string::npos) << angular->reason;
    const auto* azure = find(findings, azureSubject("alice"));
    ASSERT_NE(azure, nullptr);
    EXPECT_EQ(azure->outcome, Outcome::Failed);
    EXPECT_NE(azure->reason.find("/home/alice/.azure/config: line 1"), std::string::npos)
        << azure->reason;
    EXPECT_EQ(root.read(kAngular), "{\n  \"cli\": {\"analytics\": true,}\n}\n");
    EXPECT_EQ(root.read(kAzure), "collect_telemetry = yes\n[core]\n");
    EXPECT_TRUE(ledger.list("user-settings-file").size() == 2u);  // bob's two files only
}

TEST_F(UserSettingsTarget, AngularUnknownKeysStayTheNestedKeyIsCreatedAndTakenBack) {
    const std::string before =
        "{\n  \"version\": 1,\n  \"cli\": {\n    \"packageManager\": \"pnpm\",\n"
        "    \"completion\": {\n      \"prompted\": true\n    }\n  },\n"
        "  \"x-unknown\": [1.50, \"\\u00e9\"]\n}\n";
    userFile(kAngular, before);
    userFile("home/bob/.angular-config.json", "{\"$schema\": \"x\", \"version\": 1}");
    const auto findings = pass();
    EXPECT_EQ(find(findings, angularSubject("alice"))->outcome, Outcome::Remediated)
        << find(findings, angularSubject("alice"))->reason;
    EXPECT_EQ(root.read(kAngular),
              "{\n  \"version\": 1,\n  \"cli\": {\n    \"packageManager\": \"pnpm\",\n"
              "    \"completion\": {\n      \"prompted\": true\n    },\n"
              "    \"analytics\": false\n  },\n  \"x-unknown\": [1.50, \"\\u00e9\"]\n}\n");
    EXPECT_EQ(root.read("home/bob/.angular-config.json"),
              "{\"$schema\": \"x\", \"version\": 1, \"cli\": {\n    \"analytics\": false\n  }}");
    const auto reverted = revert();
    EXPECT_EQ(find(reverted, angularSubject("alice"))->outcome, Outcome::Restored)
        << find(reverted, angularSubject("alice"))->reason;
    EXPECT_EQ(root.read(kAngular), before);
    EXPECT_EQ(root.read("home/bob/.angular-config.json"), "{\"$schema\": \"x\", \"version\": 1}");
}

TEST_F(UserSettingsTarget, AngularAnalyticsTheUserEnabledIsKeptOrReplacedAndComesBack) {
    // `ng analytics enable --global` stores a client id where `disable` stores false.
    const std::string before =
        "{\n  \"version\": 1,\n  \"cli\": {\n    \"analytics\": "
        "\"1d2c3b4a-0000-4000-8000-123456789abc\"\n  }\n}\n";
    userFile(kAngular, before);
    desired.userFiles = {assignment("angular-cli", 0, false)};
    auto findings = pass();
    EXPECT_EQ(find(findings, angularSubject("alice"))->outcome, Outcome::Compliant)
        << find(findings, angularSubject("alice"))->reason;
    EXPECT_EQ(root.read(kAngular), before);
    desired.userFiles = {assignment("angular-cli", 0, true)};
    findings = pass();
    EXPECT_EQ(find(findings, angularSubject("alice"))->outcome, Outcome::Remediated)
        << find(findings, angularSubject("alice"))->reason;
    EXPECT_EQ(root.read(kAngular),
              "{\n  \"version\": 1,\n  \"cli\": {\n    \"analytics\": false\n  }\n}\n");
    desired.userFiles.clear();
    EXPECT_EQ(find(pass(), angularSubject("alice"))->outcome, Outcome::Restored);
    EXPECT_EQ(root.read(kAngular), before);
}

TEST_F(UserSettingsTarget, APlantedLinkAsTheAngularConfigIsRefused) {
    root.write("etc/shadow-like", "{}");
    root.symlink(root.abs("etc/shadow-like"), kAngular);
    const auto findings = pass();
    const auto* f = find(findings, angularSubject("alice"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Failed);
    EXPECT_NE(f->reason.find("symbolic link"), std::string::npos) << f->reason;
    EXPECT_EQ(root.read("etc/shadow-like"), "{}");
    EXPECT_EQ(find(findings, azureSubject("alice"))->outcome, Outcome::Remediated);
}

TEST_F(UserSettingsTarget, RevertRestoresEveryFileOfEveryUser) {
    userFile("home/bob/.azure/config", "[core]\ncollect_telemetry = yes\n");
    pass();
    const auto findings = revert();
    for (const auto& subject : {azureSubject("alice"), azureSubject("bob"), angularSubject("alice"),
                                angularSubject("bob")}) {
        const auto* f = find(findings, subject);
        ASSERT_NE(f, nullptr) << subject;
        EXPECT_EQ(f->outcome, Outcome::Restored) << subject << ": " << f->reason;
    }
    EXPECT_EQ(root.read("home/bob/.azure/config"), "[core]\ncollect_telemetry = yes\n");
    EXPECT_FALSE(root.exists("home/alice/.azure"));
    EXPECT_FALSE(root.exists(kAngular));
    EXPECT_TRUE(ledger.list("user-settings-file").empty());
}

TEST_F(UserSettingsTarget, DryRunAndAuditOnlyChangeNothing) {
    userFile(kAzure, "[core]\ncollect_telemetry = yes\n");
    for (const auto mode : {RunMode::DryRun, RunMode::AuditOnly}) {
        const auto findings = pass(mode);
        const auto* f = find(findings, azureSubject("alice"));
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(f->outcome, Outcome::NonCompliant);
        EXPECT_EQ(f->diff,
                  "- [core] collect_telemetry = yes\n+ [core] collect_telemetry = false\n");
        EXPECT_EQ(find(findings, angularSubject("bob"))->outcome, Outcome::NonCompliant)
            << find(findings, angularSubject("bob"))->reason;
    }
    EXPECT_EQ(root.read(kAzure), "[core]\ncollect_telemetry = yes\n");
    EXPECT_FALSE(root.exists(kAngular));
    EXPECT_FALSE(root.exists("home/bob/.azure"));
    EXPECT_TRUE(ledger.list("user-settings-file").empty());
}

TEST_F(UserSettingsTarget, TheGoToolchainsModeFileIsWrittenAndItsPriorContentComesBack) {
    // Go's opt-out cannot be set machine-wide: only this per-user file turns it off.
    constexpr const char* kMode = "home/alice/.config/go/telemetry/mode";
    userFile(kMode, "local 2025-11-02");
    desired.userFiles = {assignment("go-toolchain", 0, false)};
    auto findings = pass();
    const std::string alice = "/home/alice/.config/go/telemetry/mode#content";
    EXPECT_EQ(find(findings, alice)->outcome, Outcome::Compliant) << find(findings, alice)->reason;
    const std::string bob = "/home/bob/.config/go/telemetry/mode#content";
    EXPECT_EQ(find(findings, bob)->outcome, Outcome::Remediated) << find(findings, bob)->reason;
    EXPECT_EQ(find(findings, bob)->tool, "go-toolchain");
    EXPECT_EQ(root.read("home/bob/.config/go/telemetry/mode"), "off\n");
    for (const char* dir :
         {"home/bob/.config", "home/bob/.config/go", "home/bob/.config/go/telemetry"})
        EXPECT_EQ(statOf(dir).st_mode & 07777, 0700u) << dir;
    desired.userFiles = {assignment("go-toolchain", 0, true)};
    findings = pass();
    EXPECT_EQ(find(findings, alice)->outcome, Outcome::Remediated) << find(findings, alice)->reason;
    EXPECT_EQ(root.read(kMode), "off\n");
    const auto reverted = revert();
    EXPECT_EQ(find(reverted, alice)->outcome, Outcome::Restored);
    EXPECT_EQ(root.read(kMode), "local 2025-11-02");
    EXPECT_EQ(find(reverted, bob)->outcome, Outcome::Restored);
    EXPECT_FALSE(root.exists("home/bob/.config"));
}

TEST_F(UserSettingsTarget, YarnsYamlFileGetsTheKeyKeepsEverythingElseAndComesBackByteForByte) {
    const auto& yarn = catalogTool("yarn").userFiles.at(0);
    EXPECT_EQ(yarn.linuxPath, "~/.yarnrc.yml");
    EXPECT_EQ(yarn.format, SettingsFormat::Yaml);
    EXPECT_EQ(yarn.key, "enableTelemetry");
    EXPECT_EQ(yarn.value, "false");
    constexpr const char* kYarn = "home/alice/.yarnrc.yml";
    const std::string before =
        "# mine\r\nenableTelemetry: true # yes, please\r\nnpmScopes:\r\n  corp:\r\n"
        "    npmRegistryServer: \"https://npm.corp.example\"\r\n";
    userFile(kYarn, before, 0600);
    desired.userFiles = {assignment("yarn")};
    const auto findings = pass();
    const std::string alice = "/home/alice/.yarnrc.yml#enableTelemetry";
    const std::string bob = "/home/bob/.yarnrc.yml#enableTelemetry";
    ASSERT_NE(find(findings, alice), nullptr);
    EXPECT_EQ(find(findings, alice)->outcome, Outcome::Remediated) << find(findings, alice)->reason;
    EXPECT_EQ(find(findings, alice)->tool, "yarn");
    EXPECT_EQ(root.read(kYarn),
              "# mine\r\nenableTelemetry: false # yes, please\r\nnpmScopes:\r\n  corp:\r\n"
              "    npmRegistryServer: \"https://npm.corp.example\"\r\n");
    EXPECT_EQ(statOf(kYarn).st_uid, aliceUid);
    EXPECT_EQ(statOf(kYarn).st_mode & 07777, 0600u);
    ASSERT_NE(find(findings, bob), nullptr);
    EXPECT_EQ(find(findings, bob)->outcome, Outcome::Remediated) << find(findings, bob)->reason;
    EXPECT_EQ(root.read("home/bob/.yarnrc.yml"), "enableTelemetry: false\n");
    const auto again = pass();
    EXPECT_EQ(find(again, alice)->outcome, Outcome::Compliant) << find(again, alice)->reason;

    const auto reverted = revert();
    EXPECT_EQ(find(reverted, alice)->outcome, Outcome::Restored) << find(reverted, alice)->reason;
    EXPECT_EQ(root.read(kYarn), before);
    EXPECT_EQ(find(reverted, bob)->outcome, Outcome::Restored) << find(reverted, bob)->reason;
    EXPECT_FALSE(root.exists("home/bob/.yarnrc.yml"));
}

TEST_F(UserSettingsTarget, AYarnFileTheAgentCannotEditSafelyFailsNamingTheLineAndStays) {
    constexpr const char* kYarn = "home/alice/.yarnrc.yml";
    const std::string before = "nodeLinker: pnp\nenableTelemetry:\n  true\n";
    userFile(kYarn, before);
    desired.userFiles = {assignment("yarn")};
    const auto findings = pass();
    const auto* f = find(findings, "/home/alice/.yarnrc.yml#enableTelemetry");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->outcome, Outcome::Failed);
    EXPECT_NE(f->reason.find("/home/alice/.yarnrc.yml: line 3"), std::string::npos) << f->reason;
    EXPECT_EQ(root.read(kYarn), before);
}

TEST_F(UserSettingsTarget, ManageUserProfilesOffLeavesProfilesAloneAndRestores) {
    pass();
    desired.manageProfiles = false;
    const auto findings = pass();
    EXPECT_EQ(find(findings, azureSubject("alice"))->outcome, Outcome::Restored)
        << find(findings, azureSubject("alice"))->reason;
    EXPECT_FALSE(root.exists(kAzure));
}

TEST_F(UserSettingsTarget, AHomeTheUserCannotWriteGetsNothingCreated) {
    ::chmod(root.abs("home/alice").c_str(), 0550);
    if (platform::isPrivileged() || ::access(root.abs("home/alice").c_str(), W_OK) != 0) {
        const auto findings = pass();
        EXPECT_EQ(find(findings, angularSubject("alice"))->outcome, Outcome::Failed)
            << find(findings, angularSubject("alice"))->reason;
        EXPECT_FALSE(root.exists(kAngular));
    }
    ::chmod(root.abs("home/alice").c_str(), 0750);
}

}  // namespace
}  // namespace mpa
