// The pure planner of one telemetry.json (targets/telemetry_settings.hpp), without any file: what
// it sets for a missing file, what it forces and what a user's choice keeps, that every key it
// does not manage stays byte for byte, the prior values it hands to the ledger, and the restore
// when the policy goes away.
#include "targets/telemetry_settings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mpa {
namespace {

constexpr const char* kDeviceId = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr const char* kFreshId = "11111111-2222-4333-8444-555555555555";

json::ObjectDocument parse(const std::string& text) {
    json::ParseError error;
    auto doc = json::ObjectDocument::parse(text, &error);
    EXPECT_TRUE(doc) << error.describe();
    return doc ? *doc : *json::ObjectDocument::parse("{}", nullptr);
}

DesiredState forced() {
    DesiredState d;
    d.managed = true;
    d.usage = d.exception = d.performance = ActionRequirement::ForceNo;
    return d;
}

class Planner : public ::testing::Test {
  protected:
    TelemetryPlan plan(json::ObjectDocument& doc, const DesiredState& desired,
                       const DeviceIdDecision& decision = {}) {
        return planTelemetry(doc, desired, prior, decision, [this] {
            ++idsMade;
            return std::string(kFreshId);
        });
    }
    TelemetryPrior prior;
    int idsMade = 0;
};

// A missing file is planned from an empty object: every forced action, and a DeviceId, so that
// Metalama does not reset the actions of a file without one. The ledger learns that none of the
// keys existed.
TEST_F(Planner, AMissingFileGetsEveryForcedActionAndADeviceId) {
    auto doc = parse("{}");
    const auto p = plan(doc, forced());
    EXPECT_TRUE(p.changed());
    for (const char* key : kReportingActionKeys) EXPECT_EQ(doc.getInteger(key), kActionNo) << key;
    EXPECT_EQ(doc.getString("DeviceId"), std::string(kFreshId));
    EXPECT_TRUE(p.deviceIdWritten);
    EXPECT_EQ(idsMade, 1);
    EXPECT_EQ(p.changedKeys.size(), 3u);
    EXPECT_TRUE(p.restoredKeys.empty());
    EXPECT_FALSE(doc.has("version")) << "no version is invented for a file that had none";
    ASSERT_EQ(prior.keys.size(), 3u);
    for (const char* key : kReportingActionKeys) {
        const auto* before = prior.find(key);
        ASSERT_NE(before, nullptr) << key;
        EXPECT_FALSE(*before) << key << " did not exist before";
    }
    EXPECT_TRUE(p.problems.empty());
}

TEST_F(Planner, ForcedValuesOverrideTheUsersAndTheirPriorRawTextGoesToTheLedger) {
    auto doc = parse(R"({"UsageReportingAction": 1, "ExceptionReportingAction": 0,
                         "PerformanceProblemReportingAction": 2, "DeviceId": ")" +
                     std::string(kDeviceId) + R"(", "version": 41})");
    const auto p = plan(doc, forced());
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), kActionNo);
    EXPECT_EQ(doc.getInteger("ExceptionReportingAction"), kActionNo);
    EXPECT_EQ(p.changedKeys,
              (std::vector<std::string>{"ExceptionReportingAction", "UsageReportingAction"}))
        << "the key already at 2 is not a change";
    ASSERT_NE(prior.find("UsageReportingAction"), nullptr);
    EXPECT_EQ(*prior.find("UsageReportingAction"), std::optional<std::string>("1"));
    EXPECT_EQ(*prior.find("ExceptionReportingAction"), std::optional<std::string>("0"));
    EXPECT_EQ(prior.find("PerformanceProblemReportingAction"), nullptr);
    // The file's DeviceId is kept; only its version moves on, once per write.
    EXPECT_EQ(doc.getString("DeviceId"), std::string(kDeviceId));
    EXPECT_EQ(idsMade, 0);
    EXPECT_EQ(doc.getInteger("version"), 42);
    const std::vector<std::string> expectedDiff{"- \"ExceptionReportingAction\": 0",
                                                "+ \"ExceptionReportingAction\": 2",
                                                "- \"UsageReportingAction\": 1",
                                                "+ \"UsageReportingAction\": 2",
                                                "- \"version\": 41",
                                                "+ \"version\": 42"};
    EXPECT_EQ(p.diff, expectedDiff);
}

TEST_F(Planner, RecommendedSetsOnlyWhatTheUserLeftAtAskOrUnset) {
    DesiredState d;
    d.managed = true;
    d.usage = d.exception = d.performance = ActionRequirement::NoUnlessUserChose;
    auto doc = parse(R"({"UsageReportingAction": 1, "ExceptionReportingAction": 0, "DeviceId": ")" +
                     std::string(kDeviceId) + "\"}");
    const auto p = plan(doc, d);
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), 1) << "the user chose Yes";
    EXPECT_EQ(doc.getInteger("ExceptionReportingAction"), kActionNo) << "Ask is no choice";
    EXPECT_EQ(doc.getInteger("PerformanceProblemReportingAction"), kActionNo) << "unset";
    EXPECT_EQ(p.changedKeys, (std::vector<std::string>{"ExceptionReportingAction",
                                                       "PerformanceProblemReportingAction"}));
}

