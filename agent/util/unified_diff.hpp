#pragma once
// A readable unified-style diff of two small texts (configuration files), for dry runs and for
// AuditOnly findings: an administrator reads it, no tool applies it.
#include <cstddef>
#include <string>
#include <string_view>

namespace mpa {

// "--- fromLabel" / "+++ toLabel" headers, then hunks with `context` unchanged lines around each
// change. Lines are compared byte for byte (a CRLF line differs from its LF twin); a "\r" is
// shown as "\r" so such a difference stays visible. Empty when the texts are equal. Very large
// inputs (over a few thousand lines) are shown as a whole replacement rather than diffed.
std::string unifiedDiff(std::string_view before, std::string_view after, std::string_view fromLabel,
                        std::string_view toLabel, std::size_t context = 3);

}  // namespace mpa
