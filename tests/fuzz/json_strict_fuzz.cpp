// libFuzzer target for the strict JSON parser (Metalama's telemetry.json, policy drop-ins): any
// bytes in, no crash or undefined behaviour, and the invariants callers rely on: what
// ObjectDocument accepts, validate accepts; a serialized document parses again to the same
// members; the unique-key reader accepts a subset of what ObjectDocument accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/json_document.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    mpa::json::ParseError error;
    const bool valid = mpa::json::validate(text, &error);
    check(valid || error.offset <= size);
    const auto doc = mpa::json::ObjectDocument::parse(text, &error);
    const auto unique = mpa::json::parseObjectWithUniqueKeys(text, &error);
    if (!doc) {
        check(!unique);
        return 0;
    }
    check(valid);
    if (unique) {
        check(unique->size() == doc->members().size());
        for (const auto& member : *unique) {
            check(member.line >= 1 && member.column >= 1);
            (void)mpa::json::decodeStringValue(member.rawValue);
        }
    }
    const auto again = mpa::json::ObjectDocument::parse(doc->serialize(), &error);
    check(again && again->members().size() == doc->members().size());
    for (std::size_t i = 0; i < doc->members().size(); ++i) {
        check(again->members()[i].key == doc->members()[i].key);
        check(again->members()[i].rawValue == doc->members()[i].rawValue);
    }
    return 0;
}
