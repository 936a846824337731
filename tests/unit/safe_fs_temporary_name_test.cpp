// The random part of the temporary names safe_fs writes through: from the system generator,
// hex only, of the length asked (odd lengths too), never the same twice in practice, and a name
// the leftover clean-up recognises as ours.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "platform/safe_fs_detail.hpp"

namespace mpa::platform::detail {
namespace {

TEST(SafeFsTemporaryName, RandomHexHasTheLengthAskedAndOnlyHexDigits) {
    for (std::size_t length : {0u, 1u, 15u, 16u, 17u, 200u}) {
        const auto hex = randomHex(length);
        EXPECT_EQ(hex.size(), length);
        EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
    }
}

TEST(SafeFsTemporaryName, NamesDifferAndAreRecognisedAsTemporaries) {
    std::set<std::string> names;
    for (int i = 0; i < 1000; ++i) {
        const auto name = temporaryNameFor("telemetry.json");
        EXPECT_TRUE(isTemporaryNameFor(name, "telemetry.json")) << name;
        names.insert(name);
    }
    EXPECT_EQ(names.size(), 1000u);  // 64 random bits each
    // Every nibble value shows up: the bytes are spread over both hex digits.
    const auto hex = randomHex(4096);
    EXPECT_EQ(std::set<char>(hex.begin(), hex.end()).size(), 16u);
}

}  // namespace
}  // namespace mpa::platform::detail
