// The real binary on roots shaped like real machines, not like a plain Debian install: macOS's
// /etc -> private/etc and /var -> private/var, Fedora Atomic's /home -> var/home. Links root made
// where only root can change them are followed; a link a user made or could replace is refused
// as before, and inside a home the agent writes only what the user's own write could produce.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/agent_process.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

namespace fs = std::filesystem;

// Under /tmp nothing is root's alone (anyone may add entries there), so these roots live in a
// directory that is.
constexpr const char* kTrustedBase = "/var/lib/mpa-test-roots";
constexpr const char* kAlice = "home/alice/.local/share/Metalama/telemetry.json";

class RealLayouts : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir()});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }
    std::string dir() const { return root.abs("r"); }
    std::string path(const std::string& rel) const { return dir() + "/" + rel; }
    // Moves `rel` to `to` and leaves a relative link `rel -> target` made by root, as the OS
    // image ships it.
    void relink(const std::string& rel, const std::string& to, const std::string& target) {
        fs::create_directories(fs::path(path(to)).parent_path());
        fs::rename(path(rel), path(to));
        fs::create_symlink(target, path(rel));
    }
    ProcessResult agent(const std::vector<std::string>& args) { return runAgent(dir(), args); }
    std::string read(const std::string& rel) const {
        std::ifstream in(path(rel));
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    struct stat statOf(const std::string& rel) const {
        struct stat st {};
        EXPECT_EQ(::lstat(path(rel).c_str(), &st), 0) << rel;
        return st;
    }

    ScratchDir root{kTrustedBase};
};

TEST_F(RealLayouts, MacShapedRootWithEtcAndVarUnderPrivateIsEnforced) {
    relink("etc", "private/etc", "private/etc");
    relink("var", "private/var", "private/var");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.out.find("refusing to follow"), std::string::npos) << applied.out;
    EXPECT_NE(applied.out.find("Verdict: compliant"), std::string::npos) << applied.out;
    // Written through the links, into the real directories; the links themselves stay links.
    EXPECT_TRUE(fs::is_symlink(path("etc")));
    EXPECT_TRUE(fs::is_symlink(path("var")));
    const auto env = read("private/etc/environment");
    EXPECT_NE(env.find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos) << env;
    EXPECT_TRUE(fs::exists(path("private/var/lib/metalama-policy-agent/compliance.db")));
    const auto status = agent({"status"});
    EXPECT_EQ(status.exitCode, 0) << status.out << status.err;
    const auto verify = agent({"verify"});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
}

