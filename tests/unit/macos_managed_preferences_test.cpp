// The macOS managed-preferences source against real plist files in a scratch root: XML and
// binary (made by plistutil, as an MDM leaves them), the configuration profile the agent ships
// installed the way macOS installs it, malformed and untrusted files, user scope and the
// local administrator's file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <plist/plist.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/built_in_components.hpp"
#include "policy/policy_set.hpp"
#include "sources/managed_preferences_source.hpp"
#include "support/agent_process.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"
#include "util/plist_tree.hpp"
#include "util/text.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDevice = "Library/Managed Preferences/com.postsharp.metalama.plist";
constexpr const char* kDeviceLogical = "/Library/Managed Preferences/com.postsharp.metalama.plist";
constexpr const char* kLocal = "Library/Preferences/com.postsharp.metalama.plist";
constexpr const char* kAliceScope =
    "Library/Managed Preferences/alice/com.postsharp.metalama.plist";

class ManagedPreferences : public ::testing::Test {
  protected:
    void SetUp() override {
        context.settings.root = scratch.path();
        context.platform = PlatformProfile::MacOS;
    }

    SourceResult read() const { return ManagedPreferencesSource().read(context); }
    PolicySet merged() const { return mergePolicy(*context.catalog, {read()}); }

    // Converts `rel` in place to the binary format with plistutil.
    void toBinary(const std::string& rel) const {
        ASSERT_EQ(convertToBinaryPlist(scratch, rel), "");
    }

    static std::string issues(const std::vector<PolicyIssue>& list) {
        std::string out;
        for (const auto& i : list) out += i.describe() + "\n";
        return out;
    }

    ScratchDir scratch;
    AgentContext context;
};

const std::string kTwoPolicies = xmlPlist(
    "<dict>\n"
    "\t<key>TelemetryOptOut</key>\n\t<true/>\n"
    "\t<key>ReconcileIntervalMinutes</key>\n\t<integer>30</integer>\n"
    "</dict>\n");

TEST_F(ManagedPreferences, DeviceScopeXmlIsMandatoryOnThePlatformChannel) {
    scratch.write(kDevice, kTwoPolicies);
    const auto set = merged();
    EXPECT_EQ(issues(set.issues), "");
    ASSERT_EQ(set.values.size(), 2u);
    const auto* optOut = set.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value, PolicyValue(true));
    EXPECT_EQ(optOut->from.source, "Managed preferences (MDM)");
    EXPECT_EQ(optOut->from.origin, kDeviceLogical);
    EXPECT_EQ(optOut->from.level, PolicyLevel::Mandatory);
    EXPECT_EQ(optOut->from.precedence, SourcePrecedence::PlatformChannel);
    EXPECT_EQ(set.find("ReconcileIntervalMinutes")->value, PolicyValue(std::int64_t{30}));
}

TEST_F(ManagedPreferences, BinaryPlistReadsTheSameAsXml) {
    scratch.write(kDevice, kTwoPolicies);
    const auto fromXml = merged();
    toBinary(kDevice);
    ASSERT_EQ(scratch.read(kDevice).substr(0, 8), "bplist00");
    const auto fromBinary = merged();
    EXPECT_EQ(issues(fromBinary.issues), "");
    ASSERT_EQ(fromBinary.values.size(), fromXml.values.size());
    for (const auto& [name, effective] : fromXml.values)
        EXPECT_EQ(fromBinary.find(name)->value, effective.value) << name;
}

