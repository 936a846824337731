#include "policy/policy_value.hpp"

#include <sstream>

namespace mpa {

std::string describeValue(const PolicyValue& value) {
    if (auto b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    if (auto i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    return "\"" + std::get<std::string>(value) + "\"";
}

RawValue RawValue::null() {
    return RawValue{};
}
RawValue RawValue::ofBool(bool v) {
    RawValue r;
    r.kind = Kind::Boolean;
    r.boolean = v;
    return r;
}
RawValue RawValue::ofInt(std::int64_t v) {
    RawValue r;
    r.kind = Kind::Integer;
    r.integer = v;
    return r;
}
RawValue RawValue::ofReal(double v) {
    RawValue r;
    r.kind = Kind::Real;
    r.real = v;
    return r;
}
RawValue RawValue::ofString(std::string v) {
    RawValue r;
    r.kind = Kind::String;
    r.text = std::move(v);
    return r;
}
RawValue RawValue::other(std::string what) {
    RawValue r;
    r.kind = Kind::Other;
    r.text = std::move(what);
    return r;
}

std::string RawValue::describe() const {
    switch (kind) {
        case Kind::Null:
            return "null";
        case Kind::Boolean:
            return boolean ? "boolean true" : "boolean false";
        case Kind::Integer:
            return "integer " + std::to_string(integer);
        case Kind::Real: {
            std::ostringstream out;
            out << "number " << real;
            return out.str();
        }
        case Kind::String:
            return "string \"" + text + "\"";
        case Kind::Other:
            return text;
    }
    return "?";
}

}  // namespace mpa
