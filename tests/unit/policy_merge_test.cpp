#include <gtest/gtest.h>

#include "model/desired_state.hpp"
#include "policy/coercion.hpp"
#include "policy/policy_set.hpp"

namespace mpa {
namespace {

const PolicyCatalog& catalog() {
    return builtinCatalog();
}

RawPolicyValue raw(const std::string& name, RawValue value, PolicyLevel level,
                   SourcePrecedence precedence, int order, const std::string& origin) {
    return {name, std::move(value), {"test source", origin, level, precedence, order}};
}

SourceResult source(std::vector<RawPolicyValue> values, std::vector<PolicyIssue> issues = {}) {
    return {"test", std::move(values), std::move(issues), {}};
}

TEST(PolicyDefinitions, BuiltinCatalogHasTheInitialSet) {
    for (const char* name :
         {"TelemetryOptOut", "DisableUsageReporting", "DisableExceptionReporting",
          "DisablePerformanceProblemReporting", "ManageUserProfiles", "DeviceIdRotationDays",
          "DeviceIdResetToken", "EnforcementMode", "ReconcileIntervalMinutes",
          "ComplianceRetentionDays"})
        EXPECT_NE(catalog().find(name), nullptr) << name;
    const auto* interval = catalog().find("ReconcileIntervalMinutes");
    EXPECT_EQ(interval->min, 5);
    EXPECT_EQ(interval->max, 1440);
    EXPECT_EQ(std::get<std::int64_t>(interval->defaultValue), 60);
    EXPECT_EQ(std::get<std::string>(catalog().find("EnforcementMode")->defaultValue), "Enforce");
    EXPECT_EQ(catalog().find("DeviceIdResetToken")->maxLength, 64u);
}

TEST(PolicyDefinitions, BadDefinitionsAreRefusedWithTheirLine) {
    const char* yaml = R"(product: M
vendor: V
registry_key: K
admx_namespace: N
admx_revision: "1"
macos_domain: d
policies:
  - name: Bad.Name
    type: boolean
)";
    try {
        loadCatalog(yaml);
        FAIL() << "accepted a dotted name";
    } catch (const DefinitionError& e) {
        EXPECT_NE(std::string(e.what()).find("line 8"), std::string::npos) << e.what();
    }
}

TEST(Coercion, BooleanAcceptsTheDocumentedSpellingsOnly) {
    const auto& def = *catalog().find("TelemetryOptOut");
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofBool(true)).value, PolicyValue(true));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofInt(1)).value, PolicyValue(true));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofInt(0)).value, PolicyValue(false));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofString("TRUE")).value, PolicyValue(true));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofString("0")).value, PolicyValue(false));
    const auto refused = coercePolicyValue(def, RawValue::ofString("yes"));
    EXPECT_FALSE(refused.value);
    EXPECT_EQ(refused.error, "expected boolean (true/false or 1/0), got string \"yes\"");
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofInt(2)).value);
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofReal(1.0)).value);
    EXPECT_FALSE(coercePolicyValue(def, RawValue::null()).value);
}

TEST(Coercion, IntegerRangeAndNumericStrings) {
    const auto& def = *catalog().find("ReconcileIntervalMinutes");
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofString("30")).value,
              PolicyValue(std::int64_t{30}));
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofInt(4)).value);
    EXPECT_NE(coercePolicyValue(def, RawValue::ofInt(1441)).error.find("out of range"),
              std::string::npos);
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofString("30 minutes")).value);
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofBool(true)).value);
}

TEST(Coercion, EnumByNameOrAdmxNumber) {
    const auto& def = *catalog().find("EnforcementMode");
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofString("auditonly")).value,
              PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofInt(1)).value,
              PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofString("0")).value,
              PolicyValue(std::string("Enforce")));
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofInt(7)).value);
}

TEST(Coercion, StringLengthInCharactersNotBytes) {
    const auto& def = *catalog().find("DeviceIdResetToken");
    std::string sixtyFourEuros;
    for (int i = 0; i < 64; ++i) sixtyFourEuros += "\xE2\x82\xAC";
    EXPECT_TRUE(coercePolicyValue(def, RawValue::ofString(sixtyFourEuros)).value);
    EXPECT_FALSE(coercePolicyValue(def, RawValue::ofString(sixtyFourEuros + "x")).value);
    EXPECT_EQ(coercePolicyValue(def, RawValue::ofInt(2026)).value,
              PolicyValue(std::string("2026")));
}

