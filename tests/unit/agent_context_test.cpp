// How --root relocates paths, for POSIX paths and for Windows drive paths.
#include "model/agent_context.hpp"

#include <gtest/gtest.h>

namespace mpa {
namespace {

TEST(AgentContextResolve, TheLiveSystemUsesPathsAsTheyAre) {
    AgentContext context;
    EXPECT_EQ(context.resolve("/etc/environment"), "/etc/environment");
    EXPECT_EQ(context.resolve("C:/Users/Default"), "C:/Users/Default");
}

TEST(AgentContextResolve, AScratchRootPrefixesPosixPaths) {
    AgentContext context;
    context.settings.root = "/tmp/root/";
    EXPECT_EQ(context.resolve("/etc/environment"), "/tmp/root/etc/environment");
}

TEST(AgentContextResolve, AWindowsDriveBecomesADirectoryBelowTheRoot) {
    AgentContext context;
    context.settings.root = "Z:/scratch";
    EXPECT_EQ(context.resolve("C:/Users/bob"), "Z:/scratch/C/Users/bob");
    EXPECT_EQ(context.resolve("C:\\Users\\bob\\AppData"), "Z:/scratch/C/Users/bob/AppData");
    EXPECT_EQ(context.resolve("D:"), "Z:/scratch/D");
    context.settings.root = "/tmp/root";
    EXPECT_EQ(context.resolve("C:/ProgramData/x.db"), "/tmp/root/C/ProgramData/x.db");
}

TEST(AgentContextResolve, DrivePathsAreAbsoluteOthersNot) {
    EXPECT_TRUE(isDrivePath("C:/x"));
    EXPECT_TRUE(isDrivePath("c:\\x"));
    EXPECT_TRUE(isDrivePath("C:"));
    EXPECT_FALSE(isDrivePath("C:x"));  // relative to drive C's current directory
    EXPECT_FALSE(isDrivePath("/etc"));
    EXPECT_FALSE(isDrivePath("1:/x"));
    EXPECT_TRUE(isAbsoluteLogicalPath("/etc"));
    EXPECT_TRUE(isAbsoluteLogicalPath("D:/x"));
    EXPECT_FALSE(isAbsoluteLogicalPath("Users/bob"));
}

}  // namespace
}  // namespace mpa
