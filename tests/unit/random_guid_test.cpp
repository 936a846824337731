// The DeviceId the agent writes on a reset: a version 4 GUID from the system's random generator,
// spelled as .NET writes it (Metalama reads it with Guid.Parse).
#include "platform/random_guid.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

namespace mpa::platform {
namespace {

// xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx: lower-case hex, Y one of 8 9 a b (RFC 4122 variant).
bool isVersion4Guid(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
        const char c = s[i];
        if (hyphen != (c == '-')) return false;
        if (!hyphen && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

TEST(RandomGuid, IsAVersion4GuidInDotNetSpelling) {
    EXPECT_FALSE(isVersion4Guid("7d444840-9dc0-11d1-b245-5ffdce74fad2"));  // version 1
    for (int i = 0; i < 100; ++i) {
        const auto guid = newRandomGuid();
        EXPECT_TRUE(isVersion4Guid(guid)) << guid;
    }
}

TEST(RandomGuid, DoesNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(newRandomGuid()).second);
}

TEST(RandomGuid, FillsEveryByteRequested) {
    // 256 bytes, the most one call takes: each is zero with a chance of 1 in 256.
    std::array<unsigned char, 256> bytes{};
    fillRandomBytes(bytes.data(), bytes.size());
    int nonZero = 0;
    for (unsigned char b : bytes) nonZero += b != 0;
    EXPECT_GT(nonZero, 200);  // about 255 expected; 56 zeros is beyond any real chance
}

}  // namespace
}  // namespace mpa::platform
