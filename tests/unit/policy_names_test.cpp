// policy/policy_names.hpp is generated from policies/metalama.yaml at build time: every policy the
// agent loads has its constant, every constant names a policy, and the generated defaults and enum
// items are the ones the loaded definitions hold.
#include "policy/policy_names.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>

#include "policy/definitions.hpp"

namespace mpa {
namespace {

TEST(PolicyNames, EveryPolicyInTheDefinitionsHasAConstantAndNoOther) {
    // The definitions of policies/metalama.yaml; the tool policies builtinCatalog() appends are
    // named by the telemetry catalog's data (tool_policies_test.cpp).
    const auto& catalog = builtinProductCatalog();
    std::set<std::string> defined, generated;
    for (const auto& p : catalog.policies) defined.insert(p.name);
    for (const char* name : policy_name::kAll) generated.insert(name);
    EXPECT_EQ(generated, defined);
    EXPECT_EQ(policy_name::kAll.size(), catalog.policies.size()) << "no name twice";
    for (std::size_t i = 0; i < catalog.policies.size(); ++i)
        EXPECT_EQ(catalog.policies[i].name, policy_name::kAll[i]) << "in the definitions' order";
}

template <typename T>
T catalogDefault(const char* name) {
    const auto* definition = builtinCatalog().find(name);
    EXPECT_NE(definition, nullptr) << name;
    if (!definition) return T{};
    const auto* value = std::get_if<T>(&definition->defaultValue);
    EXPECT_NE(value, nullptr) << name;
    return value ? *value : T{};
}

TEST(PolicyNames, TheGeneratedDefaultsAreTheDefinitions) {
    using namespace policy_name;
    EXPECT_EQ(policy_default::kTelemetryOptOut, catalogDefault<bool>(kTelemetryOptOut));
    EXPECT_EQ(policy_default::kManageUserProfiles, catalogDefault<bool>(kManageUserProfiles));
    EXPECT_EQ(policy_default::kDeviceIdRotationDays,
              catalogDefault<std::int64_t>(kDeviceIdRotationDays));
    EXPECT_EQ(policy_default::kReconcileIntervalMinutes,
              catalogDefault<std::int64_t>(kReconcileIntervalMinutes));
    EXPECT_EQ(policy_default::kComplianceRetentionDays,
              catalogDefault<std::int64_t>(kComplianceRetentionDays));
    EXPECT_EQ(std::string(policy_default::kEnforcementMode),
              catalogDefault<std::string>(kEnforcementMode));
    EXPECT_EQ(std::string(policy_default::kDeviceIdResetToken),
              catalogDefault<std::string>(kDeviceIdResetToken));
}

TEST(PolicyNames, TheGeneratedEnumItemsAreTheDefinitions) {
    const auto* mode = builtinCatalog().find(policy_name::kEnforcementMode);
    ASSERT_NE(mode, nullptr);
    ASSERT_EQ(mode->items.size(), 2u);
    EXPECT_EQ(mode->items[0].name, policy_item::kEnforcementModeEnforce);
    EXPECT_EQ(mode->items[1].name, policy_item::kEnforcementModeAuditOnly);
}

}  // namespace
}  // namespace mpa
