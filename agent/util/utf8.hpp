#pragma once
// UTF-8, the agent's one text encoding: encoding a code point (JSON \u escapes, UTF-16 from
// Registry.pol files), checking a sequence, counting characters (policy length limits).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mpa {

// Appends the UTF-8 encoding of `codePoint` (the caller passes a scalar value, not a surrogate).
void appendUtf8(std::string* out, std::uint32_t codePoint);

// Length of the well-formed UTF-8 sequence starting at s[pos] (1 for ASCII), or 0 when the bytes
// there are not one (a stray continuation byte, an overlong form, a surrogate, a truncated
// sequence): exactly the sequences RFC 3629 allows.
std::size_t utf8SequenceLength(std::string_view s, std::size_t pos);

// Number of code points in UTF-8 text (continuation bytes are not counted).
std::size_t utf8Length(std::string_view s);

}  // namespace mpa
