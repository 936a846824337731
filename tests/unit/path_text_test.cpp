// parentOf: the one way the agent takes the directory part of a path, logical or native.
#include "util/path_text.hpp"

#include <gtest/gtest.h>

namespace mpa::test {
namespace {

TEST(PathText, ParentOfAPosixPath) {
    EXPECT_EQ(parentOf("/etc/profile.d/x.sh"), "/etc/profile.d");
    EXPECT_EQ(parentOf("/x"), "/");
    EXPECT_EQ(parentOf("/"), "") << "the root has no parent: a walk upwards stops there";
    EXPECT_EQ(parentOf("file"), "") << "a bare name has no directory part";
    EXPECT_EQ(parentOf(""), "");
    EXPECT_EQ(parentOf("C:/x"), "C:") << "a drive is a root only for Windows separators";
}

TEST(PathText, ParentOfAWindowsPath) {
    constexpr const char* kWindows = "/\\";
    EXPECT_EQ(parentOf("C:\\ProgramData\\Metalama\\a.db", kWindows), "C:\\ProgramData\\Metalama");
    EXPECT_EQ(parentOf("C:/ProgramData/a.db", kWindows), "C:/ProgramData");
    EXPECT_EQ(parentOf("C:\\a.db", kWindows), "C:\\");
    EXPECT_EQ(parentOf("C:\\", kWindows), "");
    EXPECT_EQ(parentOf("/x", kWindows), "/");
}

TEST(PathText, WithoutTrailingSlashes) {
    EXPECT_EQ(withoutTrailingSlashes("/home/bob/"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/home/bob//"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/home/bob"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/"), "/");
    EXPECT_EQ(withoutTrailingSlashes("//"), "/");
    EXPECT_EQ(withoutTrailingSlashes(""), "");
}

}  // namespace
}  // namespace mpa::test
