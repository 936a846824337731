// SafeDir's link rule: a symbolic link is followed only when it and every directory above it are
// root's alone. The trees live under a directory that is root's alone (not /tmp, where anyone
// may add entries), so what decides is the link itself and the directories the test sets up.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using platform::SafeDir;

class SafeFsLinks : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!platform::isPrivileged()) GTEST_SKIP() << "needs root: links owned by root and others";
        scratch.mkdirs("private/etc/metalama");
        scratch.write("private/etc/metalama/agent.yaml", "log_level: info\n");
    }
    bool opens(const std::string& rel, Status* status = nullptr) {
        return SafeDir::open(scratch.abs(rel), status).has_value();
    }

    ScratchDir scratch{"/var/lib/mpa-test-roots"};
};

TEST_F(SafeFsLinks, RootsRelativeLinkIsFollowedAndNamedAsSpelled) {
    scratch.symlink("private/etc", "etc");
    Status status;
    auto dir = SafeDir::open(scratch.abs("etc/metalama"), &status);
    ASSERT_TRUE(dir) << status.error;
    EXPECT_EQ(dir->path(), scratch.abs("etc/metalama"));
    const auto read = platform::readFileNoFollow(scratch.abs("etc/metalama/agent.yaml"), 1024);
    EXPECT_TRUE(read.status) << read.status.error;
    EXPECT_EQ(read.data, "log_level: info\n");
    EXPECT_EQ(platform::physicalPath(scratch.abs("etc/metalama/not-yet/x.db")),
              scratch.abs("private/etc/metalama/not-yet/x.db"));
}

TEST_F(SafeFsLinks, DotDotInARootLinksTargetClimbsPhysically) {
    scratch.mkdirs("home");
    scratch.mkdirs("data/alice");
    scratch.symlink("../data/alice", "home/alice");
    EXPECT_TRUE(opens("home/alice"));
    EXPECT_EQ(platform::physicalPath(scratch.abs("home/alice")), scratch.abs("data/alice"));
}

TEST_F(SafeFsLinks, ALinkAUserOwnsIsRefused) {
    scratch.symlink("private/etc", "etc");
    ASSERT_EQ(::lchown(scratch.abs("etc").c_str(), 1001, 1001), 0);
    Status status;
    EXPECT_FALSE(opens("etc/metalama", &status));
    EXPECT_EQ(status.error, scratch.abs("etc") + ": is a symbolic link; refusing to follow it");
}

TEST_F(SafeFsLinks, RootsLinkInADirectoryOthersMayWriteIsRefused) {
    scratch.mkdirs("shared");
    scratch.symlink("../private/etc", "shared/etc");
    ASSERT_EQ(::chmod(scratch.abs("shared").c_str(), 01777), 0);  // sticky, like /tmp
    EXPECT_FALSE(opens("shared/etc/metalama"));
    ASSERT_EQ(::chmod(scratch.abs("shared").c_str(), 0775), 0);  // writable by a user group
    ASSERT_EQ(::chown(scratch.abs("shared").c_str(), 0, 100), 0);
    EXPECT_FALSE(opens("shared/etc/metalama"));
    ASSERT_EQ(::chown(scratch.abs("shared").c_str(), 0, 0), 0);  // root's group: root's alone
    EXPECT_TRUE(opens("shared/etc/metalama"));
}

TEST_F(SafeFsLinks, RootsLinkBelowADirectoryAUserOwnsIsRefused) {
    scratch.mkdirs("home/bob/.config");
    ASSERT_EQ(::chown(scratch.abs("home/bob").c_str(), 1002, 1002), 0);
    scratch.symlink("../../../private/etc", "home/bob/.config/etc");  // made by root, even so
    EXPECT_FALSE(opens("home/bob/.config/etc"));
}

TEST_F(SafeFsLinks, ALoopOfRootsLinksEnds) {
    scratch.symlink("b", "a");
    scratch.symlink("a", "b");
    Status status;
    EXPECT_FALSE(opens("a/x", &status));
    EXPECT_NE(status.error.find("too many levels of symbolic links"), std::string::npos)
        << status.error;
}

}  // namespace
}  // namespace mpa::test