// The macOS layout itself with `--platform macos`: the agent's configuration is read through
// /etc -> private/etc (every command used to fail there, a restart loop under launchd), the
// local user records through /var -> private/var.
TEST(RealMacLayout, EveryCommandWorksThroughEtcAndVarLinks) {
    if (::geteuid() != 0) GTEST_SKIP() << "the macOS tree gives homes to users: needs root";
    ScratchDir root{kTrustedBase};
    writeMacUserRecord(root, "", "alice", 501, "/Users/alice");
    makeMacHome(root, "", "/Users/alice", 501);
    writeAsUser(root, "", "/Users/alice", 501,
                "Library/Application Support/Metalama/telemetry.json",
                "{\"UsageReportingAction\": 1, \"DeviceId\": "
                "\"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
    root.write("Library/Managed Preferences/com.postsharp.metalama.plist",
               xmlPlist("<dict><key>TelemetryOptOut</key><true/><key>DisableUsageReporting</key>"
                        "<true/></dict>\n"));
    root.write("private/etc/metalama/agent.yaml", "log_level: information\n");
    root.symlink("private/etc", "etc");
    root.symlink("private/var", "var");
    root.mkdirs("private/tmp");
    root.symlink("private/tmp", "tmp");
    const auto applied = runAgent(root.path(), {"--platform", "macos", "apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.err.find("refusing to follow"), std::string::npos) << applied.err;
    EXPECT_NE(root.read("Users/alice/Library/Application Support/Metalama/telemetry.json")
                  .find("\"UsageReportingAction\": 2"),
              std::string::npos);
    EXPECT_EQ(root.read("private/etc/zshenv"), "export METALAMA_TELEMETRY_OPT_OUT=1\n");
    for (const char* command : {"status", "verify"}) {
        const auto ran = runAgent(root.path(), {"--platform", "macos", command});
        EXPECT_EQ(ran.exitCode, 0) << command << ": " << ran.out << ran.err;
    }
}

TEST_F(RealLayouts, HomeLinkedToVarHomeIsEnforcedAndFilesBelongToTheUsers) {
    relink("home", "var/home", "var/home");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("Verdict: compliant"), std::string::npos) << applied.out;
    const auto file = statOf("var/" + std::string(kAlice));
    EXPECT_EQ(file.st_uid, 1001u);
    const auto carol = statOf("var/home/carol/.local/share/Metalama/telemetry.json");
    EXPECT_EQ(carol.st_uid, 1003u);
}

TEST_F(RealLayouts, AHomeThatIsARootLinkIsFollowedButTheUsersOwnLinkIsNot) {
    // alice's home moved to /data by the admin, with a link in /home (root's, in root's /home).
    fs::create_directories(path("data"));
    fs::rename(path("home/alice"), path("data/alice"));
    fs::create_symlink("../data/alice", path("home/alice"));
    // carol replaced her Metalama directory by a link to a place she does not own.
    fs::create_directories(path("root/secret"));
    fs::create_directories(path("home/carol/.local/share"));
    ASSERT_EQ(::chown(path("home/carol/.local").c_str(), 1003, 1003), 0);
    ASSERT_EQ(::chown(path("home/carol/.local/share").c_str(), 1003, 1003), 0);
    fs::create_symlink("../../../../root/secret", path("home/carol/.local/share/Metalama"));
    const auto applied = agent({"apply"});
    EXPECT_NE(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(statOf("data/alice/.local/share/Metalama/telemetry.json").st_uid, 1001u);
    EXPECT_NE(applied.out.find("/home/carol/.local/share/Metalama"), std::string::npos)
        << applied.out;
    EXPECT_TRUE(fs::is_empty(path("root/secret")));
}

TEST_F(RealLayouts, ALinkAUserOwnsOrCouldReplaceIsRefused) {
    relink("home", "var/home", "var/home");
    ASSERT_EQ(::lchown(path("home").c_str(), 1001, 1001), 0);  // not root's link
    auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("is a symbolic link; refusing to follow it"), std::string::npos)
        << applied.out;
    EXPECT_NE(read("var/" + std::string(kAlice)).find("\"UsageReportingAction\": 1"),
              std::string::npos);  // not enforced through a link the user controls

    // Root's link again, but in a directory others may write to: anyone could have swapped it.
    ASSERT_EQ(::lchown(path("home").c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(dir().c_str(), 0777), 0);
    applied = agent({"apply"});
    ASSERT_EQ(::chmod(dir().c_str(), 0755), 0);
    EXPECT_NE(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("is a symbolic link; refusing to follow it"), std::string::npos)
        << applied.out;
}

TEST_F(RealLayouts, InsideAHomeNoWriteTheUserCouldNotHaveMade) {
    // A Metalama directory root made in erin's home and left read-only to her: the agent does
    // not write there for her.
    const std::string erinDir = "home/erin/.local/share/Metalama";
    ASSERT_EQ(::chown(path(erinDir).c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(path(erinDir).c_str(), 0755), 0);
    // alice's file made setuid and given to root: the replacement is hers, without set-id bits.
    ASSERT_EQ(::chown(path(kAlice).c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(path(kAlice).c_str(), 06644), 0);
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("cannot write this directory"), std::string::npos) << applied.out;
    const auto alice = statOf(kAlice);
    EXPECT_EQ(alice.st_uid, 1001u);
    EXPECT_EQ(alice.st_gid, 1001u);
    EXPECT_EQ(alice.st_mode & 07777, 0644u);
}

}  // namespace
}  // namespace mpa::test
