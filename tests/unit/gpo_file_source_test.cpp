// The Samba GPO cache source on scratch trees laid out as samba-gpupdate writes them.
#include "sources/gpo_file_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/policy_set.hpp"
#include "support/registry_pol_builder.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

using test::dwordBytes;
using test::pregHeader;
using test::pregRecord;
using test::pregSz;

const char* kKey = "SOFTWARE\\Policies\\PostSharp\\Metalama";
const char* kRecommended = "SOFTWARE\\Policies\\PostSharp\\Metalama\\Recommended";
const char* kGpoA = "{31B2F340-016D-11D2-945F-00C04FB984F9}";
const char* kGpoB = "{6AC1786C-016F-11D2-945F-00C04FB984F9}";
const std::string kCache = "/var/cache/samba/gpo_cache";

class GpoCache : public ::testing::Test {
  protected:
    AgentContext context() const {
        AgentContext c;
        c.settings.root = scratch.path();
        c.platform = PlatformProfile::Linux;
        applyDefaultSettings(c.settings, c.platform);
        c.settings.sambaGpoCache = kCache;  // the fallback is read only when configured
        return c;
    }
    std::string gpoDir(const std::string& guid) const {
        return kCache.substr(1) + "/EXAMPLE.COM/POLICIES/" + guid;
    }
    void addGpo(const std::string& guid, const std::string& pol, int version,
                const std::string& polName = "MACHINE/REGISTRY.POL") const {
        scratch.write(gpoDir(guid) + "/GPT.INI",
                      "[General]\r\nVersion=" + std::to_string(version) + "\r\n", 0600);
        scratch.write(gpoDir(guid) + "/" + polName, pol, 0600);
    }
    SourceResult read() const { return GpoFileSource().read(context()); }
    PolicySet merged() const { return mergePolicy(builtinCatalog(), {read()}); }

    test::ScratchDir scratch;
};

std::string pol(const std::string& records) {
    return pregHeader() + records;
}

bool hasIssue(const SourceResult& r, const std::string& text, bool blocking) {
    for (const auto& i : r.issues)
        if (i.describe().find(text) != std::string::npos && i.blocksSource == blocking) return true;
    return false;
}

TEST_F(GpoCache, NoCacheMeansNothingAndNoIssue) {
    const auto r = read();
    EXPECT_EQ(r.sourceName, "Group Policy file");
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(r.issues.empty());
    EXPECT_EQ(GpoFileSource().watchPaths(context()),
              std::vector<std::string>{scratch.path() + kCache});
}

TEST_F(GpoCache, ReadsMandatoryAndRecommendedValuesWithProvenance) {
    addGpo(
        kGpoA,
        pol(pregRecord(kKey, "telemetryoptout", kRegDword, dwordBytes(1)) +
            pregRecord(kKey, "DeviceIdResetToken", kRegSz, pregSz("t1")) +
            pregRecord(kRecommended, "DisableUsageReporting", kRegDword, dwordBytes(1)) +
            pregRecord("Software\\Policies\\Other", "TelemetryOptOut", kRegDword, dwordBytes(0))),
        3);
    const auto r = read();
    EXPECT_TRUE(r.issues.empty()) << r.issues.front().describe();
    ASSERT_EQ(r.values.size(), 3u);
    const auto set = merged();
    const auto* optOut = set.find("TelemetryOptOut");  // canonical name from the catalog
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value, PolicyValue(true));
    EXPECT_EQ(optOut->from.source, "Group Policy file");
    EXPECT_EQ(optOut->from.precedence, SourcePrecedence::GroupPolicyFile);
    EXPECT_EQ(optOut->from.level, PolicyLevel::Mandatory);
    EXPECT_EQ(optOut->from.origin,
              scratch.path() + "/" + gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL (GPO " + kGpoA + ")");
    EXPECT_EQ(set.find("DeviceIdResetToken")->value, PolicyValue(std::string("t1")));
    EXPECT_EQ(set.find("DisableUsageReporting")->from.level, PolicyLevel::Recommended);
    ASSERT_EQ(r.informational.size(), 1u);
    EXPECT_NE(r.informational[0].find("GPT.INI machine version 3, rank 1 of 1"), std::string::npos);
}

TEST_F(GpoCache, NamesInAnyCase) {
    addGpo(kGpoA, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 1,
           "Machine/Registry.pol");
    EXPECT_EQ(read().values.size(), 1u);
}

