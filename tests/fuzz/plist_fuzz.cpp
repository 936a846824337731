// libFuzzer target for the property-list reader (managed preferences, launchd's configuration,
// the local account database): any bytes in, XML or binary, no crash or undefined behaviour in
// the layer over libplist while the whole tree is walked and converted as the sources do.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "platform/users.hpp"
#include "sources/plist_raw_value.hpp"

namespace {

void walk(mpa::plist::Node node, int depth) {
    if (!node || depth > 64) return;
    (void)mpa::plist::typeName(node);
    (void)mpa::plist::toRawValue(node);
    (void)mpa::plist::stringValue(node);
    for (const auto& [key, child] : mpa::plist::dictEntries(node)) {
        (void)mpa::plist::dictItem(node, key);
        walk(child, depth + 1);
    }
    for (auto* item : mpa::plist::arrayItems(node)) walk(item, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    mpa::Status status;
    const auto tree = mpa::plist::parse(bytes, &status);
    if (tree) walk(tree.get(), 0);
    (void)mpa::platform::parseMacUserRecord(bytes, &status);
    return 0;
}
