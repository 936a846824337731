#pragma once
// The values a policy can take once validated, and the raw values sources hand in before that.
#include <cstdint>
#include <string>
#include <variant>

namespace mpa {

// Enum policies hold the item name (e.g. "AuditOnly"); registry DWORDs are mapped to names.
using PolicyValue = std::variant<bool, std::int64_t, std::string>;

std::string describeValue(const PolicyValue& value);  // true, 30, "text"

// A value as a source read it, before validation against the definition.
struct RawValue {
    enum class Kind { Null, Boolean, Integer, Real, String, Other };
    Kind kind = Kind::Null;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;  // String: the text; Other: what it was ("a list", "REG_BINARY")

    static RawValue null();
    static RawValue ofBool(bool v);
    static RawValue ofInt(std::int64_t v);
    static RawValue ofReal(double v);
    static RawValue ofString(std::string v);
    static RawValue other(std::string what);
    std::string describe() const;  // for error messages: boolean true, integer 7, string "x"
};

}  // namespace mpa
