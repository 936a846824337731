// The DeviceId renewal rule on its own: no files, no root, a ledger in memory.
#include "targets/device_id_reset.hpp"

#include <gtest/gtest.h>

#include "support/status_assert.hpp"
#include "targets/telemetry_ledger_keys.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

const std::string kSubject = "/home/alice/.local/share/Metalama/telemetry.json";

class DeviceIdReset : public ::testing::Test {
  protected:
    DeviceIdReset() {
        desired.manageProfiles = true;
        desired.deviceIdRotationDays = 0;
        now = *parseIsoUtc("2026-12-06T12:00:00Z");
    }
    json::ObjectDocument file(const std::string& id) const {
        return *json::ObjectDocument::parse("{\"DeviceId\": \"" + id + "\"}", nullptr);
    }
    DeviceIdDecision decide(const std::string& id, bool isTemplate = false) const {
        DeviceIdResetRule rule(desired, now);
        for (const auto& t : templateIds) rule.addTemplateId(t, "/etc/skel");
        return rule.decide(isTemplate, kSubject, file(id), ledger);
    }

    DesiredState desired;
    std::chrono::system_clock::time_point now;
    MemoryLedger ledger;
    std::vector<std::string> templateIds;
};

TEST_F(DeviceIdReset, NothingAskedMeansTheIdIsKept) {
    const auto d = decide("0b7c3a52-1111-4f0e-9a55-3c2f1d7e8a90");
    EXPECT_FALSE(d.reset);
    EXPECT_FALSE(d.newSalt.has_value());
}

TEST_F(DeviceIdReset, AnIdClonedFromTheTemplateIsRenewedWhateverItsCase) {
    templateIds = {"0B7C3A52-1111-4F0E-9A55-3C2F1D7E8A90"};
    const auto d = decide("0b7c3a52-1111-4f0e-9a55-3c2f1d7e8a90");
    ASSERT_TRUE(d.reset);
    EXPECT_NE(d.reason.find("new-profile template /etc/skel"), std::string::npos) << d.reason;
    EXPECT_FALSE(decide("0b7c3a52-1111-4f0e-9a55-3c2f1d7e8a90", /*isTemplate=*/true).reset)
        << "the template keeps its own id";
    EXPECT_FALSE(decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d").reset);
}

TEST_F(DeviceIdReset, AResetTokenIsHonouredOncePerValue) {
    desired.deviceIdResetToken = "2026-Q4";
    auto d = decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d");
    ASSERT_TRUE(d.reset);
    EXPECT_EQ(d.reason, "DeviceIdResetToken changed to \"2026-Q4\"");

    ASSERT_TRUE(succeeded(ledger.setState(deviceIdTokenState(kSubject), "2026-Q4")));
    EXPECT_FALSE(decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d").reset);

    desired.deviceIdResetToken = "2027-Q1";
    EXPECT_TRUE(decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d").reset);
}

TEST_F(DeviceIdReset, RotationRenewsAnIdTheAgentSetTooLongAgoOrNever) {
    desired.deviceIdRotationDays = 30;
    auto d = decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d");
    ASSERT_TRUE(d.reset);
    EXPECT_EQ(d.reason, "DeviceIdRotationDays: the agent has not set this DeviceId yet");

    ASSERT_TRUE(succeeded(ledger.setState(deviceIdSetState(kSubject), "2026-11-10T12:00:00Z")));
    EXPECT_FALSE(decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d").reset) << "26 days old";

    ASSERT_TRUE(succeeded(ledger.setState(deviceIdSetState(kSubject), "2026-11-06T12:00:00Z")));
    d = decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d");
    ASSERT_TRUE(d.reset) << "exactly 30 days old";
    EXPECT_EQ(d.reason, "DeviceIdRotationDays: last set 2026-11-06T12:00:00Z");
}

TEST_F(DeviceIdReset, AResetCarriesANewSaltThatEveryJsonReaderHoldsExactly) {
    desired.deviceIdResetToken = "t";
    const auto a = decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d");
    const auto b = decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d");
    ASSERT_TRUE(a.newSalt && b.newSalt);
    EXPECT_GE(*a.newSalt, 0);
    EXPECT_LT(*a.newSalt, std::int64_t{1} << 52);
    EXPECT_NE(*a.newSalt, *b.newSalt);
    EXPECT_EQ(a.saltChangeTime, "2026-12-06T12:00:00Z");
}

TEST_F(DeviceIdReset, UnmanagedProfilesAreNeverReset) {
    desired.manageProfiles = false;
    desired.deviceIdResetToken = "t";
    desired.deviceIdRotationDays = 1;
    templateIds = {"9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d"};
    EXPECT_FALSE(decide("9d1e0c44-2222-4a6b-8c77-5e4f3a2b1c0d").reset);
}

}  // namespace
}  // namespace mpa
