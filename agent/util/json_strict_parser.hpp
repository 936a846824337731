// Internal to json_document: the strict RFC 8259 scanner shared by validate() and ObjectDocument.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/json_document.hpp"

namespace mpa::json::detail {

inline constexpr int kMaxDepth = 64;  // System.Text.Json's default JsonReaderOptions.MaxDepth

// A top-level member: decoded key and the byte range of its value in the input.
struct MemberSpan {
    std::string key;
    std::size_t valueBegin = 0, valueEnd = 0;
    std::size_t keyBegin = 0;  // the key's opening quote
};

// Validates `text` as one JSON value. With `members`, the value must be an object and its members
// are recorded in source order.
bool parseStrict(std::string_view text, std::vector<MemberSpan>* members, ParseError* error);

// Decodes a string literal (quotes included) that parseStrict already accepted.
std::string decodeStringLiteral(std::string_view literal);

}  // namespace mpa::json::detail
