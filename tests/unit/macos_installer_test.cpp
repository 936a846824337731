// installer/macos: the launchd daemon plist and the configuration profile survive plistutil
// round trips (XML -> binary -> XML, as a Mac converts them), the daemon runs the agent where the
// package installs it, and the package scripts are valid sh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "sources/plist_raw_value.hpp"
#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kAgentPath =
    "/Library/Application Support/Metalama/PolicyAgent/bin/metalama-policy-agent";

std::string repositoryFile(const std::string& rel) {
    std::ifstream in(sourceDir() + "/" + rel, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

ProcessResult plistutil(const std::string& in, const std::string& out, const char* format) {
    return runProcess({"/usr/bin/plistutil", "-i", in, "-o", out, "-f", format});
}

class PlistRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(PlistRoundTrip, XmlToBinaryToXmlIsStable) {
    ScratchDir dir;
    const auto original = repositoryFile(std::string("installer/macos/") + GetParam());
    ASSERT_FALSE(original.empty());
    dir.write("a.xml", original);
    for (const auto& [in, out, format] :
         std::vector<std::tuple<const char*, const char*, const char*>>{
             {"a.xml", "a.bin", "bin"},
             {"a.bin", "b.xml", "xml"},
             {"b.xml", "b.bin", "bin"},
             {"b.bin", "c.xml", "xml"}}) {
        const auto r = plistutil(dir.abs(in), dir.abs(out), format);
        ASSERT_EQ(r.exitCode, 0) << in << ": " << r.err;
    }
    EXPECT_EQ(dir.read("a.bin").substr(0, 8), "bplist00");
    EXPECT_EQ(dir.read("a.bin"), dir.read("b.bin"));
    EXPECT_EQ(dir.read("b.xml"), dir.read("c.xml"));
    // plistutil's XML says the same as the committed file.
    Status status;
    const auto before = plist::parse(original, &status);
    const auto after = plist::parse(dir.read("b.xml"), &status);
    ASSERT_TRUE(before && after) << status.error;
    std::vector<std::string> keysBefore, keysAfter;
    for (const auto& [key, node] : plist::dictEntries(before.get())) keysBefore.push_back(key);
    for (const auto& [key, node] : plist::dictEntries(after.get())) keysAfter.push_back(key);
    EXPECT_EQ(keysBefore, keysAfter);
}

INSTANTIATE_TEST_SUITE_P(
    Installer, PlistRoundTrip,
    ::testing::Values("com.postsharp.metalama.policy-agent.plist",
                      "com.postsharp.metalama.mobileconfig",
                      "com.postsharp.metalama.policy-agent.loginitems.mobileconfig"));

// Ventura's managed login items: the profile's rule must name the daemon the package installs,
// or users can still switch the agent off in System Settings.
TEST(MacosDaemon, TheLoginItemsProfileManagesTheDaemonByItsLabel) {
    Status status;
    const auto daemon = plist::parse(
        repositoryFile("installer/macos/com.postsharp.metalama.policy-agent.plist"), &status);
    ASSERT_TRUE(daemon) << status.error;
    const auto profile = plist::parse(
        repositoryFile(
            "installer/macos/com.postsharp.metalama.policy-agent.loginitems.mobileconfig"),
        &status);
    ASSERT_TRUE(profile) << status.error;
    EXPECT_EQ(plist::stringValue(plist::dictItem(profile.get(), "PayloadType")), "Configuration");
    EXPECT_EQ(plist::stringValue(plist::dictItem(profile.get(), "PayloadScope")), "System");
    const auto payloads = plist::arrayItems(plist::dictItem(profile.get(), "PayloadContent"));
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(plist::stringValue(plist::dictItem(payloads[0], "PayloadType")),
              "com.apple.servicemanagement");
    const auto rules = plist::arrayItems(plist::dictItem(payloads[0], "Rules"));
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(plist::stringValue(plist::dictItem(rules[0], "RuleType")), "Label");
    EXPECT_EQ(plist::stringValue(plist::dictItem(rules[0], "RuleValue")),
              plist::stringValue(plist::dictItem(daemon.get(), "Label")));
}

TEST(MacosDaemon, RunsTheInstalledAgentKeptAliveWithALogFile) {
    Status status;
    const auto daemon = plist::parse(
        repositoryFile("installer/macos/com.postsharp.metalama.policy-agent.plist"), &status);
    ASSERT_TRUE(daemon) << status.error;
    EXPECT_EQ(plist::stringValue(plist::dictItem(daemon.get(), "Label")),
              "com.postsharp.metalama.policy-agent");
    std::vector<std::string> argv;
    for (auto* item : plist::arrayItems(plist::dictItem(daemon.get(), "ProgramArguments")))
        argv.push_back(plist::stringValue(item).value_or("?"));
    EXPECT_THAT(argv, ElementsAre(kAgentPath, "run"));
    for (const char* key : {"RunAtLoad", "KeepAlive"}) {
        const auto value = plist::toRawValue(plist::dictItem(daemon.get(), key));
        EXPECT_EQ(value.kind, RawValue::Kind::Boolean) << key;
        EXPECT_TRUE(value.boolean) << key;
    }
    EXPECT_EQ(plist::stringValue(plist::dictItem(daemon.get(), "StandardErrorPath")),
              "/Library/Logs/Metalama/policy-agent.log");
    // The package and the uninstaller agree with the daemon on where the agent lives.
    EXPECT_THAT(
        repositoryFile("installer/macos/build-pkg.sh"),
        HasSubstr("Library/Application Support/Metalama/PolicyAgent/bin/metalama-policy-agent"));
    EXPECT_THAT(repositoryFile("installer/macos/uninstall.sh"),
                HasSubstr("PREFIX=\"/Library/Application Support/Metalama/PolicyAgent\""));
}

TEST(MacosDaemon, PackageScriptsAreValidShAndDoWhatTheDocsSay) {
    for (const char* script : {"scripts/postinstall", "uninstall.sh", "build-pkg.sh"}) {
        const auto r = runProcess({"/bin/sh", "-n", sourceDir() + "/installer/macos/" + script});
        EXPECT_EQ(r.exitCode, 0) << script << ": " << r.err;
    }
    EXPECT_THAT(repositoryFile("installer/macos/scripts/postinstall"),
                HasSubstr("/bin/launchctl bootstrap system \"$PLIST\""));
    const auto uninstall = repositoryFile("installer/macos/uninstall.sh");
    EXPECT_THAT(uninstall, HasSubstr("/bin/launchctl bootout system/$LABEL"));
    EXPECT_THAT(uninstall, HasSubstr("metalama-policy-agent\" revert"));
}

}  // namespace
}  // namespace mpa::test