// The pass reads no prior state for a file the predicate accepts: for each such file, the plan
// must change nothing whatever the ledger held; for each it refuses, some prior makes a change.
TEST_F(Planner, AFileThatPlansNothingWhateverThePriorChangesWithNoPrior) {
    const std::string allNo = R"({"UsageReportingAction": 2, "ExceptionReportingAction": 2, )"
                              R"("PerformanceProblemReportingAction": 2, "DeviceId": ")" +
                              std::string(kDeviceId) + "\"}";
    DesiredState recommended = forced();
    recommended.usage = recommended.exception = ActionRequirement::NoUnlessUserChose;
    const std::vector<TelemetryPrior> priors = {
        {},
        {{{"UsageReportingAction", std::string("1")}}, false, false, {}},
        {{{"ExceptionReportingAction", std::nullopt}, {"UsageReportingAction", std::string("0")}},
         true,
         false,
         {}},
        {{{"UsageReportingAction", std::string("{not json")}}, false, false, {}}};
    for (const auto& desired : {forced(), recommended}) {
        const auto doc = parse(allNo);
        ASSERT_TRUE(plansNothingWhateverThePrior(doc, desired));
        for (const auto& before : priors) {
            auto copy = doc;
            prior = before;
            const auto p = plan(copy, desired);
            EXPECT_FALSE(p.changed()) << p.diff.front();
            EXPECT_TRUE(p.problems.empty());
        }
    }
    // One action not managed: its prior state would come back, so the ledger must be read.
    DesiredState partly = forced();
    partly.performance = ActionRequirement::None;
    EXPECT_FALSE(plansNothingWhateverThePrior(parse(allNo), partly));
    auto doc = parse(allNo);
    prior = {{{"PerformanceProblemReportingAction", std::string("1")}}, false, false, {}};
    EXPECT_TRUE(plan(doc, partly).changed());
    // An action not yet No, a missing or null DeviceId, profiles not managed.
    EXPECT_FALSE(plansNothingWhateverThePrior(
        parse(R"({"UsageReportingAction": 2, "ExceptionReportingAction": 0, )"
              R"("PerformanceProblemReportingAction": 2, "DeviceId": ")" +
              std::string(kDeviceId) + "\"}"),
        forced()));
    EXPECT_FALSE(plansNothingWhateverThePrior(
        parse(R"({"UsageReportingAction": 2, "ExceptionReportingAction": 2, )"
              R"("PerformanceProblemReportingAction": 2, "DeviceId": null})"),
        forced()));
    DesiredState off = forced();
    off.manageProfiles = false;
    EXPECT_FALSE(plansNothingWhateverThePrior(parse(allNo), off));
}

TEST_F(Planner, UnknownKeysKeepTheirExactTextAndPlace) {
    const std::string text =
        R"({"Issues": {"a": [1.50, 1e3, "\u00e9"]}, "UsageReportingAction": 1, )"
        R"("LastUploadTime": "2024-03-01T10:00:00.1234567+01:00", "DeviceId": ")" +
        std::string(kDeviceId) + R"(", "Salt": 12345678901234, "Future": null})";
    const auto before = parse(text);
    auto doc = parse(text);
    plan(doc, forced());
    for (const char* key : {"Issues", "LastUploadTime", "DeviceId", "Salt", "Future"}) {
        ASSERT_NE(doc.find(key), nullptr) << key;
        EXPECT_EQ(doc.find(key)->rawValue, before.find(key)->rawValue) << key;
    }
    EXPECT_EQ(doc.members()[0].key, "Issues");
    EXPECT_EQ(doc.members()[1].key, "UsageReportingAction");
    EXPECT_EQ(doc.members()[1].rawValue, "2");
}

TEST_F(Planner, RemovingThePolicyRestoresThePriorValuesAndRemovesWhatDidNotExist) {
    auto doc =
        parse(R"({"UsageReportingAction": 1, "DeviceId": ")" + std::string(kDeviceId) + "\"}");
    plan(doc, forced());
    ASSERT_EQ(doc.getInteger("UsageReportingAction"), kActionNo);
    const auto p = plan(doc, DesiredState{});
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), 1);
    EXPECT_FALSE(doc.has("ExceptionReportingAction"));
    EXPECT_FALSE(doc.has("PerformanceProblemReportingAction"));
    EXPECT_EQ(p.restoredKeys.size(), 3u);
    EXPECT_TRUE(p.changedKeys.empty());
    EXPECT_TRUE(prior.keys.empty()) << "restored keys leave the ledger";
    EXPECT_EQ(doc.getString("DeviceId"), std::string(kDeviceId));
    EXPECT_FALSE(p.deviceIdWritten);
}

TEST_F(Planner, AValueTheUserChangedSinceIsTheirsAndIsNotRestored) {
    auto doc =
        parse(R"({"UsageReportingAction": 0, "DeviceId": ")" + std::string(kDeviceId) + "\"}");
    plan(doc, forced());
    doc.setInteger("UsageReportingAction", 1);  // the user's own change after the agent's
    const auto p = plan(doc, DesiredState{});
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), 1);
    EXPECT_NE(std::find(p.restoredKeys.begin(), p.restoredKeys.end(), "UsageReportingAction"),
              p.restoredKeys.end())
        << "its ledger entry is done with all the same";
}

