#pragma once
// A property-list value as a policy source hands it to coercion. Kept out of util/plist_tree,
// which the platform layer also uses and which must not know the policy vocabulary.
#include "policy/policy_value.hpp"
#include "util/plist_tree.hpp"

namespace mpa::plist {

// Booleans, integers, reals and strings keep their type; arrays, dictionaries, data, dates and
// UIDs become RawValue::other naming what they were (coercion then reports "expected boolean,
// got an array").
RawValue toRawValue(Node node);

}  // namespace mpa::plist
