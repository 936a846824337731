#pragma once
// Validation of a raw source value against its definition. The rules are the same for every
// source (drop-in files, registry, Registry.pol, plists) and documented in docs/policies.md:
//   boolean: true/false; integers 0/1; strings "true"/"false"/"1"/"0" (any case)
//   integer: an integer, or a string of decimal digits, within [min, max]
//   enum:    an item name (any case), or the item's number (as the ADMX writes it), or that
//            number as a string
//   string:  a string of at most max_length characters; an integer is taken as its digits
// Anything else (reals, lists, maps, null, other registry types) is refused with a reason.
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
