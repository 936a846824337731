// Tool telemetry policies end to end through the Windows registry channel, with the real
// metalama-policy-agent.exe (under Wine on the build machine): three mandatory tool policies
// and one recommended, written to the policy key with the Win32 API as the Group Policy client
// would; `apply` sets every variable they ask for machine-wide (one value each in the Session
// Manager's Environment key) and the per-user files in the profile ProfileList names (Wine's
// user, %USERPROFILE%); `status --json` reports each tool; with the policies deleted, `apply`
// puts every registry value and every file back exactly as it was. The registry and the profile
// are the prefix's own (the registry is never relocated), so the fixture saves what it touches
// and puts it back whatever the test did.
// Poco (through the support header) includes winsock2.h, which must come before windows.h.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <windows.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "platform/win32_support.hpp"
#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "support/tool_policy_report.hpp"

namespace mpa::test {
namespace {

namespace fs = std::filesystem;
using platform::win32::narrow;
using platform::win32::widen;

constexpr const wchar_t* kVendorKey = L"SOFTWARE\\Policies\\PostSharp";
constexpr const wchar_t* kPolicyKey = L"SOFTWARE\\Policies\\PostSharp\\Metalama";
constexpr const wchar_t* kRecommendedKey = L"SOFTWARE\\Policies\\PostSharp\\Metalama\\Recommended";
constexpr const wchar_t* kEnvironmentKey =
    L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

// One registry value: its type and its bytes.
struct RegValue {
    DWORD type = 0;
    std::vector<BYTE> data;
    bool operator==(const RegValue& o) const { return type == o.type && data == o.data; }
};
using RegValues = std::map<std::wstring, RegValue>;

bool keyExists(const wchar_t* path) {
    platform::win32::KeyGuard key;
    return ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, key.out()) == ERROR_SUCCESS;
}

// Every value of an HKLM key (none when the key is missing).
RegValues readValues(const wchar_t* path) {
    RegValues values;
    platform::win32::KeyGuard key;
    if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, key.out()) != ERROR_SUCCESS)
        return values;
    DWORD count = 0, maxName = 0, maxData = 0;
    if (::RegQueryInfoKeyW(key.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &count,
                           &maxName, &maxData, nullptr, nullptr) != ERROR_SUCCESS)
        return values;
    for (DWORD i = 0; i < count; ++i) {
        std::wstring name(maxName + 1, L'\0');
        DWORD nameLength = maxName + 1;
        RegValue value;
        value.data.resize(maxData);
        DWORD dataLength = maxData;
        if (::RegEnumValueW(key.get(), i, name.data(), &nameLength, nullptr, &value.type,
                            value.data.data(), &dataLength) != ERROR_SUCCESS)
            continue;
        name.resize(nameLength);
        value.data.resize(dataLength);
        values[name] = value;
    }
    return values;
}

// Makes an HKLM key hold exactly `values`.
void writeValues(const wchar_t* path, const RegValues& values) {
    for (const auto& [name, value] : readValues(path))
        if (!values.count(name)) ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, path, name.c_str());
    for (const auto& [name, value] : values)
        ::RegSetKeyValueW(HKEY_LOCAL_MACHINE, path, name.c_str(), value.type, value.data.data(),
                          static_cast<DWORD>(value.data.size()));
}

std::string describe(const RegValues& values) {
    std::string out;
    for (const auto& [name, value] : values) {
        out += narrow(name) + " type " + std::to_string(value.type);
        if (value.type == REG_SZ || value.type == REG_EXPAND_SZ)
            out += " '" +
                   narrow(std::wstring(reinterpret_cast<const wchar_t*>(value.data.data()),
                                       value.data.size() / sizeof(wchar_t))
                              .c_str()) +
                   "'";
        out += "\n";
    }
    return out;
}

RegValue stringValue(DWORD type, const std::wstring& text) {
    RegValue v;
    v.type = type;
    const auto* bytes = reinterpret_cast<const BYTE*>(text.c_str());
    v.data.assign(bytes, bytes + (text.size() + 1) * sizeof(wchar_t));
    return v;
}

