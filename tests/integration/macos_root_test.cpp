// The real binary with `--platform macos` over a macOS-shaped scratch root: the MDM's managed
// plist (the shipped profile's payload, binary as macOS writes it), local accounts, per-user
// settings in every generation, /private/etc/zshenv; launchd is not touched (not a live Mac).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <plist/plist.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/agent_process.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDevice = "Library/Managed Preferences/com.postsharp.metalama.plist";
constexpr const char* kAlice = "Users/alice/Library/Application Support/Metalama/telemetry.json";
constexpr const char* kBobOld = "Users/bob/.local/share/Metalama/telemetry.json";

// PayloadContent[0] of the shipped profile without its Payload* keys: what macOS installs.
std::string installedPayload() {
    std::ifstream in(sourceDir() + "/installer/macos/com.postsharp.metalama.mobileconfig");
    std::ostringstream text;
    text << in.rdbuf();
    const auto xml = text.str();
    plist_t root = nullptr;
    plist_from_xml(xml.data(), static_cast<uint32_t>(xml.size()), &root);
    if (!root) return {};
    plist_t payload =
        plist_copy(plist_array_get_item(plist_dict_get_item(root, "PayloadContent"), 0));
    plist_free(root);
    for (const char* key : {"PayloadDisplayName", "PayloadIdentifier", "PayloadType", "PayloadUUID",
                            "PayloadVersion"})
        plist_dict_remove_item(payload, key);
    char* out = nullptr;
    uint32_t length = 0;
    plist_to_xml(payload, &out, &length);
    std::string result(out, length);
    std::free(out);
    plist_free(payload);
    return result;
}

class MacosRoot : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the macOS tree gives homes to users: needs root";
        writeMacUserRecord(root, "", "alice", 501, "/Users/alice");
        writeMacUserRecord(root, "", "bob", 502, "/Users/bob");
        makeMacHome(root, "", "/Users/alice", 501);
        makeMacHome(root, "", "/Users/bob", 502);
        writeAsUser(root, "", "/Users/alice", 501,
                    "Library/Application Support/Metalama/telemetry.json",
                    "{\"UsageReportingAction\": 1, \"DeviceId\": "
                    "\"0f8fad5b-d9cb-469f-a165-70867728950e\"}");
        writeAsUser(root, "", "/Users/bob", 502, ".local/share/Metalama/telemetry.json", "{}");
        root.mkdirs("private/etc");
        root.write(kDevice, installedPayload());
        ASSERT_EQ(convertToBinaryPlist(root, kDevice), "");
        root.write("Library/Managed Preferences/alice/com.postsharp.metalama.plist",
                   xmlPlist("<dict><key>TelemetryOptOut</key><false/></dict>\n"));
    }
    ProcessResult agent(std::vector<std::string> args) {
        args.insert(args.begin(), {"--platform", "macos"});
        return runAgent(root.path(), args);
    }

    ScratchDir root;
};

TEST_F(MacosRoot, ApplyEnforcesTheMdmProfileAndRevertRestores) {
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_THAT(applied.out, HasSubstr("Verdict: compliant"));
    EXPECT_THAT(root.read(kAlice), HasSubstr("\"UsageReportingAction\": 2"));
    EXPECT_THAT(root.read(kBobOld), HasSubstr("\"ExceptionReportingAction\": 2"));
    EXPECT_EQ(root.read("private/etc/zshenv"), "export METALAMA_TELEMETRY_OPT_OUT=1\n");
    EXPECT_TRUE(root.exists("Library/Application Support/Metalama/PolicyAgent/compliance.db"));

    const auto status = agent({"status"});
    EXPECT_THAT(status.out, HasSubstr("Managed preferences (MDM)"));
    EXPECT_THAT(status.out, HasSubstr("user-scope policy is reported, not enforced"));
    EXPECT_THAT(status.out, HasSubstr("launchd-environment"));

    const auto second = agent({"apply"});
    EXPECT_EQ(second.out.find("[remediated]"), std::string::npos) << second.out;

    const auto reverted = agent({"revert"});
    EXPECT_EQ(reverted.exitCode, 0) << reverted.out << reverted.err;
    EXPECT_FALSE(root.exists("private/etc/zshenv"));
    EXPECT_THAT(root.read(kAlice), HasSubstr("\"UsageReportingAction\": 1"));
}

// The service on a Mac takes its one-instance lock where macOS has a volatile run directory
// (/private/var/run; there is no /run on a Mac's read-only root volume).
TEST_F(MacosRoot, TheServiceTakesItsLockInPrivateVarRun) {
    auto service = startAgent(root.path(), {"--platform", "macos", "run", "--settle-ms", "100"});
    ASSERT_NE(service->waitForOutput("pass 1: trigger start", 10), std::string::npos)
        << service->output();
    EXPECT_TRUE(root.exists("private/var/run/metalama-policy-agent/agent.lock"));
    EXPECT_FALSE(root.exists("run"));
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(5), 0) << service->output();
}

}  // namespace
}  // namespace mpa::test
