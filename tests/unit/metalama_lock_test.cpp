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

TEST(MetalamaLock, LockingSucceedsWhenNobodyHoldsIt) {
    const auto result = lockMetalamaDataDirectory("C:/Users/nobody/AppData/Local/Metalama",
                                                  std::chrono::milliseconds(100));
    EXPECT_TRUE(result.lock) << result.error;
    EXPECT_FALSE(result.busy);
}

}  // namespace
}  // namespace mpa::platform