TEST_F(GpoCache, TheSambaFixtureSetsItsPoliciesAndTheWrongOnesAreReported) {
    std::ifstream in(std::string(MPA_FIXTURES_DIR) + "/registry_pol/metalama.pol",
                     std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    addGpo(kGpoA, bytes.str(), 1);
    const auto set = merged();
    EXPECT_EQ(set.find("TelemetryOptOut")->value, PolicyValue(true));
    EXPECT_EQ(set.find("EnforcementMode")->value, PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(set.find("ReconcileIntervalMinutes")->value, PolicyValue(std::int64_t{30}));
    EXPECT_EQ(set.find("DisableExceptionReporting")->from.level, PolicyLevel::Recommended);
    EXPECT_EQ(set.find("DisableUsageReporting"), nullptr);  // **del.
    EXPECT_EQ(set.find("DeviceIdRotationDays"), nullptr);
    EXPECT_EQ(set.find("ComplianceRetentionDays"), nullptr);
    std::string issues;
    for (const auto& i : set.issues) issues += i.describe() + "\n";
    EXPECT_NE(issues.find("DeviceIdRotationDays: "), std::string::npos) << issues;
    EXPECT_NE(issues.find("REG_BINARY value"), std::string::npos) << issues;
    EXPECT_NE(issues.find("ComplianceRetentionDays: "), std::string::npos) << issues;
}

TEST_F(GpoCache, TwoGposConflictTheHigherVersionWinsAndTheOtherIsReported) {
    addGpo(kGpoA, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0))), 65536 + 7);
    addGpo(kGpoB, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))),
           65536 * 9 + 2);
    // Machine versions: A = 7, B = 2 (the user part, above bit 16, does not count).
    const auto set = merged();
    const auto* optOut = set.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value, PolicyValue(false));
    EXPECT_NE(optOut->from.origin.find(kGpoA), std::string::npos);
    ASSERT_EQ(optOut->overridden.size(), 1u);
    EXPECT_NE(optOut->overridden[0].from.origin.find(kGpoB), std::string::npos);
    EXPECT_FALSE(optOut->overridden[0].superseded);
}

TEST_F(GpoCache, EqualVersionsTheNewerFileWinsThenTheGuid) {
    addGpo(kGpoA, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 4);
    addGpo(kGpoB, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0))), 4);
    namespace fs = std::filesystem;
    const auto pathA = scratch.abs(gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL");
    const auto pathB = scratch.abs(gpoDir(kGpoB) + "/MACHINE/REGISTRY.POL");
    const auto t = fs::last_write_time(pathA);
    fs::last_write_time(pathB, t - std::chrono::seconds(60));
    EXPECT_EQ(merged().find("TelemetryOptOut")->value, PolicyValue(true));  // A is newer
    // Both set: a time read back may be coarser than the file's own (mingw reads whole seconds).
    fs::last_write_time(pathA, t);
    fs::last_write_time(pathB, t);
    EXPECT_EQ(merged().find("TelemetryOptOut")->value, PolicyValue(false));  // B's GUID is greater
}

TEST_F(GpoCache, ABadFileBlocksTheSourceButOtherGposAreStillRead) {
    addGpo(kGpoA, "REGEDIT4\r\n", 1);
    addGpo(kGpoB, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 1);
    const auto r = read();
    EXPECT_TRUE(hasIssue(r, "not a Registry.pol file", true));
    EXPECT_EQ(r.values.size(), 1u);
}

TEST_F(GpoCache, ATruncatedFileKeepsEarlierValuesAndBlocks) {
    const auto good = pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1));
    const auto cut = pregRecord(kKey, "DisableUsageReporting", kRegDword, dwordBytes(1));
    addGpo(kGpoA, pol(good + cut.substr(0, cut.size() - 3)), 1);
    const auto r = read();
    ASSERT_EQ(r.values.size(), 1u);
    EXPECT_EQ(r.values[0].name, "TelemetryOptOut");
    EXPECT_TRUE(hasIssue(r, "records after it are not read", true));
}

#ifndef _WIN32  // Wine 8 cannot create symbolic links; POSIX modes
TEST_F(GpoCache, ASymlinkedGpoDirectoryIsRefused) {
    test::ScratchDir elsewhere;
    elsewhere.write("MACHINE/REGISTRY.POL",
                    pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0))), 0600);
    scratch.mkdirs(kCache.substr(1) + "/EXAMPLE.COM/POLICIES");
    scratch.symlink(elsewhere.path(), gpoDir(kGpoA));
    const auto r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(hasIssue(r, "symbolic link", true));
}
#endif

