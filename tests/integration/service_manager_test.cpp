// The host's service manager through the real systemctl. Read-only: a test never changes the
// environment of a running PID 1. An integration test: what it sees depends on the host (whether
// systemd is PID 1, what its manager holds).
#include "platform/service_manager.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace mpa::test {
namespace {

bool isDirectory(const char* path) {
    struct stat st {};
    return ::lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(ServiceManagerTest, RunningMeansSystemdIsPidOne) {
    EXPECT_EQ(platform::hostServiceManager()->isRunning(), isDirectory("/run/systemd/system"));
}

TEST(ServiceManagerTest, ReadsTheEnvironmentOrSaysWhyNotWithinTheTimeBound) {
    auto manager = platform::hostServiceManager();
    struct stat st {};
    if (::stat("/usr/bin/systemctl", &st) != 0 && ::stat("/bin/systemctl", &st) != 0)
        GTEST_SKIP() << "systemctl not installed";
    std::vector<std::string> entries;
    // Within the time bound of every systemctl call: that a tool that does not answer is
    // killed and named is shown without a clock by tests/unit/bounded_command_test.cpp.
    const auto status = manager->readEnvironment(&entries);
    if (manager->isRunning()) {
        ASSERT_TRUE(status) << status.error;
        EXPECT_THAT(entries, ::testing::Contains(::testing::StartsWith("PATH=")));
    } else {
        // Without systemd as PID 1, systemctl refuses: the failure names the command and carries
        // systemctl's own message, never an empty or invented success.
        ASSERT_FALSE(status);
        EXPECT_THAT(status.error, ::testing::HasSubstr("systemctl --system --no-pager"));
        EXPECT_THAT(status.error, ::testing::HasSubstr("show-environment: failed (exit "));
    }
}

}  // namespace
}  // namespace mpa::test