// A machine-environment variable as REG_SZ/REG_EXPAND_SZ text, or "<absent>".
std::string machineVariable(const RegValues& environment, const std::string& name) {
    const auto found = environment.find(widen(name));
    if (found == environment.end()) return "<absent>";
    const auto& v = found->second;
    if (v.type != REG_SZ && v.type != REG_EXPAND_SZ) return "<type " + std::to_string(v.type) + ">";
    return narrow(std::wstring(reinterpret_cast<const wchar_t*>(v.data.data()),
                               v.data.size() / sizeof(wchar_t))
                      .c_str());
}

// The tools' per-user paths in a profile, below its directory: each file or directory (path ->
// bytes or "<dir>"). Only these: the rest of Wine's profile links into the host's home.
const std::vector<std::string> kProfilePaths = {".azure", ".angular-config.json"};

std::map<std::string, std::string> snapshotProfile(const fs::path& home) {
    std::map<std::string, std::string> tree;
    auto add = [&](const fs::path& p) {
        const auto rel = fs::relative(p, home).generic_string();
        if (fs::is_directory(p)) {
            tree[rel] = "<dir>";
        } else {
            std::ifstream in(p, std::ios::binary);
            tree[rel] = std::string(std::istreambuf_iterator<char>(in), {});
        }
    };
    for (const auto& rel : kProfilePaths) {
        const auto p = home / rel;
        if (!fs::exists(p)) continue;
        add(p);
        if (fs::is_directory(p))
            for (const auto& entry : fs::recursive_directory_iterator(p)) add(entry.path());
    }
    return tree;
}

// Puts the tools' paths of a profile back as `tree` holds them.
void restoreProfile(const fs::path& home, const std::map<std::string, std::string>& tree) {
    const auto now = snapshotProfile(home);
    // Deepest first, so a directory is empty when its turn comes.
    for (auto it = now.rbegin(); it != now.rend(); ++it) {
        const auto found = tree.find(it->first);
        if (found == tree.end() || (found->second == "<dir>") != (it->second == "<dir>")) {
            std::error_code ignored;
            fs::remove_all(home / it->first, ignored);
        }
    }
    for (const auto& [rel, bytes] : tree) {
        if (bytes == "<dir>") {
            fs::create_directories(home / rel);
        } else {
            std::ofstream out(home / rel, std::ios::binary | std::ios::trunc);
            out << bytes;
        }
    }
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A finding line ("outcome subject") of a subject the agent enforced or found enforced.
bool enforced(const std::string& line) {
    for (const char* outcome : {"compliant ", "remediated ", "drift repaired ", "repaired "})
        if (line.rfind(outcome, 0) == 0) return true;
    return false;
}

class WindowsToolPolicyEnforcement : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const wchar_t* key : {kVendorKey, kPolicyKey, kRecommendedKey})
            keyExisted[key] = keyExists(key);
        savedPolicy = readValues(kPolicyKey);
        savedRecommended = readValues(kRecommendedKey);
        savedEnvironment = readValues(kEnvironmentKey);
        wchar_t profile[MAX_PATH];
        const DWORD length = ::GetEnvironmentVariableW(L"USERPROFILE", profile, MAX_PATH);
        ASSERT_GT(length, 0u) << "no USERPROFILE";
        ASSERT_LT(length, static_cast<DWORD>(MAX_PATH));
        home = fs::path(std::wstring(profile, length));
        ASSERT_TRUE(fs::is_directory(home)) << home.string();
        savedProfile = snapshotProfile(home);
        saved = true;

        // What an administrator's machine may already hold: a variable of the catalog set by
        // hand (expandable, to a value the policy overrides), and the user's own Azure CLI
        // settings (Windows line ends), which the agent must keep around its one key.
        auto environment = savedEnvironment;
        for (const char* name : {"DOTNET_CLI_TELEMETRY_OPTOUT", "AZURE_CORE_COLLECT_TELEMETRY",
                                 "DO_NOT_TRACK", "METALAMA_TELEMETRY_OPT_OUT"})
            environment.erase(widen(name));
        environment[L"DO_NOT_TRACK"] = stringValue(REG_EXPAND_SZ, L"0");
        writeValues(kEnvironmentKey, environment);
        std::error_code ignored;
        for (const auto& rel : kProfilePaths) fs::remove_all(home / rel, ignored);
        fs::create_directories(home / ".azure");
        std::ofstream(home / ".azure" / "config", std::ios::binary)
            << "[cloud]\r\nname = AzureCloud\r\n\r\n[core]\r\noutput = table\r\n";
        for (const auto& name : mandatoryToolPolicies())
            ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, widen(name).c_str());
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kRecommendedKey,
                             widen(recommendedToolPolicy()).c_str());
        ::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, L"TelemetryOptOut");
    }

    // Whatever happened: the prefix's registry and profile as they were before the test.
    void TearDown() override {
        if (!saved) return;
        restoreProfile(home, savedProfile);
        writeValues(kEnvironmentKey, savedEnvironment);
        writeValues(kPolicyKey, savedPolicy);
        writeValues(kRecommendedKey, savedRecommended);
        for (const wchar_t* key : {kRecommendedKey, kPolicyKey, kVendorKey})
            if (!keyExisted[key]) ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
    }

    void setPolicies() {
        const DWORD one = 1;
        for (const auto& name : mandatoryToolPolicies())
            ASSERT_EQ(::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, widen(name).c_str(),
                                        REG_DWORD, &one, sizeof one),
                      ERROR_SUCCESS);
        ASSERT_EQ(
            ::RegSetKeyValueW(HKEY_LOCAL_MACHINE, kRecommendedKey,
                              widen(recommendedToolPolicy()).c_str(), REG_DWORD, &one, sizeof one),
            ERROR_SUCCESS);
    }
    void deletePolicies() {
        for (const auto& name : mandatoryToolPolicies())
            EXPECT_EQ(::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kPolicyKey, widen(name).c_str()),
                      ERROR_SUCCESS);
        EXPECT_EQ(::RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, kRecommendedKey,
                                       widen(recommendedToolPolicy()).c_str()),
                  ERROR_SUCCESS);
    }

    // The live machine (the registry is never relocated), with the database in the scratch dir.
    ProcessResult runAgent(std::vector<std::string> args) {
        args.insert(args.begin(), agentBinary());
        args.insert(args.end(), {"--db", scratch.abs("compliance.db")});
        return runProcess(args, 120);
    }

    ScratchDir scratch;
    fs::path home;
    bool saved = false;
    std::map<const wchar_t*, bool> keyExisted;
    RegValues savedPolicy, savedRecommended, savedEnvironment;
    std::map<std::string, std::string> savedProfile;
};

