// The telemetry target's ledger names are a stored format: a database written by an earlier
// agent must still be read, so the exact strings are pinned here.
#include "targets/telemetry_ledger_keys.hpp"

#include <gtest/gtest.h>

namespace mpa {
namespace {

constexpr const char* kFile = "/home/a#b/.local/share/Metalama/telemetry.json";

TEST(TelemetryLedgerKeys, EntryAndStateNamesAreTheStoredOnes) {
    EXPECT_EQ(telemetryFileEntry(kFile), std::string(kFile) + "#file");
    EXPECT_EQ(telemetryKeyEntry(kFile, "UsageReportingAction"),
              std::string(kFile) + "#UsageReportingAction");
    EXPECT_EQ(telemetryEntryPrefix(kFile), std::string(kFile) + "#");
    EXPECT_EQ(deviceIdSetState(kFile), std::string("deviceid-set:") + kFile);
    EXPECT_EQ(deviceIdTokenState(kFile), std::string("deviceid-token:") + kFile);
}

TEST(TelemetryLedgerKeys, AnEntryNamesItsFileEvenWhenThePathHoldsAHash) {
    EXPECT_EQ(telemetryFileOf(telemetryKeyEntry(kFile, "DeviceId")), std::string(kFile));
    EXPECT_EQ(telemetryFileOf(telemetryFileEntry(kFile)), std::string(kFile));
    EXPECT_EQ(telemetryFileOf("/etc/environment"), std::nullopt);
}

// "/t#x/t" starts with "/t#": a file's entries are its own, not those of a file whose path
// extends its own with a '#'.
TEST(TelemetryLedgerKeys, AFilesEntriesAreItsOwnWhenAnotherPathExtendsIt) {
    MemoryLedger ledger;
    ASSERT_TRUE(
        ledger.record({"t", telemetryKeyEntry("/t", "UsageReportingAction"), true, "1", ""}));
    ASSERT_TRUE(ledger.record({"t", telemetryFileEntry("/t"), true, "{}", ""}));
    ASSERT_TRUE(
        ledger.record({"t", telemetryKeyEntry("/t#x/t", "UsageReportingAction"), true, "2", ""}));
    ASSERT_TRUE(ledger.record({"u", telemetryFileEntry("/t"), true, "{}", ""}));
    std::vector<std::string> subjects;
    for (const auto& e : telemetryEntriesOf(ledger, "t", "/t")) subjects.push_back(e.subject);
    EXPECT_EQ(subjects, (std::vector<std::string>{"/t#UsageReportingAction", "/t#file"}));
    EXPECT_EQ(telemetryEntriesOf(ledger, "t", "/t#x/t").size(), 1u);
}

TEST(TelemetryLedgerKeys, PriorStateComesBackFromTheEntries) {
    TelemetryPrior recorded;
    recorded.fileCreated = true;
    recorded.createdDirectories = {"/home/a#b/.local"};
    const std::vector<PriorState> entries{
        {"telemetry-json", telemetryKeyEntry(kFile, "UsageReportingAction"), true, "1", ""},
        {"telemetry-json", telemetryKeyEntry(kFile, "DeviceId"), false, "", ""},
        {"telemetry-json", telemetryFileEntry(kFile), false, recorded.serializeFileEntry(), ""},
    };
    const auto prior = telemetryPriorFrom(entries);
    ASSERT_EQ(prior.keys.size(), 2u);
    EXPECT_EQ(prior.keys[0].first, "UsageReportingAction");
    EXPECT_EQ(prior.keys[0].second, std::optional<std::string>("1"));
    EXPECT_EQ(prior.keys[1].first, "DeviceId");
    EXPECT_EQ(prior.keys[1].second, std::nullopt);
    EXPECT_TRUE(prior.fileCreated);
    EXPECT_EQ(prior.createdDirectories, std::vector<std::string>{"/home/a#b/.local"});
}

}  // namespace
}  // namespace mpa
