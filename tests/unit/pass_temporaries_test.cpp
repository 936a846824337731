// Whether a pass's writes look for a killed pass's leftover temporary files, on real files in a
// scratch tree: after a pass that did not finish (no record, a record that is not private, a
// pass that left one of its temporaries) the next pass's writes list their directory and remove
// the leftover; after a finished pass they list nothing, and the record is removed before the
// first temporary file is made and made again when none is left.
#include "engine/pass_temporaries.hpp"

#include <gtest/gtest.h>

#include <string>

#include "platform/safe_fs.hpp"
#include "support/scratch_dir.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>

namespace mpa {
namespace {

using test::ScratchDir;

constexpr const char* kLeftover = "home/.settings.json.mpa-0123456789abcdef.tmp";

class PassTemporariesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        root.mkdirs("db", 0700);
        root.write("home/settings.json", "old", 0600);
    }
    std::string database() const { return root.abs("db/compliance.db"); }
    std::string mark() const { return finishedPassMarkPath(database()); }
    bool marked() const { return root.exists("db/compliance.db.finished"); }
    platform::SafeDir home() const {
        Status status;
        auto dir = platform::SafeDir::open(root.abs("home"), &status);
        EXPECT_TRUE(dir) << status.error;
        return std::move(*dir);
    }
    platform::Ownership mine() const { return {::geteuid(), ::getegid(), 0600}; }
    Status write(const std::string& content) const {
        return home().writeFileAtomic("settings.json", content, mine());
    }
    // A pass that writes the file and finishes.
    void finishedPass() {
        PassTemporaries pass(database());
        ASSERT_TRUE(write("finished"));
        EXPECT_EQ(pass.finish(), "");
        ASSERT_TRUE(marked());
    }

    ScratchDir root;
};

TEST_F(PassTemporariesTest, WithoutARecordThePassLooksRemovesALeftoverAndRecordsItsFinish) {
    root.write(kLeftover, "half", 0600);
    PassTemporaries pass(database());
    EXPECT_TRUE(pass.looking());
    ASSERT_TRUE(write("new"));
    EXPECT_FALSE(root.exists(kLeftover));
    EXPECT_EQ(pass.scope().listings(), 1u);
    EXPECT_EQ(pass.finish(), "");
    EXPECT_TRUE(marked());
    struct stat st {};
    ASSERT_EQ(::lstat(mark().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(PassTemporariesTest, AfterAFinishedPassNoDirectoryIsListedAndTheRecordGoesFirst) {
    finishedPass();
    // Not made by a pass of ours (every one of them finished): left alone.
    root.write(kLeftover, "someone else's", 0600);
    PassTemporaries pass(database());
    EXPECT_FALSE(pass.looking());
    ASSERT_TRUE(write("second"));
    EXPECT_FALSE(marked());  // removed before the temporary file was made
    EXPECT_EQ(pass.scope().listings(), 0u);
    EXPECT_EQ(pass.scope().made(), 1u);
    EXPECT_TRUE(root.exists(kLeftover));
    EXPECT_EQ(pass.finish(), "");
    EXPECT_TRUE(marked());
    EXPECT_EQ(root.read("home/settings.json"), "second");
}

TEST_F(PassTemporariesTest, APassThatLeavesATemporaryMakesTheNextOneLookAndRemoveIt) {
    finishedPass();
    std::string left;
    {
        PassTemporaries killed(database());
        platform::StagedFile staged;
        ASSERT_TRUE(home().stageFile("settings.json", "never renamed", mine(), &staged));
        left = "home/" + staged.tempName;
        EXPECT_FALSE(killed.scope().noneLeft());
        EXPECT_EQ(killed.finish(), "");
    }
    EXPECT_FALSE(marked());  // what a kill after the first temporary file leaves too
    ASSERT_TRUE(root.exists(left));
    PassTemporaries next(database());
    EXPECT_TRUE(next.looking());
    ASSERT_TRUE(write("after the kill"));
    EXPECT_FALSE(root.exists(left));
    EXPECT_EQ(next.finish(), "");
    EXPECT_TRUE(marked());
}

TEST_F(PassTemporariesTest, ARecordThatIsNotPrivateOrIsALinkMeansLook) {
    finishedPass();
    ASSERT_EQ(::chmod(mark().c_str(), 0666), 0);
    EXPECT_TRUE(PassTemporaries(database()).looking());
    ASSERT_EQ(::unlink(mark().c_str()), 0);
    root.write("db/elsewhere", "", 0600);
    root.symlink(root.abs("db/elsewhere"), "db/compliance.db.finished");
    EXPECT_TRUE(PassTemporaries(database()).looking());
    EXPECT_TRUE(PassTemporaries("").looking());
}

TEST_F(PassTemporariesTest, APassThatWritesNothingKeepsTheRecordAsItWas) {
    finishedPass();
    struct stat before {
    }, after{};
    ASSERT_EQ(::lstat(mark().c_str(), &before), 0);
    PassTemporaries pass(database());
    EXPECT_EQ(pass.finish(), "");
    ASSERT_EQ(::lstat(mark().c_str(), &after), 0);
    EXPECT_EQ(before.st_ino, after.st_ino);
}

TEST_F(PassTemporariesTest, WritesOutsideAPassAlwaysLook) {
    finishedPass();
    root.write(kLeftover, "half", 0600);
    ASSERT_TRUE(write("outside"));
    EXPECT_FALSE(root.exists(kLeftover));
}

// A pass that looks clears a visited file's leftovers once: writing the same file through the
// same directory in that pass lists nothing more, while a later pass that looks lists again.
TEST_F(PassTemporariesTest, AFileVisitedAndThenWrittenIsListedOnce) {
    root.write(kLeftover, "half", 0600);
    {
        PassTemporaries pass(database());
        auto dir = home();
        dir.removeLeftoversIfLooking("settings.json");
        EXPECT_FALSE(root.exists(kLeftover));
        EXPECT_EQ(pass.scope().listings(), 1u);
        ASSERT_TRUE(dir.writeFileAtomic("settings.json", "visited, then written", mine()));
        EXPECT_EQ(pass.scope().listings(), 1u);
        ASSERT_TRUE(home().writeFileAtomic("settings.json", "another directory handle", mine()));
        EXPECT_EQ(pass.scope().listings(), 2u);
        // The pass is not finished (no finish()): the next one looks.
    }
    ASSERT_FALSE(marked());
    root.write(kLeftover, "half again", 0600);
    PassTemporaries next(database());
    ASSERT_TRUE(next.looking());
    auto dir = home();
    ASSERT_TRUE(dir.writeFileAtomic("settings.json", "next pass", mine()));
    EXPECT_FALSE(root.exists(kLeftover));
    EXPECT_EQ(next.scope().listings(), 1u);
}

TEST_F(PassTemporariesTest, ATemporaryDiscardedTwiceIsCountedOnce) {
    PassTemporaries pass(database());
    platform::StagedFile staged;
    ASSERT_TRUE(home().stageFile("settings.json", "x", mine(), &staged));
    home().discardStaged(staged);
    home().discardStaged(staged);
    EXPECT_TRUE(pass.scope().noneLeft());
    EXPECT_EQ(pass.finish(), "");
    EXPECT_TRUE(marked());
}

}  // namespace
}  // namespace mpa
#endif
