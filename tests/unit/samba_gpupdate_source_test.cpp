// The source that reads what the samba-gpupdate extension (installer/linux/samba/
// gp_metalama_ext.py) writes; the real extension against a real DC runs in scripts/test-ad.sh.
#include "sources/samba_gpupdate_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "policy/policy_set.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

const std::string kFile = "etc/metalama/group-policy/samba-gpupdate.json";

// Two GPOs disagreeing on TelemetryOptOut (rank 2 wins), a recommended string, and a value of a
// type the policy model refuses; GPO A's DeviceIdRotationDays deleted by GPO B.
const char* kDocument = R"({
  "format": 1,
  "gpos": [
    {"guid": "{AAAAAAAA-0000-4000-8000-000000000001}", "name": "Metalama A", "rank": 1,
     "link": "DC=metalama,DC=test"},
    {"guid": "{BBBBBBBB-0000-4000-8000-000000000002}", "name": "Metalama B", "rank": 2}
  ],
  "values": [
    {"level": "mandatory", "name": "telemetryoptout", "type": "REG_DWORD", "data": 0,
     "gpo": "{AAAAAAAA-0000-4000-8000-000000000001}", "gpo_name": "Metalama A", "rank": 1},
    {"level": "recommended", "name": "DeviceIdResetToken", "type": "REG_SZ", "data": "tok",
     "gpo": "{AAAAAAAA-0000-4000-8000-000000000001}", "gpo_name": "Metalama A", "rank": 1},
    {"level": "mandatory", "name": "TelemetryOptOut", "type": "REG_DWORD", "data": 1,
     "gpo": "{BBBBBBBB-0000-4000-8000-000000000002}", "gpo_name": "Metalama B", "rank": 2},
    {"level": "mandatory", "name": "DisableUsageReporting", "type": "REG_BINARY",
     "gpo": "{BBBBBBBB-0000-4000-8000-000000000002}", "gpo_name": "Metalama B", "rank": 2}
  ],
  "deleted": [
    {"level": "mandatory", "name": "DeviceIdRotationDays",
     "set_by": "{AAAAAAAA-0000-4000-8000-000000000001}",
     "deleted_by": "{BBBBBBBB-0000-4000-8000-000000000002}", "deleted_by_name": "Metalama B"}
  ]
}
)";

class SambaGpupdate : public ::testing::Test {
  protected:
    AgentContext context() const {
        AgentContext c;
        c.settings.root = scratch.path();
        c.platform = PlatformProfile::Linux;
        applyDefaultSettings(c.settings, c.platform);
        return c;
    }
    SourceResult read() const { return SambaGpupdateSource().read(context()); }
    test::ScratchDir scratch;
};

bool hasIssue(const SourceResult& r, const std::string& text) {
    for (const auto& i : r.issues)
        if (i.describe().find(text) != std::string::npos && i.blocksSource) return true;
    return false;
}

TEST_F(SambaGpupdate, NoFileMeansNothingAndNoIssue) {
    const auto r = read();
    EXPECT_EQ(r.sourceName, "Group Policy (samba-gpupdate)");
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(r.issues.empty());
    EXPECT_EQ(SambaGpupdateSource().watchPaths(context()),
              std::vector<std::string>{scratch.path() + "/etc/metalama/group-policy"});
    EXPECT_FALSE(sambaGpupdatePolicyPresent(context()));
}

TEST_F(SambaGpupdate, EveryValueCarriesItsGpoAndRank) {
    scratch.write(kFile, kDocument, 0644);
    EXPECT_TRUE(sambaGpupdatePolicyPresent(context()));
    const auto r = read();
    ASSERT_TRUE(r.issues.empty()) << r.issues.front().describe();
    ASSERT_EQ(r.values.size(), 4u);
    // The registry's case-insensitive name is mapped to the policy's own name.
    EXPECT_EQ(r.values[0].name, "TelemetryOptOut");
    EXPECT_EQ(r.values[0].value.kind, RawValue::Kind::Integer);
    EXPECT_EQ(r.values[0].value.integer, 0);
    EXPECT_EQ(r.values[0].from.order, 1);
    EXPECT_EQ(r.values[0].from.precedence, SourcePrecedence::GroupPolicyFile);
    EXPECT_NE(
        r.values[0].from.origin.find("GPO 'Metalama A' {AAAAAAAA-0000-4000-8000-000000000001}"),
        std::string::npos)
        << r.values[0].from.origin;
    EXPECT_NE(r.values[0].from.origin.find("rank 1"), std::string::npos);
    EXPECT_EQ(r.values[1].from.level, PolicyLevel::Recommended);
    EXPECT_EQ(r.values[1].value.text, "tok");
    EXPECT_EQ(r.values[2].from.order, 2);
    EXPECT_EQ(r.values[3].value.kind, RawValue::Kind::Other);
    EXPECT_EQ(r.values[3].value.text, "REG_BINARY value");
    // The GPOs with their rank, and the deletion, are shown by status.
    ASSERT_EQ(r.informational.size(), 3u);
    EXPECT_NE(r.informational[0].find("rank 1 of 2, linked to DC=metalama,DC=test"),
              std::string::npos)
        << r.informational[0];
    EXPECT_NE(r.informational[2].find("DeviceIdRotationDays (mandatory) set by GPO "
                                      "{AAAAAAAA-0000-4000-8000-000000000001} is deleted by GPO "
                                      "'Metalama B'"),
              std::string::npos)
        << r.informational[2];
}

TEST_F(SambaGpupdate, TheLaterGpoWinsTheMergeAndTheOtherIsOverridden) {
    scratch.write(kFile, kDocument, 0644);
    const auto r = read();
    const auto set = mergePolicy(*context().catalog, {r});
    const auto* optOut = set.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(describeValue(optOut->value), "true");
    EXPECT_NE(optOut->from.origin.find("Metalama B"), std::string::npos);
    ASSERT_EQ(optOut->overridden.size(), 1u);
    EXPECT_NE(optOut->overridden[0].from.origin.find("Metalama A"), std::string::npos);
}

TEST_F(SambaGpupdate, AnotherFormatOrBrokenJsonBlocksTheSource) {
    scratch.write(kFile, "{\"format\": 2, \"values\": []}\n", 0644);
    EXPECT_TRUE(hasIssue(read(), "not a format 1 document"));
    scratch.write(kFile, "{\"format\": 1, \"values\": [\n", 0644);
    EXPECT_TRUE(hasIssue(read(), "not parseable"));
    scratch.write(kFile,
                  "{\"format\": 1, \"values\": [{\"level\": \"machine\", \"name\": \"X\", "
                  "\"rank\": 1}]}\n",
                  0644);
    const auto r = read();
    EXPECT_TRUE(hasIssue(r, "a level (mandatory or recommended)"));
    EXPECT_TRUE(r.values.empty());
}

#ifndef _WIN32
TEST_F(SambaGpupdate, AFileOthersCanWriteOrALinkIsRefused) {
    scratch.write(kFile, kDocument, 0666);
    auto r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(hasIssue(r, "writable by group or others"));
    std::filesystem::remove(scratch.abs(kFile));
    scratch.write("elsewhere.json", kDocument, 0644);
    std::filesystem::create_symlink(scratch.abs("elsewhere.json"), scratch.abs(kFile));
    r = read();
    EXPECT_TRUE(r.values.empty());
    EXPECT_TRUE(hasIssue(r, "not a regular file"));
}
#endif

}  // namespace
}  // namespace mpa
