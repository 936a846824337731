// The real metalama-policy-agent.exe's command line on Windows (under Wine on the build
// machine): apply, status, verify, compliance --format intune and revert, against the registry
// the process sees (Wine's, for the prefix the suite runs in) and a scratch compliance database.
// The Group Policy value is written with the Win32 API, as the Group Policy client would.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <windows.h>

#include <optional>

#include "platform/win32_support.hpp"
#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

constexpr const wchar_t* kPolicyKey = L"SOFTWARE\\Policies\\PostSharp\\Metalama";
constexpr const wchar_t* kEnvironmentKey =
    L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";
constexpr const wchar_t* kVariable = L"METALAMA_TELEMETRY_OPT_OUT";

std::optional<std::string> machineVariable() {
    wchar_t data[256];
    DWORD size = sizeof data;
    if (::RegGetValueW(HKEY_LOCAL_MACHINE, kEnvironmentKey, kVariable,
                       RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, nullptr, data,
                       &size) != ERROR_SUCCESS)
        return std::nullopt;
    return platform::win32::narrow(data);
}

class WindowsCli : public ::testing::Test {
  protected:
    void SetUp() override {
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kEnvironmentKey, kVariable);
        const DWORD one = 1;
        ASSERT_EQ(::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, L"TelemetryOptOut", REG_DWORD,
                                    &one, sizeof one),
                  ERROR_SUCCESS);
    }
    void TearDown() override {
        runAgent({"revert"});
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, L"TelemetryOptOut");
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kEnvironmentKey, kVariable);
    }
    // The live machine (the registry is never relocated), with the database in the scratch dir.
    ProcessResult runAgent(std::vector<std::string> args) {
        args.insert(args.begin(), agentBinary());
        args.insert(args.end(), {"--db", db});
        return runProcess(args, 120);
    }
    ScratchDir scratch;
    std::string db = scratch.abs("compliance.db");
};

TEST_F(WindowsCli, ApplyStatusVerifyComplianceAndRevertOfTheRealExecutable) {
    ASSERT_EQ(machineVariable(), std::nullopt);

    // Set at once for new processes; services keep their environment until the next boot, so
    // the pass reports them pending and the verdict is "not compliant yet" (exit code 3).
    const auto applied = runAgent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    EXPECT_THAT(applied.out, HasSubstr("[remediated] windows-environment HKLM\\SYSTEM\\"
                                       "CurrentControlSet\\Control\\Session Manager\\"
                                       "Environment\\METALAMA_TELEMETRY_OPT_OUT"));
    EXPECT_THAT(applied.out, HasSubstr("[pending] windows-environment services"));
    EXPECT_THAT(applied.out, HasSubstr("Verdict: non-compliant (1 finding(s) need attention)"));
    EXPECT_EQ(machineVariable(), std::optional<std::string>("1"));

    const auto again = runAgent({"apply"});
    EXPECT_EQ(again.out.find("[remediated]"), std::string::npos) << again.out;

    const auto status = runAgent({"status"});
    EXPECT_EQ(status.exitCode, 3) << status.out << status.err;
    EXPECT_THAT(status.out, HasSubstr("pending until the next boot"));

    const auto verified = runAgent({"verify"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;

    // Intune's discovery script prints this line: one flat JSON object.
    const auto intune = runAgent({"compliance", "--format", "intune"});
    EXPECT_EQ(intune.exitCode, 0) << intune.out << intune.err;
    ASSERT_FALSE(intune.out.empty());
    const auto line = intune.out.substr(0, intune.out.find_first_of("\r\n"));
    const auto object = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    ASSERT_TRUE(object);
    EXPECT_TRUE(object->getValue<bool>("AgentHealthy")) << line;
    EXPECT_TRUE(object->getValue<bool>("TelemetryOptOutEnforced")) << line;
    EXPECT_TRUE(object->getValue<bool>("EnvironmentVariableSet")) << line;

    const auto reverted = runAgent({"revert"});
    EXPECT_EQ(reverted.exitCode, 0) << reverted.out << reverted.err;
    EXPECT_EQ(machineVariable(), std::nullopt) << "revert restores the absent variable";
}

// A policy value of the wrong type is named, and the pass goes on with the rest.
TEST_F(WindowsCli, AWrongTypeIsReportedWithItsKeyAndTheRestIsEnforced) {
    const wchar_t text[] = L"not a number";
    ASSERT_EQ(::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, L"DeviceIdRotationDays", REG_SZ,
                                text, sizeof text),
              ERROR_SUCCESS);
    const auto applied = runAgent({"apply"});
    ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, L"DeviceIdRotationDays");
    EXPECT_THAT(applied.out + applied.err, HasSubstr("DeviceIdRotationDays"));
    EXPECT_EQ(machineVariable(), std::optional<std::string>("1"));
}

}  // namespace
}  // namespace mpa::test
