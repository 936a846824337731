// The named shapes of a Finding give exactly the fields the eight-field initialisers they
// replaced gave: the store, the reports and the Intune and osquery outputs read those fields.
#include "model/finding.hpp"

#include <gtest/gtest.h>

namespace mpa {
namespace {

void expectFields(const Finding& f, const Finding& expected) {
    EXPECT_EQ(f.target, expected.target);
    EXPECT_EQ(f.subject, expected.subject);
    EXPECT_EQ(f.user, expected.user);
    EXPECT_EQ(f.desired, expected.desired);
    EXPECT_EQ(f.observed, expected.observed);
    EXPECT_EQ(f.outcome, expected.outcome);
    EXPECT_EQ(f.reason, expected.reason);
    EXPECT_EQ(f.diff, expected.diff);
}

TEST(FindingShapes, AboutStartsCompliantWithUserAndDesired) {
    expectFields(
        Finding::about("telemetry-json", "/home/a/x", "a", "opted out"),
        {"telemetry-json", "/home/a/x", "a", "opted out", "", Outcome::Compliant, "", "", ""});
    expectFields(
        Finding::about("etc-environment", "/etc/environment"),
        {"etc-environment", "/etc/environment", "", "", "", Outcome::Compliant, "", "", ""});
}

TEST(FindingShapes, FailedAndNotCheckedCarryTheReason) {
    expectFields(
        Finding::failed("telemetry-json", "compliance store", "locked"),
        {"telemetry-json", "compliance store", "", "", "", Outcome::Failed, "locked", "", ""});
    expectFields(
        Finding::notChecked("zshenv", "(every subject)", "stopped"),
        {"zshenv", "(every subject)", "", "", "not checked", Outcome::Failed, "stopped", "", ""});
}

TEST(FindingShapes, NotApplicableAndTheFieldsAddedAfter) {
    expectFields(Finding::notApplicable("license-audit", "/home/b/.metalama", "")
                     .withUser("b")
                     .withDesired("informational")
                     .withObserved("no license key"),
                 {"license-audit", "/home/b/.metalama", "b", "informational", "no license key",
                  Outcome::NotApplicable, "", "", ""});
}

}  // namespace
}  // namespace mpa
