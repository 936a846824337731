// Running a system tool with a bound (platform/bounded_command.hpp) against real programs: its
// output and exit status, and a tool that does not answer in time is killed and named, so a hung
// systemctl never stalls a pass. Shown by what the call reports, not by a clock.
#include "platform/bounded_command.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mpa::platform {
namespace {

TEST(BoundedCommand, CollectsTheOutputOfATool) {
    const auto result = runBoundedCommand({"/bin/echo", "hello"}, {}, std::chrono::seconds(30));
    EXPECT_TRUE(result.status) << result.status.error;
    EXPECT_EQ(result.out, "hello\n");
}

TEST(BoundedCommand, AFailingToolIsAFailureNamingItsExitAndItsMessage) {
    const auto result = runBoundedCommand({"/bin/sh", "-c", "echo broken >&2; exit 3"}, {},
                                          std::chrono::seconds(30));
    ASSERT_FALSE(result.status);
    EXPECT_NE(result.status.error.find("failed (exit 3): broken"), std::string::npos)
        << result.status.error;
}

TEST(BoundedCommand, AToolThatDoesNotAnswerIsKilledAndNamed) {
    // Bounded to one second, a tool that would sleep for thirty: the call reports the bound's own
    // failure. Were the bound broken, the tool would end by itself and the call report success.
    const auto result = runBoundedCommand({"/bin/sleep", "30"}, {}, std::chrono::seconds(1));
    ASSERT_FALSE(result.status) << "the bound did not end a tool that did not answer";
    EXPECT_NE(result.status.error.find("/bin/sleep 30: no answer within 1 s"), std::string::npos)
        << result.status.error;
}

}  // namespace
}  // namespace mpa::platform