std::string readRepositoryFile(const std::string& rel) {
    std::ifstream in(sourceDir() + "/" + rel, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The profile's payload as macOS installs it into managed preferences: PayloadContent[0]
// without the Payload* keys, as an XML plist.
std::string installedPayload(const std::string& mobileconfig) {
    plist_t root = nullptr;
    plist_from_xml(mobileconfig.data(), static_cast<uint32_t>(mobileconfig.size()), &root);
    if (!root) return {};
    plist_t payload =
        plist_copy(plist_array_get_item(plist_dict_get_item(root, "PayloadContent"), 0));
    plist_free(root);
    std::vector<std::string> bookkeeping;
    for (const auto& [key, node] : plist::dictEntries(payload))
        if (startsWith(key, "Payload")) bookkeeping.push_back(key);
    for (const auto& key : bookkeeping) plist_dict_remove_item(payload, key.c_str());
    char* xml = nullptr;
    uint32_t length = 0;
    plist_to_xml(payload, &xml, &length);
    std::string out(xml, length);
    std::free(xml);
    plist_free(payload);
    return out;
}

// The profile in installer/macos, installed the way macOS does it, read back: exactly the policy
// it describes, every policy at its example value, nothing else and no issue. XML and binary.
class InstalledProfile : public ManagedPreferences, public ::testing::WithParamInterface<bool> {};

TEST_P(InstalledProfile, ReadsBackAsEveryPolicyAtItsExampleValue) {
    const auto payload =
        installedPayload(readRepositoryFile("installer/macos/com.postsharp.metalama.mobileconfig"));
    ASSERT_FALSE(payload.empty());
    ASSERT_EQ(payload.find("<key>Payload"), std::string::npos);
    scratch.write(kDevice, payload);
    if (GetParam()) toBinary(kDevice);
    const auto set = merged();
    EXPECT_EQ(issues(set.issues), "");
    EXPECT_EQ(set.values.size(), context.catalog->policies.size());
    for (const auto& def : context.catalog->policies) {
        const auto* effective = set.find(def.name);
        ASSERT_NE(effective, nullptr) << def.name;
        EXPECT_EQ(effective->value, def.example) << def.name;
        EXPECT_EQ(effective->from.level, PolicyLevel::Mandatory) << def.name;
        EXPECT_EQ(effective->from.precedence, SourcePrecedence::PlatformChannel) << def.name;
    }
}

INSTANTIATE_TEST_SUITE_P(XmlAndBinary, InstalledProfile, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "binary" : "xml"; });

TEST_F(ManagedPreferences, PayloadBookkeepingLeftInTheFileIsNotPolicy) {
    scratch.write(kDevice, xmlPlist("<dict>\n<key>PayloadUUID</key><string>X</string>\n"
                                    "<key>TelemetryOptOut</key><true/>\n</dict>\n"));
    const auto set = merged();
    EXPECT_EQ(issues(set.issues), "");
    EXPECT_EQ(set.values.size(), 1u);
}

TEST_F(ManagedPreferences, WrongTypesAreIssuesPerPolicyAndTheOtherValuesStillApply) {
    scratch.write(kDevice,
                  xmlPlist("<dict>\n"
                           "<key>TelemetryOptOut</key><string>maybe</string>\n"
                           "<key>DisableUsageReporting</key><array><true/></array>\n"
                           "<key>DisableExceptionReporting</key><date>2026-01-01T00:00:00Z</date>\n"
                           "<key>DisablePerformanceProblemReporting</key><data>AQI=</data>\n"
                           "<key>ManageUserProfiles</key><dict/>\n"
                           "<key>ReconcileIntervalMinutes</key><real>30.5</real>\n"
                           "<key>ComplianceRetentionDays</key><integer>-5</integer>\n"
                           "<key>NoSuchPolicy</key><true/>\n"
                           "<key>DeviceIdRotationDays</key><integer>30</integer>\n"
                           "</dict>\n"));
    const auto set = merged();
    ASSERT_EQ(set.values.size(), 1u) << issues(set.issues);
    EXPECT_EQ(set.find("DeviceIdRotationDays")->value, PolicyValue(std::int64_t{30}));
    const auto text = issues(set.issues);
    for (const char* expected : {"TelemetryOptOut", "string \"maybe\"", "an array", "a date",
                                 "data", "a dictionary", "30.5", "-5", "NoSuchPolicy"})
        EXPECT_THAT(text, HasSubstr(expected));
    for (const auto& issue : set.issues) {
        EXPECT_FALSE(issue.blocksSource) << issue.describe();
        EXPECT_EQ(issue.origin, kDeviceLogical);
    }
}

struct Broken {
    const char* name;
    std::string content;
    const char* message;
};

class MalformedPlist : public ManagedPreferences, public ::testing::WithParamInterface<Broken> {};

TEST_P(MalformedPlist, BlocksTheFileWithAnIssueNamingIt) {
    scratch.write(kDevice, GetParam().content);
    const auto result = read();
    EXPECT_TRUE(result.values.empty());
    ASSERT_EQ(result.issues.size(), 1u) << issues(result.issues);
    EXPECT_EQ(result.issues[0].origin, kDeviceLogical);
    EXPECT_TRUE(result.issues[0].blocksSource);
    EXPECT_THAT(result.issues[0].message, HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Files, MalformedPlist,
    ::testing::Values(Broken{"truncated_xml", kTwoPolicies.substr(0, kTwoPolicies.size() / 2),
                             "not a readable XML property list"},
                      Broken{"not_a_plist", "TelemetryOptOut = true\n",
                             "not a readable XML property list"},
                      Broken{"empty", "", "not a readable XML property list"},
                      Broken{"array_root", xmlPlist("<array><true/></array>\n"),
                             "the root is array, not a dictionary"},
                      Broken{"string_root", xmlPlist("<string>TelemetryOptOut</string>\n"),
                             "the root is string, not a dictionary"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(ManagedPreferences, ABinaryPlistCutInHalfBlocksTheFile) {
    scratch.write(kDevice, kTwoPolicies);
    toBinary(kDevice);
    const auto binary = scratch.read(kDevice);
    scratch.write(kDevice, binary.substr(0, binary.size() / 2));
    const auto result = read();
    EXPECT_TRUE(result.values.empty());
    ASSERT_EQ(result.issues.size(), 1u) << issues(result.issues);
    EXPECT_TRUE(result.issues[0].blocksSource);
    EXPECT_THAT(result.issues[0].message, HasSubstr("binary property list"));
}

TEST_F(ManagedPreferences, UntrustedFilesAreRefused) {
    scratch.mkdirs("elsewhere");
    scratch.write("elsewhere/real.plist", kTwoPolicies);
    scratch.symlink(scratch.abs("elsewhere/real.plist"), kDevice);
    auto result = read();
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_THAT(result.issues[0].message, HasSubstr("symbolic link"));
    EXPECT_TRUE(result.issues[0].blocksSource);
    EXPECT_TRUE(result.values.empty());

    ::unlink(scratch.abs(kDevice).c_str());
    scratch.write(kDevice, kTwoPolicies, 0666);
    result = read();
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_THAT(result.issues[0].message, HasSubstr("writable by group or others (mode 0666)"));
    EXPECT_TRUE(result.values.empty());

    scratch.write(kDevice, std::string(kMaxPreferencesFileBytes + 1, ' '), 0644);
    result = read();
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_THAT(result.issues[0].message, HasSubstr("larger than 1 MiB"));

    if (::geteuid() == 0) {
        scratch.write(kDevice, kTwoPolicies, 0644);
        ASSERT_EQ(::chown(scratch.abs(kDevice).c_str(), 501, 20), 0);
        result = read();
        ASSERT_EQ(result.issues.size(), 1u);
        EXPECT_THAT(result.issues[0].message, HasSubstr("owned by uid 501, not by root"));
        EXPECT_TRUE(result.values.empty());
    }
}

TEST_F(ManagedPreferences, UserScopeIsReportedNotEnforced) {
    scratch.write(kAliceScope, kTwoPolicies);
    const auto result = read();
    EXPECT_TRUE(result.values.empty());
    ASSERT_EQ(result.informational.size(), 1u);
    EXPECT_THAT(result.informational[0], HasSubstr("user scope of alice"));
    EXPECT_THAT(result.informational[0], HasSubstr("TelemetryOptOut = boolean true"));
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_EQ(result.issues[0].message,
              "user-scope policy is reported, not enforced: the agent enforces machine scope");
    EXPECT_FALSE(result.issues[0].blocksSource);
    EXPECT_EQ(result.issues[0].origin, "/" + std::string(kAliceScope));

    // A broken user-scope file is reported too, and never blocks the machine's policy.
    scratch.write(kAliceScope, "garbage");
    scratch.write(kDevice, kTwoPolicies);
    const auto withDevice = read();
    EXPECT_EQ(withDevice.values.size(), 2u);
    ASSERT_EQ(withDevice.issues.size(), 1u);
    EXPECT_FALSE(withDevice.issues[0].blocksSource);
}

TEST_F(ManagedPreferences, TheLocalAdministratorsFileIsAtMostRecommended) {
    scratch.write(kLocal, xmlPlist("<dict>\n<key>TelemetryOptOut</key><false/>\n"
                                   "<key>EnforcementMode</key><string>AuditOnly</string>\n"
                                   "<key>DisableUsageReporting</key><true/>\n</dict>\n"));
    scratch.write(kDevice, xmlPlist("<dict>\n<key>TelemetryOptOut</key><true/>\n</dict>\n"));
    const auto set = merged();
    const auto* optOut = set.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value, PolicyValue(true));  // the MDM's mandatory value wins
    ASSERT_EQ(optOut->overridden.size(), 1u);
    EXPECT_EQ(optOut->overridden[0].from.source, kLocalPreferencesSourceName);
    EXPECT_EQ(optOut->overridden[0].from.level, PolicyLevel::Recommended);
    const auto* usage = set.find("DisableUsageReporting");
    ASSERT_NE(usage, nullptr);
    EXPECT_EQ(usage->from.level, PolicyLevel::Recommended);
    EXPECT_EQ(usage->from.origin, "/" + std::string(kLocal));
    // EnforcementMode has no recommended form: refused, not silently made mandatory.
    EXPECT_EQ(set.find("EnforcementMode"), nullptr);
    EXPECT_THAT(issues(set.issues), HasSubstr("EnforcementMode"));
}

TEST_F(ManagedPreferences, NothingConfiguredIsSilenceAndTheDirectoriesAreWatched) {
    const auto result = read();
    EXPECT_TRUE(result.values.empty());
    EXPECT_TRUE(result.issues.empty());
    EXPECT_THAT(ManagedPreferencesSource().watchPaths(context),
                ::testing::ElementsAre(scratch.abs("Library/Managed Preferences"),
                                       scratch.abs("Library/Preferences")));
}

TEST_F(ManagedPreferences, IsTheMacosSourceInTheRegistry) {
    std::vector<std::string> names;
    for (const auto& source : makePolicySources(context)) names.push_back(source->name());
    EXPECT_THAT(names, ::testing::ElementsAre("Managed preferences (MDM)"));
}

}  // namespace
}  // namespace mpa::test
