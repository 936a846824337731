// The helper every test relies on: it must clean up, and never through a symlink.
#include "support/scratch_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace mpa::test {
namespace {

namespace fs = std::filesystem;

TEST(ScratchDir, CreatesWritesReadsAndRemovesWithoutFollowingLinks) {
    ScratchDir outside;
    outside.write("keep/me.txt", "precious");
    std::string path;
    {
        ScratchDir scratch;
        path = scratch.path();
        EXPECT_TRUE(fs::is_directory(path));
        EXPECT_EQ(fs::path(path), fs::canonical(path));  // no symlink in the path
        scratch.write("a/b/c.txt", "hello", 0600);
        EXPECT_EQ(scratch.read("a/b/c.txt"), "hello");
        scratch.mkdirs("d/e", 0700);
        EXPECT_TRUE(scratch.exists("d/e"));
#ifndef _WIN32  // POSIX modes; Wine 8 cannot create symbolic links
        EXPECT_EQ(fs::status(scratch.abs("a/b/c.txt")).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write);
        scratch.symlink(outside.abs("keep"), "d/link");
        scratch.symlink("dangling-target", "dangling");
        EXPECT_TRUE(scratch.exists("dangling"));
#endif
        EXPECT_FALSE(scratch.exists("nothing"));
        EXPECT_EQ(scratch.abs(""), path);
        EXPECT_THROW(scratch.read("nothing"), std::runtime_error);
    }
    EXPECT_FALSE(fs::exists(path));
    EXPECT_EQ(outside.read("keep/me.txt"), "precious");
}

TEST(ScratchDir, EachInstanceIsUnique) {
    ScratchDir a, b;
    EXPECT_NE(a.path(), b.path());
}

}  // namespace
}  // namespace mpa::test