#ifndef _WIN32  // Wine 8 cannot create symbolic links; POSIX modes
TEST_F(GpoCache, ASymlinkedRegistryPolIsRefused) {
    test::ScratchDir elsewhere;
    elsewhere.write("x.pol", pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0))));
    scratch.mkdirs(gpoDir(kGpoA) + "/MACHINE");
    scratch.symlink(elsewhere.abs("x.pol"), gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL");
    const auto r = read();
    EXPECT_TRUE(r.values.empty());
    ASSERT_FALSE(r.issues.empty());
    EXPECT_TRUE(r.issues[0].blocksSource);
}
#endif

#ifndef _WIN32  // Wine 8 cannot create symbolic links; POSIX modes
TEST_F(GpoCache, FilesWritableByOthersAreRefused) {
    addGpo(kGpoA, pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0))), 1);
    std::filesystem::permissions(scratch.abs(gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL"),
                                 std::filesystem::perms(0606));
    auto r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(hasIssue(r, "writable by group or others (mode 0606)", true));
    std::filesystem::permissions(scratch.abs(gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL"),
                                 std::filesystem::perms(0600));
    std::filesystem::permissions(scratch.abs(gpoDir(kGpoA) + "/MACHINE"),
                                 std::filesystem::perms(0777));
    r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(hasIssue(r, "directory is writable by group or others (mode 0777)", true));
}
#endif

TEST_F(GpoCache, TheCacheLocationIsConfigurable) {
    auto c = context();
    c.settings.sambaGpoCache = "/srv/gpo";
    scratch.write("srv/gpo/R/policies/" + std::string(kGpoA) + "/machine/registry.pol",
                  pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 0600);
    EXPECT_EQ(GpoFileSource().read(c).values.size(), 1u);
    EXPECT_EQ(GpoFileSource().watchPaths(c), std::vector<std::string>{scratch.path() + "/srv/gpo"});
}

TEST_F(GpoCache, NotReadUnlessConfigured) {
    auto c = context();
    c.settings.sambaGpoCache.clear();
    scratch.write(gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL",
                  pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 0600);
    const auto r = GpoFileSource().read(c);
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(r.issues.empty());
    EXPECT_TRUE(GpoFileSource().watchPaths(c).empty());
    EXPECT_EQ(GpoFileSource().read(context()).values.size(), 1u);
}

TEST_F(GpoCache, StandsDownWhenTheSambaGpupdateExtensionWroteItsFile) {
    scratch.write(gpoDir(kGpoA) + "/MACHINE/REGISTRY.POL",
                  pol(pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1))), 0600);
    scratch.write("etc/metalama/group-policy/samba-gpupdate.json",
                  "{\"format\": 1, \"gpos\": [], \"values\": []}\n", 0644);
    const auto r = GpoFileSource().read(context());
    EXPECT_TRUE(r.values.empty());
    ASSERT_EQ(r.informational.size(), 1u);
    EXPECT_NE(r.informational[0].find("is not read"), std::string::npos);
}

TEST(GptIni, Version) {
    EXPECT_EQ(parseGptIniVersion("[General]\r\nVersion=65539\r\ndisplayName=New GPO\r\n"),
              std::optional<std::uint32_t>(65539));
    EXPECT_EQ(parseGptIniVersion("[general]\nversion = 4\n"), std::optional<std::uint32_t>(4));
    EXPECT_EQ(parseGptIniVersion("[Other]\nVersion=4\n"), std::nullopt);
    EXPECT_EQ(parseGptIniVersion("[General]\nVersion=x\n"), std::nullopt);
    EXPECT_EQ(parseGptIniVersion(""), std::nullopt);
}

TEST(RegistryToRaw, TypesMapAsDocumented) {
    RegistryData d;
    d.type = kRegDword;
    d.decoded = true;
    d.number = 5;
    EXPECT_EQ(rawValueFromRegistry(d).kind, RawValue::Kind::Integer);
    d.type = kRegExpandSz;
    d.text = "x";
    EXPECT_EQ(rawValueFromRegistry(d).kind, RawValue::Kind::String);
    d.type = kRegQword;
    EXPECT_EQ(rawValueFromRegistry(d).text, "REG_QWORD value");
    d.type = kRegDword;
    d.decoded = false;
    d.bytes = {1, 2};
    EXPECT_EQ(rawValueFromRegistry(d).text, "REG_DWORD value of 2 bytes");
}

}  // namespace
}  // namespace mpa
