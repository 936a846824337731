// parentOf: the one way the agent takes the directory part of a path, logical or native.
#include "util/path_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(PathText, ParentViewIsParentOfInsideThePath) {
    for (const std::string path : {"/etc/profile.d/x.sh", "/x", "/", "file", "/a/b/"}) {
        const auto view = parentView(path);
        EXPECT_EQ(std::string(view), parentOf(path)) << path;
        if (!view.empty()) {
            EXPECT_EQ(view.data(), path.data()) << path << ": not a prefix view";
        }
    }
    const std::string windows = "C:\\Users\\bob";
    EXPECT_EQ(parentView(windows, "/\\"), "C:\\Users");
    EXPECT_EQ(parentView("C:\\Users", "/\\"), "C:\\");
}

TEST(PathText, WithoutTrailingSlashes) {
    EXPECT_EQ(withoutTrailingSlashes("/home/bob/"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/home/bob//"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/home/bob"), "/home/bob");
    EXPECT_EQ(withoutTrailingSlashes("/"), "/");
    EXPECT_EQ(withoutTrailingSlashes("//"), "/");
    EXPECT_EQ(withoutTrailingSlashes(""), "");
}

TEST(PathText, HomeOrderIsTheOrderOfThePathsUnderTheHomes) {
    // Against the order of a + "/" and b + "/", for names that meet each case: one the start of
    // the other followed by a byte below, equal to and above '/', bytes above 0x7F, equal names.
    const std::vector<std::string> homes = {"/home/a",  "/home/a.b", "/home/a/b",      "/home/a0",
                                            "/home/ab", "/home/a-",  "/home/\xc3\xa9", "/home/a",
                                            "/h",       "/home/b"};
    for (const auto& a : homes)
        for (const auto& b : homes)
            EXPECT_EQ(homeOrderLess(a, b), a + "/" < b + "/") << a << " against " << b;
    EXPECT_TRUE(homeOrderLess("/home/a.b", "/home/a"));
    EXPECT_FALSE(homeOrderLess("/home/a", "/home/a.b")) << "a plain comparison of the names";
}

}  // namespace
}  // namespace mpa::test