TEST(Merge, MandatoryBeatsRecommendedAndPlatformBeatsFiles) {
    auto etc = source({raw("TelemetryOptOut", RawValue::ofBool(false), PolicyLevel::Recommended,
                           SourcePrecedence::EtcFile, 0, "/etc/r.json"),
                       raw("TelemetryOptOut", RawValue::ofBool(true), PolicyLevel::Mandatory,
                           SourcePrecedence::EtcFile, 1, "/etc/m.json")});
    auto registry = source({raw("TelemetryOptOut", RawValue::ofInt(1), PolicyLevel::Mandatory,
                                SourcePrecedence::PlatformChannel, 0, "HKLM")});
    const auto set = mergePolicy(catalog(), {etc, registry});
    const auto* e = set.find("TelemetryOptOut");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->value, PolicyValue(true));
    EXPECT_EQ(e->from.origin, "HKLM");
    ASSERT_EQ(e->overridden.size(), 2u);
    int superseded = 0, overridden = 0;
    for (const auto& o : e->overridden) (o.superseded ? superseded : overridden)++;
    EXPECT_EQ(superseded, 1);  // the /etc mandatory true
    EXPECT_EQ(overridden, 1);  // the recommended false
}

TEST(Merge, LaterFileWinsWithinASource) {
    auto etc = source({raw("ReconcileIntervalMinutes", RawValue::ofInt(10), PolicyLevel::Mandatory,
                           SourcePrecedence::EtcFile, 0, "/etc/10-a.json"),
                       raw("ReconcileIntervalMinutes", RawValue::ofInt(20), PolicyLevel::Mandatory,
                           SourcePrecedence::EtcFile, 1, "/etc/20-b.json")});
    const auto set = mergePolicy(catalog(), {etc});
    EXPECT_EQ(set.find("ReconcileIntervalMinutes")->value, PolicyValue(std::int64_t{20}));
}

TEST(Merge, InvalidUnknownAndNonRecommendableValuesBecomeIssues) {
    auto etc = source({raw("TelemetryOptOut", RawValue::ofString("maybe"), PolicyLevel::Mandatory,
                           SourcePrecedence::EtcFile, 0, "/etc/a.json"),
                       raw("NoSuchPolicy", RawValue::ofBool(true), PolicyLevel::Mandatory,
                           SourcePrecedence::EtcFile, 1, "/etc/a.json"),
                       raw("EnforcementMode", RawValue::ofString("AuditOnly"),
                           PolicyLevel::Recommended, SourcePrecedence::EtcFile, 2, "/etc/r.json")});
    const auto set = mergePolicy(catalog(), {etc});
    EXPECT_TRUE(set.empty());
    ASSERT_EQ(set.issues.size(), 3u);
    EXPECT_EQ(set.issues[0].describe(),
              "/etc/a.json: TelemetryOptOut: expected boolean (true/false or 1/0), got string "
              "\"maybe\"; ignored");
}

TEST(LastKnownGood, KeptWhenASourceIsBrokenButNotWhenPolicyWasRemoved) {
    const auto lkg = mergePolicy(
        catalog(), {source({raw("TelemetryOptOut", RawValue::ofBool(true), PolicyLevel::Mandatory,
                                SourcePrecedence::EtcFile, 0, "/etc/a.json")})});

    auto clean = mergePolicy(catalog(), {source({})});
    keepLastKnownGood(clean, lkg);
    EXPECT_TRUE(clean.empty());

    auto kept =
        mergePolicy(catalog(), {source({}, {{"/etc/a.json", "", "line 2, column 1: bad", true}})});
    keepLastKnownGood(kept, lkg);
    ASSERT_NE(kept.find("TelemetryOptOut"), nullptr);
    EXPECT_TRUE(kept.find("TelemetryOptOut")->keptFromLastKnownGood);
    EXPECT_NE(kept.find("TelemetryOptOut")->keptBecause.find("line 2"), std::string::npos);

    auto invalid = mergePolicy(
        catalog(), {source({raw("TelemetryOptOut", RawValue::ofString("maybe"),
                                PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 0, "/etc/a")})});
    keepLastKnownGood(invalid, lkg);
    ASSERT_NE(invalid.find("TelemetryOptOut"), nullptr);
    EXPECT_EQ(invalid.find("TelemetryOptOut")->value, PolicyValue(true));
}

