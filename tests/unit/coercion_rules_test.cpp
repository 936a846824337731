// docs/policies.md publishes coercionRulesMarkdown() as the rules every source follows; these
// samples keep that text and coercePolicyValue in step (one case per sentence of the rules).
#include "policy/coercion_rules.hpp"

#include <gtest/gtest.h>

#include "policy/coercion.hpp"

namespace mpa {
namespace {

const PolicyDefinition& def(const char* name) {
    const auto* d = builtinCatalog().find(name);
    if (!d) throw std::runtime_error(std::string("no policy ") + name);
    return *d;
}

bool accepts(const char* policy, const RawValue& raw) {
    return coercePolicyValue(def(policy), raw).value.has_value();
}

TEST(CoercionRules, BooleanRule) {
    const auto* b = "TelemetryOptOut";
    for (const auto& raw : {RawValue::ofBool(true), RawValue::ofInt(1), RawValue::ofInt(0),
                            RawValue::ofString("TRUE"), RawValue::ofString("false"),
                            RawValue::ofString("1"), RawValue::ofString("0")})
        EXPECT_TRUE(accepts(b, raw)) << raw.describe();
    for (const auto& raw : {RawValue::ofInt(2), RawValue::ofString("yes"), RawValue::ofReal(1.0),
                            RawValue::null(), RawValue::other("a list")})
        EXPECT_FALSE(accepts(b, raw)) << raw.describe();
}

TEST(CoercionRules, IntegerRule) {
    const auto* i = "ReconcileIntervalMinutes";  // 5-1440
    EXPECT_TRUE(accepts(i, RawValue::ofInt(5)));
    EXPECT_TRUE(accepts(i, RawValue::ofString("1440")));
    EXPECT_FALSE(accepts(i, RawValue::ofInt(4)));
    EXPECT_FALSE(accepts(i, RawValue::ofString("1441")));
    EXPECT_FALSE(accepts(i, RawValue::ofReal(60.0)));
}

TEST(CoercionRules, EnumRule) {
    const auto* e = "EnforcementMode";
    EXPECT_EQ(*coercePolicyValue(def(e), RawValue::ofString("auditonly")).value,
              PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(*coercePolicyValue(def(e), RawValue::ofInt(1)).value,
              PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(*coercePolicyValue(def(e), RawValue::ofString("0")).value,
              PolicyValue(std::string("Enforce")));
    EXPECT_FALSE(accepts(e, RawValue::ofInt(7)));
}

TEST(CoercionRules, StringRule) {
    const auto* s = "DeviceIdResetToken";  // at most 64 characters
    EXPECT_TRUE(accepts(s, RawValue::ofString(std::string(64, 'x'))));
    EXPECT_FALSE(accepts(s, RawValue::ofString(std::string(65, 'x'))));
    EXPECT_EQ(*coercePolicyValue(def(s), RawValue::ofInt(2026)).value,
              PolicyValue(std::string("2026")));
    EXPECT_FALSE(accepts(s, RawValue::ofBool(true)));
}

TEST(CoercionRules, TextNamesEveryType) {
    const std::string text(coercionRulesMarkdown());
    for (const auto* type : {"**boolean**", "**integer**", "**enum**", "**string**"})
        EXPECT_NE(text.find(type), std::string::npos) << type;
}

}  // namespace
}  // namespace mpa
