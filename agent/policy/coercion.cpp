#include "policy/coercion.hpp"

#include "util/text.hpp"
#include "util/utf8.hpp"

namespace mpa {
namespace {

CoercedValue refuse(const PolicyDefinition& def, const RawValue& raw, const std::string& why = {}) {
    std::string expected;
    switch (def.type) {
        case PolicyType::Boolean:
            expected = "boolean (true/false or 1/0)";
            break;
        default:
            expected = def.describeType();
            break;
    }
    return {std::nullopt, "expected " + expected + ", got " + raw.describe() + why};
}

CoercedValue coerceBoolean(const PolicyDefinition& def, const RawValue& raw) {
    switch (raw.kind) {
        case RawValue::Kind::Boolean:
            return {raw.boolean, {}};
        case RawValue::Kind::Integer:
            if (raw.integer == 0 || raw.integer == 1) return {raw.integer == 1, {}};
            break;
        case RawValue::Kind::String:
            if (equalsIgnoringCase(raw.text, "true") || raw.text == "1") return {true, {}};
            if (equalsIgnoringCase(raw.text, "false") || raw.text == "0") return {false, {}};
            break;
        default:
            break;
    }
    return refuse(def, raw);
}

CoercedValue coerceInteger(const PolicyDefinition& def, const RawValue& raw) {
    long long v = 0;
    if (raw.kind == RawValue::Kind::Integer) {
        v = raw.integer;
    } else if (raw.kind != RawValue::Kind::String || !parseDecimal(raw.text, &v)) {
        return refuse(def, raw);
    }
    if (v < def.min || v > def.max) return refuse(def, raw, " (out of range)");
    return {static_cast<std::int64_t>(v), {}};
}

CoercedValue coerceEnum(const PolicyDefinition& def, const RawValue& raw) {
    long long number = 0;
    if (raw.kind == RawValue::Kind::String) {
        if (const auto* item = def.findItem(raw.text)) return {item->name, {}};
        if (!parseDecimal(raw.text, &number)) return refuse(def, raw);
    } else if (raw.kind == RawValue::Kind::Integer) {
        number = raw.integer;
    } else {
        return refuse(def, raw);
    }
    if (const auto* item = def.findItemByValue(number)) return {item->name, {}};
    return refuse(def, raw);
}

CoercedValue coerceString(const PolicyDefinition& def, const RawValue& raw) {
    std::string text;
    if (raw.kind == RawValue::Kind::String) {
        text = raw.text;
    } else if (raw.kind == RawValue::Kind::Integer) {
        text = std::to_string(raw.integer);
    } else {
        return refuse(def, raw);
    }
    if (utf8Length(text) > def.maxLength) return refuse(def, raw, " (too long)");
    return {text, {}};
}

}  // namespace

CoercedValue coercePolicyValue(const PolicyDefinition& def, const RawValue& raw) {
    switch (def.type) {
        case PolicyType::Boolean:
            return coerceBoolean(def, raw);
        case PolicyType::Integer:
            return coerceInteger(def, raw);
        case PolicyType::Enum:
            return coerceEnum(def, raw);
        case PolicyType::String:
            return coerceString(def, raw);
    }
    return refuse(def, raw);
}

}  // namespace mpa