// The floor is per policy: a broken managed file keeps the stored opt-out although a weaker,
// readable recommended file now says false.
TEST(LastKnownGood, ABrokenStrongerInputKeepsTheValueWhateverWeakerSourcesSay) {
    const auto lkg = mergePolicy(
        catalog(), {source({raw("TelemetryOptOut", RawValue::ofBool(true), PolicyLevel::Mandatory,
                                SourcePrecedence::EtcFile, 0, "/etc/managed/a.json")})});
    const auto weaker = raw("TelemetryOptOut", RawValue::ofBool(false), PolicyLevel::Recommended,
                            SourcePrecedence::EtcFile, 1, "/etc/recommended/b.yaml");
    auto now = mergePolicy(
        catalog(), {source({weaker}, {{"/etc/managed/a.json", "", "empty", true,
                                       PolicyLevel::Mandatory, SourcePrecedence::EtcFile}})});
    keepLastKnownGood(now, lkg);
    const auto* kept = now.find("TelemetryOptOut");
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->value, PolicyValue(true));
    EXPECT_TRUE(kept->keptFromLastKnownGood);
    EXPECT_NE(kept->keptBecause.find("/etc/managed/a.json: empty"), std::string::npos);
    ASSERT_EQ(kept->overridden.size(), 1u);
    EXPECT_EQ(kept->overridden[0].value, PolicyValue(false));

    // A broken recommended file does not hold back a readable mandatory value.
    auto stronger = mergePolicy(
        catalog(), {source({raw("TelemetryOptOut", RawValue::ofBool(false), PolicyLevel::Mandatory,
                                SourcePrecedence::EtcFile, 0, "/etc/managed/a.json")},
                           {{"/etc/recommended/b.yaml", "", "bad", true, PolicyLevel::Recommended,
                             SourcePrecedence::EtcFile}})});
    keepLastKnownGood(stronger, lkg);
    EXPECT_EQ(stronger.find("TelemetryOptOut")->value, PolicyValue(false));
    EXPECT_FALSE(stronger.find("TelemetryOptOut")->keptFromLastKnownGood);

    // An invalid value of a policy keeps that policy only, over a weaker value of it.
    auto invalid = mergePolicy(
        catalog(),
        {source({raw("TelemetryOptOut", RawValue::ofString("maybe"), PolicyLevel::Mandatory,
                     SourcePrecedence::EtcFile, 0, "/etc/managed/a.json"),
                 weaker})});
    keepLastKnownGood(invalid, lkg);
    EXPECT_EQ(invalid.find("TelemetryOptOut")->value, PolicyValue(true));
}

TEST(DesiredState, MandatoryOptOutSetsVariableAndForcesEveryAction) {
    const auto d = decideDesiredState(
        mergePolicy(catalog(),
                    {source({raw("TelemetryOptOut", RawValue::ofBool(true), PolicyLevel::Mandatory,
                                 SourcePrecedence::EtcFile, 0, "f")})}),
        catalog());
    EXPECT_TRUE(d.managed);
    EXPECT_TRUE(d.environmentOptOut());
    EXPECT_EQ(d.usage, ActionRequirement::ForceNo);
    EXPECT_EQ(d.exception, ActionRequirement::ForceNo);
    EXPECT_EQ(d.performance, ActionRequirement::ForceNo);
    EXPECT_TRUE(d.manageProfiles);
    EXPECT_EQ(d.reconcileIntervalMinutes, 60);
}

TEST(DesiredState, RecommendedOptOutIsAPerProfileDefaultWithoutTheVariable) {
    const auto d = decideDesiredState(
        mergePolicy(catalog(),
                    {source({raw("TelemetryOptOut", RawValue::ofBool(true),
                                 PolicyLevel::Recommended, SourcePrecedence::EtcFile, 0, "f"),
                             raw("DisableUsageReporting", RawValue::ofBool(true),
                                 PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 1, "f")})}),
        catalog());
    EXPECT_FALSE(d.environmentOptOut());
    EXPECT_EQ(d.usage, ActionRequirement::ForceNo);
    EXPECT_EQ(d.exception, ActionRequirement::NoUnlessUserChose);
}

TEST(DesiredState, NothingConfiguredMeansNotManaged) {
    const auto d = decideDesiredState(PolicySet{}, catalog());
    EXPECT_FALSE(d.managed);
    EXPECT_FALSE(d.environmentOptOut());
    EXPECT_FALSE(d.anyActionManaged());
    EXPECT_FALSE(d.auditOnly);
}

}  // namespace
}  // namespace mpa