TEST_F(Planner, ADamagedPriorValueIsAProblemAndTheKeyStays) {
    prior.keys.emplace_back("UsageReportingAction", std::optional<std::string>("{not json"));
    auto doc =
        parse(R"({"UsageReportingAction": 2, "DeviceId": ")" + std::string(kDeviceId) + "\"}");
    const auto p = plan(doc, DesiredState{});
    ASSERT_EQ(p.problems.size(), 1u);
    EXPECT_NE(p.problems[0].find("UsageReportingAction"), std::string::npos) << p.problems[0];
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), kActionNo);
    EXPECT_NE(prior.find("UsageReportingAction"), nullptr) << "its entry is kept";
}

TEST_F(Planner, ACompliantFileIsNoChangeAndMakesNoGuid) {
    auto doc = parse(R"({"UsageReportingAction": 2, "ExceptionReportingAction": 2,
                         "PerformanceProblemReportingAction": 2, "DeviceId": ")" +
                     std::string(kDeviceId) + R"(", "version": 7})");
    const auto p = plan(doc, forced());
    EXPECT_FALSE(p.changed());
    EXPECT_EQ(idsMade, 0);
    EXPECT_EQ(doc.getInteger("version"), 7);
    EXPECT_TRUE(prior.keys.empty());
}

TEST_F(Planner, AResetWritesANewDeviceIdAndSaltWhereTheFileHasTheNewShape) {
    auto doc = parse(R"({"UsageReportingAction": 2, "ExceptionReportingAction": 2,
                         "PerformanceProblemReportingAction": 2, "DeviceId": ")" +
                     std::string(kDeviceId) + R"(", "Salt": 1, "LastSaltChangeTime": "x"})");
    DeviceIdDecision reset;
    reset.reset = true;
    reset.reason = "reset token changed";
    reset.newSalt = 42;
    reset.saltChangeTime = "2026-12-01T00:00:00Z";
    const auto p = plan(doc, forced(), reset);
    EXPECT_TRUE(p.deviceIdWritten);
    EXPECT_EQ(doc.getString("DeviceId"), std::string(kFreshId));
    EXPECT_EQ(doc.getInteger("Salt"), 42);
    EXPECT_EQ(doc.getString("LastSaltChangeTime"), std::string("2026-12-01T00:00:00Z"));
}

TEST_F(Planner, ProfilesNotManagedMeansNothingIsForced) {
    auto desired = forced();
    desired.manageProfiles = false;
    auto doc = parse(R"({"UsageReportingAction": 1})");
    const auto p = plan(doc, desired);
    EXPECT_FALSE(p.changed());
    EXPECT_EQ(doc.getInteger("UsageReportingAction"), 1);
    EXPECT_EQ(describeDesired(desired), "not managed");
}

TEST(TelemetryPrior, TheFileEntryRoundTripsAndDamagedTextLeavesTheDefaults) {
    TelemetryPrior written;
    written.fileCreated = true;
    written.createdDirectories = {"/home/a/.local", "/home/a/.local/share"};
    TelemetryPrior read;
    read.parseFileEntry(written.serializeFileEntry());
    EXPECT_TRUE(read.fileCreated);
    EXPECT_FALSE(read.replacedMalformed);
    EXPECT_EQ(read.createdDirectories, written.createdDirectories);
    TelemetryPrior damaged;
    damaged.parseFileEntry("{\"fileCreated\": tru");
    EXPECT_FALSE(damaged.fileCreated);
    EXPECT_TRUE(damaged.createdDirectories.empty());
}

TEST(TelemetryPrior, CreatedDirectoriesWithQuotesBackslashesAndUnicodeRoundTrip) {
    TelemetryPrior written;
    written.replacedMalformed = true;
    written.createdDirectories = {"/home/a \"b\\c\"", "/home/\xC3\xA9t\xC3\xA9/x,y]", "/t\tab"};
    TelemetryPrior read;
    read.parseFileEntry(written.serializeFileEntry());
    EXPECT_TRUE(read.replacedMalformed);
    EXPECT_EQ(read.createdDirectories, written.createdDirectories);
    // Written by hand (spaces, \u escapes): still read; an array of anything but strings is not.
    TelemetryPrior spaced;
    spaced.parseFileEntry(
        "{ \"fileCreated\" : true , \"createdDirectories\" : [ \"/h\\u00e9\" , \"/x\" ] }");
    EXPECT_TRUE(spaced.fileCreated);
    EXPECT_EQ(spaced.createdDirectories, (std::vector<std::string>{"/h\xC3\xA9", "/x"}));
    TelemetryPrior numbers;
    numbers.parseFileEntry("{\"fileCreated\":true,\"createdDirectories\":[1,2]}");
    EXPECT_TRUE(numbers.fileCreated);
    EXPECT_TRUE(numbers.createdDirectories.empty());
}

}  // namespace
}  // namespace mpa
