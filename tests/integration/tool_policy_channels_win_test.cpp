// The tool telemetry policies through the Windows channel: values in the policy key (and its
// Recommended subkey) of the registry the process sees (Wine's on the build machine), written
// with the Win32 API as the Group Policy client or Intune's ADMX ingestion would. The real
// metalama-policy-agent.exe's `apply --dry-run --json` shows each in effect with its level and
// the desired state: the mandatory tools' variables and every per-user file with its Windows path.
// Poco (through the support header) includes winsock2.h, which must come before windows.h.
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <windows.h>

#include "platform/win32_support.hpp"
#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "support/tool_policy_report.hpp"

namespace mpa::test {
namespace {

constexpr const wchar_t* kPolicyKey = L"SOFTWARE\\Policies\\PostSharp\\Metalama";
constexpr const wchar_t* kRecommendedKey = L"SOFTWARE\\Policies\\PostSharp\\Metalama\\Recommended";

class WindowsToolPolicies : public ::testing::Test {
  protected:
    void SetUp() override {
        const DWORD one = 1;
        for (const auto& name : mandatoryToolPolicies())
            ASSERT_EQ(::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey,
                                        platform::win32::widen(name).c_str(), REG_DWORD, &one,
                                        sizeof one),
                      ERROR_SUCCESS);
        ASSERT_EQ(::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kRecommendedKey,
                                    platform::win32::widen(recommendedToolPolicy()).c_str(),
                                    REG_DWORD, &one, sizeof one),
                  ERROR_SUCCESS);
    }
    void TearDown() override {
        for (const auto& name : mandatoryToolPolicies())
            ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey,
                                 platform::win32::widen(name).c_str());
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kRecommendedKey,
                             platform::win32::widen(recommendedToolPolicy()).c_str());
    }
    ScratchDir scratch;
};

TEST_F(WindowsToolPolicies, TheRegistryPolicyKeyCarriesToolPolicies) {
    const auto result = runProcess(
        {agentBinary(), "apply", "--dry-run", "--json", "--db", scratch.abs("compliance.db")}, 120);
    EXPECT_NE(result.exitCode, -1) << result.err;
    const auto report = parsePassJson(result.out);
    ASSERT_TRUE(report) << result.err;
    expectToolPoliciesInEffect(report, "SOFTWARE\\Policies\\PostSharp\\Metalama");
    expectToolPoliciesDesired(report, "windows");
}

}  // namespace
}  // namespace mpa::test