TEST_F(WindowsToolPolicyEnforcement, RegistryPoliciesSetEveryToolAndTheirRemovalRestoresAll) {
    const auto environmentBefore = readValues(kEnvironmentKey);
    const auto profileBefore = snapshotProfile(home);
    setPolicies();

    const auto applied = runAgent({"apply"});
    // Services keep their environment until the next boot: "not compliant yet" (exit code 3).
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;

    // Every variable of the mandatory tools: one REG_SZ value each, machine-wide. The
    // recommended tool asks for none; Metalama's own policy is not set.
    const auto environment = readValues(kEnvironmentKey);
    EXPECT_EQ(machineVariable(environment, "DOTNET_CLI_TELEMETRY_OPTOUT"), "1");
    EXPECT_EQ(machineVariable(environment, "AZURE_CORE_COLLECT_TELEMETRY"), "false");
    EXPECT_EQ(machineVariable(environment, "DO_NOT_TRACK"), "1");
    for (const char* name :
         {"DOTNET_CLI_TELEMETRY_OPTOUT", "AZURE_CORE_COLLECT_TELEMETRY", "DO_NOT_TRACK"})
        EXPECT_EQ(environment.at(widen(name)).type, static_cast<DWORD>(REG_SZ)) << name;
    EXPECT_EQ(machineVariable(environment, "METALAMA_TELEMETRY_OPT_OUT"), "<absent>");
    EXPECT_EQ(machineVariable(environment, "NG_CLI_ANALYTICS"), "<absent>");
    for (const auto& [name, value] : environmentBefore) {
        if (name == L"DO_NOT_TRACK") continue;
        EXPECT_TRUE(environment.count(name) && environment.at(name) == value) << narrow(name);
    }

    // The per-user files of the profile ProfileList names (Wine's user, %USERPROFILE%): the
    // Azure CLI's key (mandatory) with the user's settings and line ends kept; the Angular
    // CLI's (recommended, the user had not chosen) created.
    const auto azure = readFile(home / ".azure" / "config");
    EXPECT_TRUE(contains(azure, "[cloud]\r\nname = AzureCloud\r\n")) << azure;
    EXPECT_TRUE(contains(azure, "output = table\r\n")) << azure;
    EXPECT_TRUE(contains(azure, "collect_telemetry = false\r\n")) << azure;
    const auto angular = parsePassJson(readFile(home / ".angular-config.json"));
    ASSERT_TRUE(angular && angular->getObject("cli"));
    EXPECT_FALSE(angular->getObject("cli")->getValue<bool>("analytics"));

    // status: each tool the policy names, every finding of it compliant but the services',
    // which see the variables at the next boot.
    const auto status = runAgent({"status", "--json"});
    const auto report = parsePassJson(status.out);
    ASSERT_TRUE(report) << status.err;
    std::map<std::string, Poco::JSON::Object::Ptr> tools;
    const auto toolArray = report->getArray("tools");
    ASSERT_TRUE(toolArray) << status.out;
    for (std::size_t i = 0; i < toolArray->size(); ++i) {
        const auto t = toolArray->getObject(static_cast<unsigned>(i));
        tools[t->getValue<std::string>("tool")] = t;
    }
    std::map<std::string, std::vector<std::string>> outcomes;  // tool -> "outcome subject"
    const auto findings = report->getArray("findings");
    ASSERT_TRUE(findings) << status.out;
    for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto f = findings->getObject(static_cast<unsigned>(i));
        outcomes[f->getValue<std::string>("tool")].push_back(
            f->getValue<std::string>("outcome") + " " + f->getValue<std::string>("subject"));
    }
    for (const char* tool : {"dotnet-sdk", "azure-cli", "do-not-track", "angular-cli"}) {
        SCOPED_TRACE(tool);
        ASSERT_TRUE(tools.count(tool)) << status.out;
        EXPECT_TRUE(tools.at(tool)->getValue<bool>("named"));
        std::size_t pending = 0;
        for (const auto& line : outcomes[tool]) {
            if (line.rfind("pending services", 0) == 0)
                ++pending;
            else
                EXPECT_TRUE(enforced(line)) << line;
        }
        const bool hasVariable = std::string(tool) != "angular-cli";
        EXPECT_EQ(pending, hasVariable ? 1u : 0u) << status.out;
        EXPECT_EQ(tools.at(tool)->getValue<std::string>("verdict"),
                  hasVariable ? "non-compliant" : "compliant");
        EXPECT_EQ(tools.at(tool)->getValue<Poco::Int64>("nonCompliant"),
                  static_cast<Poco::Int64>(pending));
    }
    // The profile the agent manages is the one ProfileList names for Wine's user, which is
    // %USERPROFILE% (in the agent's spelling, C:/users/<name>).
    const std::string logicalHome = platform::win32::logicalPath(home.wstring());
    std::string userFiles;
    for (const auto& line : outcomes["azure-cli"]) userFiles += line + "\n";
    for (const auto& line : outcomes["angular-cli"]) userFiles += line + "\n";
    EXPECT_TRUE(
        contains(userFiles, " " + logicalHome + "/.azure/config#[core] collect_telemetry\n"))
        << logicalHome << "\n"
        << userFiles;
    EXPECT_TRUE(contains(userFiles, " " + logicalHome + "/.angular-config.json#cli.analytics\n"))
        << logicalHome << "\n"
        << userFiles;

    // Removed: every value and every file exactly as before (the hand-set variable back as
    // REG_EXPAND_SZ "0", the others gone; the Angular CLI's file gone, the Azure CLI's back to
    // its bytes).
    deletePolicies();
    const auto restored = runAgent({"apply"});
    // No policy reaches the machine any more: "not managed" (exit code 4).
    EXPECT_EQ(restored.exitCode, 4) << restored.out << restored.err;
    EXPECT_NE(restored.out.find("Verdict: not managed"), std::string::npos) << restored.out;
    const auto environmentAfter = readValues(kEnvironmentKey);
    EXPECT_EQ(describe(environmentAfter), describe(environmentBefore));
    EXPECT_TRUE(environmentAfter == environmentBefore);
    EXPECT_EQ(fileDifferences(profileBefore, snapshotProfile(home)), "");
}

}  // namespace
}  // namespace mpa::test
