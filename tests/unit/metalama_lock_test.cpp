// The name of Metalama's per-directory mutex, computed as Metalama.Backstage does (MD5 of the
// UTF-8 path, lower-case hex), checked against Python's hashlib.md5 of the same bytes.
#include "platform/metalama_lock.hpp"

#include <gtest/gtest.h>

namespace mpa::platform {
namespace {

TEST(MetalamaLock, TheMutexNameIsTheMd5OfTheWindowsSpellingOfTheDirectory) {
    // python3 -c "import hashlib; print(hashlib.md5(rb'C:\Users\bob\AppData\Local\Metalama')
    //   .hexdigest())"
    const std::string expected = "Global\\Metalama_917741d3876a1e358c7b7db2f64086e1";
    EXPECT_EQ(metalamaDirectoryMutexName("C:/Users/bob/AppData/Local/Metalama"), expected);
    EXPECT_EQ(metalamaDirectoryMutexName("C:\\Users\\bob\\AppData\\Local\\Metalama"), expected);
    // Case matters: Metalama hashes the path as .NET spells it.
    EXPECT_NE(metalamaDirectoryMutexName("c:/users/bob/appdata/local/metalama"), expected);
}

TEST(MetalamaLock, TheMutexNameUsesRfc1321Md5) {
    // RFC 1321, appendix A.5 test suite.
    EXPECT_EQ(metalamaDirectoryMutexName(""), "Global\\Metalama_d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(metalamaDirectoryMutexName("abc"),
              "Global\\Metalama_900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(metalamaDirectoryMutexName("message digest"),
              "Global\\Metalama_f96b697d7cb7938d525a2f31aaf161d0");
    // 80 digits: more than one 64-byte block.
    EXPECT_EQ(metalamaDirectoryMutexName("1234567890123456789012345678901234567890"
                                         "1234567890123456789012345678901234567890"),
              "Global\\Metalama_57edf4a22be3c955ac49da2e2107b67a");
}

TEST(MetalamaLock, LockingSucceedsWhenNobodyHoldsIt) {
    const auto result = lockMetalamaDataDirectory("C:/Users/nobody/AppData/Local/Metalama",
                                                  std::chrono::milliseconds(100));
    EXPECT_TRUE(result.lock) << result.error;
    EXPECT_FALSE(result.busy);
}

}  // namespace
}  // namespace mpa::platform
