#include "sources/plist_raw_value.hpp"

#ifdef MPA_HAVE_PLIST
namespace mpa::plist {

RawValue toRawValue(Node node) {
    if (const auto value = boolValue(node)) return RawValue::ofBool(*value);
    if (const auto value = integerValue(node)) return RawValue::ofInt(*value);
    if (const auto value = realValue(node)) return RawValue::ofReal(*value);
    if (const auto value = stringValue(node)) return RawValue::ofString(*value);
    const std::string type = typeName(node);
    if (type == "array" || type == "date")
        return RawValue::other(type == "array" ? "an array" : "a date");
    if (type == "dictionary") return RawValue::other("a dictionary");
    if (type == "data") return RawValue::other("data");
    return RawValue::other("a plist " + type);
}

}  // namespace mpa::plist
#endif  // MPA_HAVE_PLIST
