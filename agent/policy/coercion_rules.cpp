#include "policy/coercion_rules.hpp"

namespace mpa {

std::string_view coercionRulesMarkdown() {
    // Keep in step with coercion.cpp: coercion_rules_test.cpp samples each rule.
    return "The same rules apply to every source (drop-in files, the registry, Registry.pol "
           "files,\n"
           "configuration profiles):\n"
           "\n"
           "- **boolean**: `true` or `false`; the integers `1` and `0`; the strings `\"true\"`,\n"
           "  `\"false\"`, `\"1\"`, `\"0\"` (any case). A REG_DWORD of 1 or 0 is a boolean.\n"
           "- **integer**: an integer, or a string of decimal digits, within the policy's range\n"
           "  (inclusive).\n"
           "- **enum**: an item name (any case), or the item's number (what the ADMX writes as a\n"
           "  REG_DWORD), or that number as a string.\n"
           "- **string**: a string of at most the policy's maximum length in characters; an "
           "integer\n"
           "  is taken as its digits.\n"
           "\n"
           "Anything else (reals, lists, maps, null, other registry types) is refused with a "
           "reason\n"
           "that `metalama-policy-agent status` shows; the other policies still apply.\n";
}

}  // namespace mpa
