#pragma once
// The rules coercePolicyValue applies, as text for administrators. Kept in one place: the
// comment in coercion.hpp points here, and docs/policies.md is generated from it.
#include <string_view>

namespace mpa {

// Markdown list, one item per policy type, ending with a newline.
std::string_view coercionRulesMarkdown();

}  // namespace mpa
