#pragma once
// Validation of a raw source value against its definition. The rules are the same for every
// source (drop-in files, registry, Registry.pol, plists); their text for administrators lives in
// ONE place, coercionRulesMarkdown() in coercion_rules.cpp, which docs/policies.md is generated
// from. Change the rules there and here together; coercion_rules_test.cpp samples each one.
#include <optional>
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

struct CoercedValue {
    std::optional<PolicyValue> value;
    std::string error;  // "expected boolean (true/false or 1/0), got string \"maybe\""
};

CoercedValue coercePolicyValue(const PolicyDefinition& def, const RawValue& raw);

}  // namespace mpa
