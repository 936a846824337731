// The removal grace period: a policy every source stopped setting is held from the last known
// good policy until the period has passed since the agent first found it gone.
#include "engine/removal_grace.hpp"

#include <gtest/gtest.h>

#include "model/ledger.hpp"
#include "support/status_assert.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

using std::chrono::hours;

std::chrono::system_clock::time_point at(const char* iso) {
    return *parseIsoUtc(iso);
}

PolicySet lastKnownGood() {
    PolicySet set;
    EffectivePolicy optOut;
    optOut.value = PolicyValue(true);
    optOut.from = {"Registry", "HKLM\\SOFTWARE\\Policies\\PostSharp\\Metalama",
                   PolicyLevel::Mandatory, SourcePrecedence::PlatformChannel, 0};
    set.values.emplace("TelemetryOptOut", optOut);
    return set;
}

TEST(RemovalGrace, NoPeriodRestoresAtOnce) {
    PolicySet current;
    MemoryLedger ledger;
    holdRemovedPolicies(current, lastKnownGood(), ledger, at("2026-12-06T10:00:00Z"), hours(0));
    EXPECT_TRUE(current.empty());
}

TEST(RemovalGrace, ARemovedPolicyIsHeldFromItsFirstAbsenceUntilThePeriodEnds) {
    MemoryLedger ledger;
    PolicySet first;
    holdRemovedPolicies(first, lastKnownGood(), ledger, at("2026-12-06T10:00:00Z"), hours(24));
    const auto* held = first.find("TelemetryOptOut");
    ASSERT_NE(held, nullptr);
    EXPECT_EQ(held->value, PolicyValue(true));
    EXPECT_TRUE(held->keptFromLastKnownGood);
    EXPECT_EQ(held->removedAt, "2026-12-06T10:00:00Z");
    EXPECT_NE(held->keptBecause.find("until 2026-12-07T10:00:00Z"), std::string::npos)
        << held->keptBecause;
    std::string error;
    ASSERT_TRUE(succeeded(rememberRemovals(first, ledger)));

    // Later passes count from the first absence, not from their own time.
    PolicySet later;
    holdRemovedPolicies(later, first, ledger, at("2026-12-07T09:59:59Z"), hours(24));
    ASSERT_NE(later.find("TelemetryOptOut"), nullptr);
    EXPECT_EQ(later.find("TelemetryOptOut")->removedAt, "2026-12-06T10:00:00Z");

    PolicySet expired;
    holdRemovedPolicies(expired, later, ledger, at("2026-12-07T10:00:00Z"), hours(24));
    EXPECT_EQ(expired.find("TelemetryOptOut"), nullptr);
    // Still remembered after the period: the stale last known good is never held a second time.
    ASSERT_TRUE(succeeded(rememberRemovals(expired, ledger)));
    PolicySet afterwards;
    holdRemovedPolicies(afterwards, later, ledger, at("2026-12-09T00:00:00Z"), hours(24));
    EXPECT_EQ(afterwards.find("TelemetryOptOut"), nullptr);
}

TEST(RemovalGrace, APolicyThatComesBackEndsTheHoldAndALaterRemovalStartsANewPeriod) {
    MemoryLedger ledger;
    std::string error;
    PolicySet held;
    holdRemovedPolicies(held, lastKnownGood(), ledger, at("2026-12-06T10:00:00Z"), hours(2));
    ASSERT_TRUE(succeeded(rememberRemovals(held, ledger)));

    const auto back = lastKnownGood();  // set again by its source
    ASSERT_TRUE(succeeded(rememberRemovals(back, ledger)));
    EXPECT_EQ(ledger.state(removalStateKey("TelemetryOptOut")).value_or("?"), "");

    PolicySet again;
    holdRemovedPolicies(again, back, ledger, at("2026-12-08T10:00:00Z"), hours(2));
    ASSERT_NE(again.find("TelemetryOptOut"), nullptr);
    EXPECT_EQ(again.find("TelemetryOptOut")->removedAt, "2026-12-08T10:00:00Z");
}

TEST(RemovalGrace, AValueSetNowIsNeverReplacedByTheHeldOne) {
    MemoryLedger ledger;
    PolicySet current;
    EffectivePolicy off;
    off.value = PolicyValue(false);
    current.values.emplace("TelemetryOptOut", off);
    holdRemovedPolicies(current, lastKnownGood(), ledger, at("2026-12-06T10:00:00Z"), hours(24));
    EXPECT_EQ(current.find("TelemetryOptOut")->value, PolicyValue(false));
    EXPECT_FALSE(current.find("TelemetryOptOut")->keptFromLastKnownGood);
}

}  // namespace
}  // namespace mpa
