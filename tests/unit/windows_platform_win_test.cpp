// The Windows layer under Wine, through the real Win32 API: policy written with Wine's own
// reg.exe (`reg add`, `reg import` of the example .reg, as Group Policy leaves it), the machine
// environment read back with `reg query`, profiles from extra ProfileList entries, the
// telemetry.json target over them, safe file replacement and the database ACL.
// Each test removes the registry keys it wrote (the suite shares one Wine prefix).
#include <aclapi.h>
#include <gtest/gtest.h>
#include <sddl.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "model/ledger.hpp"
#include "platform/change_watcher.hpp"
#include "platform/metalama_lock.hpp"
#include "platform/private_file.hpp"
#include "platform/registry.hpp"
#include "platform/safe_fs.hpp"
#include "platform/win32_support.hpp"
#include "policy/definitions.hpp"
#include "sources/registry_policy_source.hpp"
#include "support/scratch_dir.hpp"
#include "targets/metalama_profiles.hpp"
#include "targets/telemetry_json_target.hpp"
#include "targets/windows_environment_target.hpp"
#include "util/json_document.hpp"

namespace mpa {
namespace {

using test::ScratchDir;

constexpr const char* kPolicyKey = "HKLM\\SOFTWARE\\Policies\\PostSharp\\Metalama";
constexpr const char* kEnvironmentKey =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";
constexpr const char* kProfileList =
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
constexpr const char* kMdmArea =
    "HKLM\\SOFTWARE\\Microsoft\\PolicyManager\\current\\device\\Metalama~Policy~Metalama~Telemetry";

struct ToolResult {
    DWORD exitCode = 0xFFFFFFFF;
    std::string output;
};

// Runs a Windows command line (Wine's reg.exe here) and collects its output.
ToolResult runTool(const std::string& commandLine) {
    ToolResult result;
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE readEnd = nullptr, writeEnd = nullptr;
    if (!::CreatePipe(&readEnd, &writeEnd, &inherit, 0)) return result;
    ::SetHandleInformation(readEnd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdOutput = writeEnd;
    startup.hStdError = writeEnd;
    startup.hStdInput = nullptr;
    PROCESS_INFORMATION process{};
    std::wstring line = platform::win32::widen(commandLine);
    const BOOL started = ::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE,
                                          CREATE_NO_WINDOW, nullptr, nullptr, &startup, &process);
    ::CloseHandle(writeEnd);
    if (started) {
        char buffer[4096];
        DWORD n = 0;
        while (::ReadFile(readEnd, buffer, sizeof buffer, &n, nullptr) && n > 0)
            result.output.append(buffer, n);
        ::WaitForSingleObject(process.hProcess, 60000);
        ::GetExitCodeProcess(process.hProcess, &result.exitCode);
        ::CloseHandle(process.hProcess);
        ::CloseHandle(process.hThread);
    }
    ::CloseHandle(readEnd);
    return result;
}

ToolResult reg(const std::string& arguments) {
    return runTool("reg.exe " + arguments);
}

void regAdd(const std::string& key, const std::string& name, const char* type,
            const std::string& data) {
    const auto r =
        reg("add \"" + key + "\" /v " + name + " /t " + type + " /d \"" + data + "\" /f /reg:64");
    ASSERT_EQ(r.exitCode, 0u) << r.output;
}

void regDeleteKey(const std::string& key) {
    reg("delete \"" + key + "\" /f /reg:64");
}

// A Unix path of the source tree as Wine sees it (drive Z: is the Unix root).
std::string wineDosPath(std::string unixPath) {
    std::replace(unixPath.begin(), unixPath.end(), '/', '\\');
    return "Z:" + unixPath;
}

const RawPolicyValue* findValue(const SourceResult& r, const std::string& name) {
    for (const auto& v : r.values)
        if (v.name == name) return &v;
    return nullptr;
}

class RegistrySourceWin : public ::testing::Test {
  protected:
    void TearDown() override {
        regDeleteKey(kPolicyKey);
        regDeleteKey(kMdmArea);
    }
    SourceResult read() { return RegistryPolicySource().read(context); }
    AgentContext context;
};

TEST_F(RegistrySourceWin, ReadsDwordsLongStringsAndRecommendedValuesWrittenWithRegAdd) {
    const std::string longToken(5000, 'x');  // longer than any fixed buffer would hold
    regAdd(kPolicyKey, "TelemetryOptOut", "REG_DWORD", "1");
    regAdd(kPolicyKey, "DeviceIdResetToken", "REG_SZ", longToken);
    regAdd(kPolicyKey, "DeviceIdRotationDays", "REG_EXPAND_SZ", "30");
    regAdd(kPolicyKey, "ManageUserProfiles", "REG_BINARY", "01");
    regAdd(kPolicyKey, "SomethingElse", "REG_DWORD", "1");
    regAdd(std::string(kPolicyKey) + "\\Recommended", "DisableUsageReporting", "REG_DWORD", "1");

    const auto r = read();
    EXPECT_TRUE(r.issues.empty()) << r.issues.front().describe();
    const auto* optOut = findValue(r, "TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value.kind, RawValue::Kind::Integer);
    EXPECT_EQ(optOut->value.integer, 1);
    EXPECT_EQ(optOut->from.source, "Group Policy");
    EXPECT_EQ(optOut->from.origin, kPolicyKey);
    EXPECT_EQ(optOut->from.level, PolicyLevel::Mandatory);
    ASSERT_NE(findValue(r, "DeviceIdResetToken"), nullptr);
    EXPECT_EQ(findValue(r, "DeviceIdResetToken")->value.text, longToken);
    EXPECT_EQ(findValue(r, "DeviceIdRotationDays")->value.text, "30");
    EXPECT_EQ(findValue(r, "ManageUserProfiles")->value.kind, RawValue::Kind::Other);
    EXPECT_EQ(findValue(r, "SomethingElse"), nullptr);
    const auto* recommended = findValue(r, "DisableUsageReporting");
    ASSERT_NE(recommended, nullptr);
    EXPECT_EQ(recommended->from.level, PolicyLevel::Recommended);

    // Merged with the same rules as every source: the DWORD is a boolean, the string an integer,
    // the binary value refused with its type named.
    const auto merged = mergePolicy(builtinCatalog(), {r});
    EXPECT_EQ(merged.find("TelemetryOptOut")->value, PolicyValue(true));
    EXPECT_EQ(merged.find("DeviceIdRotationDays")->value, PolicyValue(std::int64_t{30}));
    EXPECT_EQ(merged.find("ManageUserProfiles"), nullptr);
    bool binaryReported = false;
    for (const auto& issue : merged.issues)
        binaryReported |= issue.describe().find("REG_BINARY") != std::string::npos;
    EXPECT_TRUE(binaryReported);
}

TEST_F(RegistrySourceWin, ReadsTheExampleRegFileImportedWithRegImport) {
    const auto r0 = reg("import \"" + wineDosPath(MPA_SOURCE_DIR) +
                        "\\policies\\examples\\metalama-policy.reg\" /reg:64");
    ASSERT_EQ(r0.exitCode, 0u) << r0.output;
    const auto r = read();
    EXPECT_TRUE(r.issues.empty());
    const auto merged = mergePolicy(builtinCatalog(), {r});
    EXPECT_TRUE(merged.issues.empty()) << merged.issues.front().describe();
    EXPECT_EQ(merged.find("TelemetryOptOut")->value, PolicyValue(true));
    EXPECT_EQ(merged.find("DeviceIdRotationDays")->value, PolicyValue(std::int64_t{30}));
    EXPECT_EQ(merged.find("DeviceIdResetToken")->value, PolicyValue(std::string("2026-11-reset")));
    EXPECT_GE(merged.values.size(), 9u);
}

TEST_F(RegistrySourceWin, AValueTheMdmAppliedIsAttributedToIntuneWithTheEnrollment) {
    regAdd(kPolicyKey, "TelemetryOptOut", "REG_DWORD", "1");
    regAdd(kPolicyKey, "DisableUsageReporting", "REG_DWORD", "1");
    regAdd(kMdmArea, "TelemetryOptOut_WinningProvider", "REG_SZ",
           "{8A2E3F1C-0000-4B5D-9C6E-123456789ABC}");
    const auto r = read();
    EXPECT_EQ(findValue(r, "TelemetryOptOut")->from.source, "MDM (Intune)");
    EXPECT_NE(findValue(r, "TelemetryOptOut")->from.origin.find("8A2E3F1C"), std::string::npos);
    EXPECT_EQ(findValue(r, "DisableUsageReporting")->from.source, "Group Policy");
}

TEST_F(RegistrySourceWin, AMissingKeyIsNoPolicyAndNoIssue) {
    regDeleteKey(kPolicyKey);
    const auto r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(r.issues.empty());
}

TEST_F(RegistrySourceWin, TheLocalGpoRegistryPolIsShownAsInformation) {
    ScratchDir root;
    context.settings.root = root.path();
    // The same bytes gpedit.msc saves: "PReg", version 1, one DWORD record.
    std::string pol("PReg\x01\x00\x00\x00", 8);
    auto utf16 = [](const std::string& s) {
        std::string out;
        for (char c : s) out += std::string{c, '\0'};
        return out + std::string(2, '\0');
    };
    pol += std::string("[\0", 2) + utf16("SOFTWARE\\Policies\\PostSharp\\Metalama") +
           std::string(";\0", 2) + utf16("TelemetryOptOut") + std::string(";\0", 2) +
           std::string("\x04\0\0\0", 4) + std::string(";\0", 2) + std::string("\x04\0\0\0", 4) +
           std::string(";\0", 2) + std::string("\x01\0\0\0", 4) + std::string("]\0", 2);
    root.write("C/windows/System32/GroupPolicy/Machine/Registry.pol", pol);
    const auto r = read();
    ASSERT_FALSE(r.informational.empty());
    bool shown = false;
    for (const auto& line : r.informational)
        shown |= line.find("Local Group Policy") != std::string::npos &&
                 line.find("TelemetryOptOut = integer 1") != std::string::npos;
    EXPECT_TRUE(shown) << r.informational.front();
    EXPECT_TRUE(r.values.empty());  // informational only
}

class EnvironmentTargetWin : public ::testing::Test {
  protected:
    void SetUp() override {
        reg("delete \"" + std::string(kEnvironmentKey) + "\" /v " +
            "METALAMA_TELEMETRY_OPT_OUT /f /reg:64");
    }
    void TearDown() override { SetUp(); }
    std::vector<Finding> pass(bool wanted, RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        DesiredState desired;
        desired.managed = wanted;
        if (wanted)
            desired.environment.push_back(
                {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"});
        return makeWindowsEnvironmentTarget()->reconcile(run, desired).toVector();
    }
    static ToolResult query() {
        return reg("query \"" + std::string(kEnvironmentKey) +
                   "\" /v METALAMA_TELEMETRY_OPT_OUT /reg:64");
    }
    AgentContext context;
    MemoryLedger ledger;
};

TEST_F(EnvironmentTargetWin, SetsTheValueReportsServicesPendingAndDeletesItOnRemoval) {
    ASSERT_NE(query().exitCode, 0u);  // absent
    auto findings = pass(true);
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].outcome, Outcome::Remediated) << findings[0].reason;
    EXPECT_EQ(findings[1].outcome, Outcome::Pending) << findings[1].reason;
    EXPECT_NE(findings[1].reason.find("next boot"), std::string::npos);
    const auto q = query();
    ASSERT_EQ(q.exitCode, 0u) << q.output;
    EXPECT_NE(q.output.find("REG_SZ"), std::string::npos) << q.output;
    EXPECT_NE(q.output.find("METALAMA_TELEMETRY_OPT_OUT"), std::string::npos) << q.output;
    EXPECT_NE(q.output.find("    1"), std::string::npos) << q.output;

    findings = pass(true);
    EXPECT_EQ(findings[0].outcome, Outcome::Compliant);

    findings = pass(false);
    EXPECT_EQ(findings[0].outcome, Outcome::Restored) << findings[0].reason;
    EXPECT_NE(query().exitCode, 0u);  // a value that was not there is deleted
}

TEST_F(EnvironmentTargetWin, APriorValueComesBackAndDriftIsRepaired) {
    regAdd(kEnvironmentKey, "METALAMA_TELEMETRY_OPT_OUT", "REG_SZ", "0");
    auto findings = pass(true);
    EXPECT_EQ(findings[0].outcome, Outcome::Remediated);
    regAdd(kEnvironmentKey, "METALAMA_TELEMETRY_OPT_OUT", "REG_SZ", "false");  // drift
    findings = pass(true);
    EXPECT_EQ(findings[0].outcome, Outcome::DriftRepaired);
    EXPECT_NE(query().output.find("    1"), std::string::npos);
    findings = pass(true, RunMode::AuditOnly);
    EXPECT_EQ(findings[0].outcome, Outcome::Compliant);
    findings = pass(false);
    EXPECT_EQ(findings[0].outcome, Outcome::Restored);
    const auto q = query();
    EXPECT_NE(q.output.find("REG_SZ    0"), std::string::npos) << q.output;
}

// A value set by hand as REG_EXPAND_SZ comes back expandable (as REG_SZ, a "%USERPROFILE%\..."
// value would no longer be expanded); a plain value set by hand later comes back REG_SZ.
TEST_F(EnvironmentTargetWin, AnExpandablePriorValueComesBackExpandable) {
    regAdd(kEnvironmentKey, "METALAMA_TELEMETRY_OPT_OUT", "REG_EXPAND_SZ", "off");
    auto findings = pass(true);
    EXPECT_EQ(findings[0].outcome, Outcome::Remediated) << findings[0].reason;
    EXPECT_NE(query().output.find("REG_SZ    1"), std::string::npos) << query().output;
    findings = pass(true);
    EXPECT_EQ(findings[0].outcome, Outcome::Compliant);
    findings = pass(false);
    EXPECT_EQ(findings[0].outcome, Outcome::Restored) << findings[0].reason;
    EXPECT_NE(query().output.find("REG_EXPAND_SZ    off"), std::string::npos) << query().output;

    regAdd(kEnvironmentKey, "METALAMA_TELEMETRY_OPT_OUT", "REG_SZ", "0");
    pass(true);
    findings = pass(false);
    EXPECT_EQ(findings[0].outcome, Outcome::Restored) << findings[0].reason;
    EXPECT_NE(query().output.find("REG_SZ    0"), std::string::npos) << query().output;
}

// Metalama's variable and two other tools': one REG_SZ value, one finding, one ledger entry each.
TEST_F(EnvironmentTargetWin, EachVariableIsItsOwnValueAndGoesWithItsPolicy) {
    auto queryOf = [](const std::string& name) {
        return reg("query \"" + std::string(kEnvironmentKey) + "\" /v " + name + " /reg:64");
    };
    auto clear = [] {
        for (const char* name : {"DO_NOT_TRACK", "DOTNET_CLI_TELEMETRY_OPTOUT"})
            reg("delete \"" + std::string(kEnvironmentKey) + "\" /v " + name + " /f /reg:64");
    };
    clear();
    regAdd(kEnvironmentKey, "DO_NOT_TRACK", "REG_SZ", "0");
    auto desired = [](bool doNotTrack) {
        DesiredState d;
        d.managed = true;
        d.environment = {{"DOTNET_CLI_TELEMETRY_OPTOUT", "1", "dotnet-sdk", "p1"}};
        if (doNotTrack) d.environment.push_back({"DO_NOT_TRACK", "1", "do-not-track", "p2"});
        d.environment.push_back(
            {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"});
        return d;
    };
    const std::string prefix = std::string(kEnvironmentKey) + "\\";
    auto find = [](const FindingLog& findings, const std::string& subject) {
        for (const auto& f : findings)
            if (f.subject == subject) return f;
        return Finding::failed("", subject, "no finding");
    };
    TargetRun run{context, ledger, RunMode::Enforce};
    auto findings = makeWindowsEnvironmentTarget()->reconcile(run, desired(true));
    ASSERT_EQ(findings.size(), 6u);  // the value and the services subject of each variable
    for (const char* name :
         {"DOTNET_CLI_TELEMETRY_OPTOUT", "DO_NOT_TRACK", "METALAMA_TELEMETRY_OPT_OUT"}) {
        EXPECT_EQ(find(findings, prefix + name).outcome, Outcome::Remediated) << name;
        EXPECT_NE(queryOf(name).output.find("    1"), std::string::npos) << name;
    }
    EXPECT_EQ(find(findings, prefix + "DO_NOT_TRACK").tool, "do-not-track");
    EXPECT_EQ(find(findings, prefix + "METALAMA_TELEMETRY_OPT_OUT").tool, "");
    EXPECT_EQ(find(findings, "services (service control manager environment)#DO_NOT_TRACK").outcome,
              Outcome::Pending);

    // DO_NOT_TRACK's policy goes: its prior value comes back, the others stay.
    findings = makeWindowsEnvironmentTarget()->reconcile(run, desired(false));
    EXPECT_EQ(find(findings, prefix + "DO_NOT_TRACK").outcome, Outcome::Restored);
    EXPECT_EQ(find(findings, prefix + "DOTNET_CLI_TELEMETRY_OPTOUT").outcome, Outcome::Compliant);
    EXPECT_NE(queryOf("DO_NOT_TRACK").output.find("REG_SZ    0"), std::string::npos);
    EXPECT_NE(queryOf("DOTNET_CLI_TELEMETRY_OPTOUT").output.find("    1"), std::string::npos);

    // Revert restores every variable the ledger holds: values that were not there are deleted.
    makeWindowsEnvironmentTarget()->revert(run);
    EXPECT_NE(queryOf("DOTNET_CLI_TELEMETRY_OPTOUT").exitCode, 0u);
    EXPECT_NE(query().exitCode, 0u);
    EXPECT_NE(queryOf("DO_NOT_TRACK").output.find("REG_SZ    0"), std::string::npos);
    EXPECT_TRUE(ledger.list("windows-environment").empty());
    clear();
}

class ProfilesWin : public ::testing::Test {
  protected:
    void SetUp() override {
        regAdd(sidKey(kAlice), "ProfileImagePath", "REG_EXPAND_SZ", "%SystemDrive%\\Users\\alice");
        regAdd(sidKey(kBob), "ProfileImagePath", "REG_SZ", "C:\\Users\\bob");  // no directory
        regAdd(sidKey("S-1-5-19"), "ProfileImagePath", "REG_EXPAND_SZ",
               "%systemroot%\\ServiceProfiles\\LocalService");
        root.mkdirs("C/Users/alice/AppData/Roaming/.metalama");
        root.mkdirs("C/Users/Default");
        root.mkdirs("C/windows/ServiceProfiles/LocalService");
        context.settings.root = root.path();
        context.platform = PlatformProfile::Windows;
    }
    void TearDown() override {
        regDeleteKey(sidKey(kAlice));
        regDeleteKey(sidKey(kBob));
        regDeleteKey(sidKey("S-1-5-19"));
    }
    static std::string sidKey(const std::string& sid) {
        return std::string(kProfileList) + "\\" + sid;
    }
    static constexpr const char* kAlice = "S-1-5-21-1111-2222-3333-1001";
    static constexpr const char* kBob = "S-1-5-21-1111-2222-3333-1002";
    ScratchDir root;
    AgentContext context;
};

TEST_F(ProfilesWin, ProfileListGivesPeopleWithADirectoryAndTheDefaultTemplate) {
    std::vector<std::string> errors;
    const auto profiles = listMetalamaProfiles(context, errors);
    std::vector<std::string> homes;
    for (const auto& p : profiles) homes.push_back(p.home);
    EXPECT_NE(std::find(homes.begin(), homes.end(), "C:/Users/alice"), homes.end());
    EXPECT_EQ(std::find(homes.begin(), homes.end(), "C:/Users/bob"), homes.end());  // missing
    for (const auto& h : homes) EXPECT_EQ(h.find("ServiceProfiles"), std::string::npos) << h;
    ASSERT_FALSE(profiles.empty());
    EXPECT_TRUE(profiles.back().isTemplate);
    EXPECT_EQ(profiles.back().home, "C:/Users/Default");
}

TEST_F(ProfilesWin, TheTelemetryTargetWritesTheProfilesGenerationAndTheTemplate) {
    MemoryLedger ledger;
    TargetRun run{context, ledger, RunMode::Enforce};
    DesiredState desired;
    desired.managed = true;
    desired.usage = desired.exception = desired.performance = ActionRequirement::ForceNo;
    auto findings = TelemetryJsonTarget().reconcile(run, desired);
    std::string all;
    for (const auto& f : findings)
        all += f.subject + ": " + std::string(toString(f.outcome)) + " " + f.reason + "\n";
    // alice has the older generation only: Metalama uses it, so the agent does too.
    EXPECT_FALSE(root.exists("C/Users/alice/AppData/Local/Metalama")) << all;
    for (const char* rel : {"C/Users/alice/AppData/Roaming/.metalama/telemetry.json",
                            "C/Users/Default/AppData/Local/Metalama/telemetry.json"}) {
        ASSERT_TRUE(root.exists(rel)) << rel << "\n" << all;
        const auto doc = json::ObjectDocument::parse(root.read(rel), nullptr);
        ASSERT_TRUE(doc) << rel;
        EXPECT_EQ(doc->getInteger("UsageReportingAction"), 2) << rel;
        EXPECT_EQ(doc->getString("DeviceId").value_or("").size(), 36u) << rel;
    }
    for (const auto& f : findings)
        EXPECT_NE(f.outcome, Outcome::Failed) << f.subject << ": " << f.reason;
    findings = TelemetryJsonTarget().reconcile(run, desired);
    for (const auto& f : findings) {
        if (f.target != "telemetry-json") continue;
        EXPECT_TRUE(f.outcome == Outcome::Compliant || f.outcome == Outcome::NotApplicable)
            << f.subject << ": " << f.reason;
    }
}

TEST_F(ProfilesWin, WhileMetalamaHoldsItsMutexTheFileIsLeftAndRetriedNextPass) {
    // Another thread plays the running Metalama: it owns the directory's named mutex.
    const auto name =
        platform::metalamaDirectoryMutexName("C:/Users/alice/AppData/Roaming/.metalama");
    HANDLE release = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    HANDLE owned = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    std::thread metalama([&] {
        HANDLE mutex = ::CreateMutexW(nullptr, TRUE, platform::win32::widen(name).c_str());
        ::SetEvent(owned);
        ::WaitForSingleObject(release, INFINITE);
        ::ReleaseMutex(mutex);
        ::CloseHandle(mutex);
    });
    ::WaitForSingleObject(owned, INFINITE);
    MemoryLedger ledger;
    TargetRun run{context, ledger, RunMode::Enforce};
    DesiredState desired;
    desired.managed = true;
    desired.usage = desired.exception = desired.performance = ActionRequirement::ForceNo;
    const auto findings = TelemetryJsonTarget().reconcile(run, desired).toVector();
    const Finding* busy = nullptr;
    for (const auto& f : findings)
        if (f.subject == "C:/Users/alice/AppData/Roaming/.metalama/telemetry.json") busy = &f;
    ASSERT_NE(busy, nullptr);
    EXPECT_EQ(busy->outcome, Outcome::Failed);
    EXPECT_NE(busy->reason.find("busy, retry next pass"), std::string::npos) << busy->reason;
    EXPECT_NE(busy->reason.find(name), std::string::npos) << busy->reason;
    EXPECT_FALSE(root.exists("C/Users/alice/AppData/Roaming/.metalama/telemetry.json"));
    ::SetEvent(release);
    metalama.join();
    ::CloseHandle(release);
    ::CloseHandle(owned);
    TelemetryJsonTarget().reconcile(run, desired);
    EXPECT_TRUE(root.exists("C/Users/alice/AppData/Roaming/.metalama/telemetry.json"));
}

// Group Policy deletes and recreates its keys on refresh: a watch kept on the deleted key's
// handle would never fire again. Each re-arm opens the key again by name.
bool reportedWithin(platform::ChangeWatcher& watcher, const std::string& path, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    bool seen = false;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto events = watcher.wait(std::chrono::milliseconds(seen ? 200 : 500));
        if (seen && events.changed.empty()) break;
        seen |=
            std::find(events.changed.begin(), events.changed.end(), path) != events.changed.end();
    }
    return seen;
}

TEST(ChangeWatcherWin, ARegistryKeyDeletedAndRecreatedIsStillWatched) {
    regDeleteKey(kPolicyKey);
    regAdd(kPolicyKey, "TelemetryOptOut", "REG_DWORD", "1");
    Status status;
    auto watcher = platform::ChangeWatcher::create(&status);
    ASSERT_TRUE(watcher) << status.error;
    const std::string path = std::string("registry:") + kPolicyKey;
    ASSERT_TRUE(watcher->watch({path}));
    regDeleteKey(kPolicyKey);
    EXPECT_TRUE(reportedWithin(*watcher, path, 5)) << "deleting the key";
    regAdd(kPolicyKey, "TelemetryOptOut", "REG_DWORD", "0");
    EXPECT_TRUE(reportedWithin(*watcher, path, 5)) << "creating it again";
    regAdd(kPolicyKey, "TelemetryOptOut", "REG_DWORD", "1");
    EXPECT_TRUE(reportedWithin(*watcher, path, 5)) << "a value of the recreated key";
    regDeleteKey(kPolicyKey);
}

// One WaitForMultipleObjects takes 64 handles, and a terminal server has two paths for each of
// hundreds of profiles: every path is watched (the thread pool waits on the handles), a change
// to the last one listed is reported as well as to the first, and each again after a re-arm.
TEST(ChangeWatcherWin, HundredsOfPathsAreEachWatched) {
    ScratchDir root;
    std::vector<std::string> paths;
    for (int i = 0; i < 200; ++i) {
        root.mkdirs("p" + std::to_string(i));
        paths.push_back(root.abs("p" + std::to_string(i) + "/telemetry.json"));
    }
    Status status;
    auto watcher = platform::ChangeWatcher::create(&status);
    ASSERT_TRUE(watcher) << status.error;
    const auto watched = watcher->watch(paths);
    EXPECT_TRUE(watched) << watched.error;
    EXPECT_EQ(watcher->watchCount(), 200u);
    EXPECT_TRUE(watcher->shortfall().unwatched.empty());
    for (const int i : {199, 0, 137, 199}) {
        root.write("p" + std::to_string(i) + "/telemetry.json",
                   "{\"n\": " + std::to_string(i) + "}");
        EXPECT_TRUE(reportedWithin(*watcher, paths[i], 5)) << paths[i];
    }
    // A new list drops what the old one's watches noted.
    EXPECT_TRUE(watcher->watch(std::vector<std::string>(paths.begin(), paths.begin() + 10)));
    EXPECT_EQ(watcher->watchCount(), 10u);
    root.write("p150/telemetry.json", "{}");
    EXPECT_FALSE(reportedWithin(*watcher, paths[150], 1));
}

TEST(SafeFsWin, ReplacesAtomicallyListsRenamesAndRemoves) {
    ScratchDir root;
    root.write("d/a.json", "old");
    Status status;
    const auto dir = platform::SafeDir::open(root.abs("d"), &status);
    ASSERT_TRUE(dir) << status.error;
    EXPECT_EQ(dir->path(), root.abs("d"));
    ASSERT_TRUE(dir->writeFileAtomic("a.json", "new", platform::Ownership{0, 0, 0644}).ok);
    EXPECT_EQ(root.read("d/a.json"), "new");
    ASSERT_TRUE(dir->writeFileAtomic("b.json", "fresh", platform::Ownership{0, 0, 0644}).ok);
    EXPECT_EQ(dir->list(&status), (std::vector<std::string>{"a.json", "b.json"}));  // no temp
    EXPECT_EQ(dir->stat("a.json").kind, platform::FileKind::Regular);
    EXPECT_EQ(dir->stat("a.json").size, 3u);
    EXPECT_TRUE(dir->renameEntry("b.json", "c.json").ok);
    EXPECT_TRUE(dir->removeFile("c.json").ok);
    EXPECT_TRUE(dir->removeFile("c.json").ok);  // idempotent
    EXPECT_EQ(dir->readFile("a.json", 1024).data, "new");
    EXPECT_TRUE(dir->readFile("nothing", 1024).missing);
    EXPECT_FALSE(dir->readFile("a.json", 2).status.ok);  // oversized
    bool missing = false;
    EXPECT_FALSE(platform::SafeDir::open(root.abs("no/such"), &status, &missing));
    EXPECT_TRUE(missing);
    EXPECT_FALSE(platform::SafeDir::open(root.abs("d/../d"), &status));
    EXPECT_TRUE(platform::SafeDir::open("C:/", &status)) << status.error;
    EXPECT_TRUE(platform::readFileNoFollow(root.abs("d/a.json"), 100).data == "new");
}

TEST(SafeFsWin, AHardLinkIsRefusedForReadingAndReplacing) {
    ScratchDir root;
    root.write("secret.json", "root only");
    root.mkdirs("d");
    ASSERT_TRUE(::CreateHardLinkW(platform::win32::nativePath(root.abs("d/t.json")).c_str(),
                                  platform::win32::nativePath(root.abs("secret.json")).c_str(),
                                  nullptr));
    Status status;
    const auto dir = platform::SafeDir::open(root.abs("d"), &status);
    ASSERT_TRUE(dir) << status.error;
    const auto read = dir->readFile("t.json", 1024);
    EXPECT_FALSE(read.status.ok);
    EXPECT_NE(read.status.error.find("hard links"), std::string::npos) << read.status.error;
    EXPECT_FALSE(dir->writeFileAtomic("t.json", "x", platform::Ownership{0, 0, 0644}).ok);
    EXPECT_EQ(root.read("secret.json"), "root only");
}

// The DACL of `path` in SDDL ("D:P(A;OICI;FA;;;SY)..."), empty when it cannot be read.
std::string daclText(const std::string& path) {
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (::GetNamedSecurityInfoW(platform::win32::nativePath(path).c_str(), SE_FILE_OBJECT,
                                DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                                &sd) != ERROR_SUCCESS)
        return {};
    wchar_t* sddl = nullptr;
    std::string text;
    if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, nullptr)) {
        text = platform::win32::narrow(sddl);
        ::LocalFree(sddl);
    }
    ::LocalFree(sd);
    return text;
}

TEST(PrivateFileWin, TheDatabaseDirectoryOnlySystemAndAdministratorsCanWrite) {
    ScratchDir root;
    const auto db = root.abs("ProgramData/Metalama/PolicyAgent/compliance.db");
    {
        const Status s = preparePrivateFile(db);
        ASSERT_TRUE(s.ok) << s.error;
    }
    const auto text = daclText(root.abs("ProgramData/Metalama/PolicyAgent"));
    ASSERT_FALSE(text.empty());
    {
        const Status s = checkPrivateFile(db);
        EXPECT_TRUE(s.ok) << s.error;
    }
    // Wine keeps a security descriptor only where it can store it in an extended attribute;
    // Debian's Wine 8 stores none at all (no user.wine.sd on ext4) and reports one made from the
    // Unix mode, whatever was set. The ACL is then not verifiable under Wine: this is a property
    // of the platform, not a missing tool, so the test says so and ends here (docs/building.md:
    // ACLs are among what only a real Windows shows); where Wine keeps it, it is checked.
    if (text.find("D:P") == std::string::npos && text.find(";;;WD)") != std::string::npos) {
        std::cout << "NOTE: Wine did not keep the ACL set on the directory; it reports " << text
                  << " (ACL not verified here)\n";
        return;
    }
    EXPECT_NE(text.find("D:P"), std::string::npos) << text;
    EXPECT_NE(text.find(";;;SY)"), std::string::npos) << text;
    EXPECT_NE(text.find(";;;BA)"), std::string::npos) << text;
    EXPECT_EQ(text.find(";;;WD)"), std::string::npos) << text;  // not Everyone
    EXPECT_EQ(text.find(";;;BU)"), std::string::npos) << text;  // not Users
}

// agent.yaml's audit_group on Windows: the named group gets an inherited read entry on the
// protected directory, and the database is still private (nobody else may write).
TEST(PrivateFileWin, TheAuditGroupGetsAnInheritedReadEntry) {
    ScratchDir root;
    const auto db = root.abs("ProgramData/Metalama/PolicyAgent/compliance.db");
    const auto dir = root.abs("ProgramData/Metalama/PolicyAgent");
    {
        const Status s = preparePrivateFile(db);
        ASSERT_TRUE(s.ok) << s.error;
    }
    {
        const Status s = grantDirectoryToAuditGroup(dir, "Users");
        ASSERT_TRUE(s.ok) << s.error;
    }
    {
        const Status s = grantDirectoryToAuditGroup(dir, "Users");
        ASSERT_TRUE(s.ok) << s.error;
    }  // idempotent
    const auto text = daclText(dir);
    ASSERT_FALSE(text.empty());
    {
        const Status s = checkPrivateFile(db);
        EXPECT_TRUE(s.ok) << s.error;
    }
    // The name lookup, the ACL calls and the error for an unknown name are checked whatever
    // Wine does; the resulting ACL only where Wine keeps it (see the test above).
    const Status unknown = grantDirectoryToAuditGroup(dir, "No Such Group Mpa");
    EXPECT_FALSE(unknown.ok);
    EXPECT_NE(unknown.error.find("audit group 'No Such Group Mpa'"), std::string::npos)
        << unknown.error;
    if (text.find("D:P") == std::string::npos && text.find(";;;WD)") != std::string::npos) {
        std::cout << "NOTE: Wine did not keep the ACL set on the directory; it reports " << text
                  << " (ACL not verified here)\n";
        return;
    }
    EXPECT_NE(text.find(";;;BU)"), std::string::npos) << text;  // Users, once
    EXPECT_EQ(text.find(";;;BU)"), text.rfind(";;;BU)")) << text;
    EXPECT_NE(text.find("D:P"), std::string::npos) << text;
}

}  // namespace
}  // namespace mpa
