// The durable batch writer against real directories in a scratch tree: every file that can be
// written is replaced with the owner and mode given, one that cannot is reported and left as it
// was, the caller's steps come in the contract's order, and no temporary file stays behind.
#include "targets/durable_batch.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/scratch_dir.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>

namespace mpa {
namespace {

using test::ScratchDir;

class DurableBatchTest : public ::testing::Test {
  protected:
    platform::SafeDir open(const std::string& rel) {
        Status status;
        auto dir = platform::SafeDir::open(root.abs(rel), &status);
        EXPECT_TRUE(dir) << status.error;
        return std::move(*dir);
    }
    platform::Ownership mine(unsigned mode) const { return {::geteuid(), ::getegid(), mode}; }
    unsigned modeOf(const std::string& rel) const {
        struct stat st {};
        EXPECT_EQ(::lstat(root.abs(rel).c_str(), &st), 0) << rel;
        return st.st_mode & 07777;
    }
    std::vector<std::string> temporaries() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::recursive_directory_iterator(root.path()))
            if (e.path().filename().string().find(".mpa-") != std::string::npos)
                out.push_back(e.path().string());
        return out;
    }

    ScratchDir root;
};

TEST_F(DurableBatchTest, WritesEveryFileItCanAndReportsTheOneItCannot) {
    root.write("a/settings.json", "old a", 0600);
    root.mkdirs("b");
    root.mkdirs("c/settings.json");  // a directory where the file should be: refused
    // A link where the file should be: refused before the rename, which is where the look is
    // made (staging does not look), and what it points at is left alone.
    root.write("outside", "theirs", 0644);
    root.mkdirs("d");
    ASSERT_EQ(::symlink("../outside", root.abs("d/settings.json").c_str()), 0);
    const auto a = open("a"), b = open("b"), c = open("c"), d = open("d");
    const std::string one = "new a", two = "new b", three = "new c", four = "new d";
    std::vector<std::string> notWritten;
    DurableBatchSteps steps;
    steps.notWritten = [&](std::size_t i, const std::string& reason) {
        notWritten.push_back(std::to_string(i) + ": " + reason);
    };
    steps.notDurable = [&](std::size_t i, const std::string& reason) {
        ADD_FAILURE() << i << " not durable: " << reason;
    };
    writeDurably({{&a, "settings.json", one, mine(0600)},
                  {&b, "settings.json", two, mine(0644)},
                  {&c, "settings.json", three, mine(0644)},
                  {&d, "settings.json", four, mine(0644)}},
                 steps);
    EXPECT_EQ(root.read("a/settings.json"), "new a");
    EXPECT_EQ(modeOf("a/settings.json"), 0600u);
    EXPECT_EQ(root.read("b/settings.json"), "new b");
    EXPECT_EQ(modeOf("b/settings.json"), 0644u);
    ASSERT_EQ(notWritten.size(), 2u);
    EXPECT_EQ(notWritten[0].rfind("2: ", 0), 0u) << notWritten[0];
    EXPECT_NE(notWritten[0].find("settings.json"), std::string::npos) << notWritten[0];
    EXPECT_EQ(notWritten[1].rfind("3: ", 0), 0u) << notWritten[1];
    EXPECT_NE(notWritten[1].find("link"), std::string::npos) << notWritten[1];
    EXPECT_TRUE(std::filesystem::is_directory(root.abs("c/settings.json")));
    EXPECT_TRUE(std::filesystem::is_symlink(root.abs("d/settings.json")));
    EXPECT_EQ(root.read("outside"), "theirs");
    EXPECT_EQ(temporaries(), std::vector<std::string>{});
}

TEST_F(DurableBatchTest, TheCallerRenamesAfterTheBatchIsStagedAndMayDiscard) {
    root.write("a/settings.json", "old a");
    root.write("b/settings.json", "old b");
    const auto a = open("a"), b = open("b");
    const std::string one = "new a", two = "new b";
    std::vector<std::string> steps_;
    DurableBatchSteps steps;
    steps.beforeRenames = [&] {
        // Nothing is in place yet: both files still hold their old content.
        steps_.push_back("before renames: " + root.read("a/settings.json") + ", " +
                         root.read("b/settings.json"));
    };
    const platform::SafeDir* dirs[] = {&a, &b};
    steps.rename = [&](std::size_t i, const platform::StagedFile& staged) {
        steps_.push_back("rename " + std::to_string(i));
        if (i == 0)
            EXPECT_TRUE(dirs[i]->commitStaged(staged));
        else
            dirs[i]->discardStaged(staged);  // e.g. Metalama holds its lock: retried next pass
    };
    writeDurably({{&a, "settings.json", one, mine(0644)}, {&b, "settings.json", two, mine(0644)}},
                 steps);
    EXPECT_EQ(steps_,
              (std::vector<std::string>{"before renames: old a, old b", "rename 0", "rename 1"}));
    EXPECT_EQ(root.read("a/settings.json"), "new a");
    EXPECT_EQ(root.read("b/settings.json"), "old b");
    EXPECT_EQ(temporaries(), std::vector<std::string>{});
}

// Both ways of making a batch durable write the same (the integration test DurableFlushes counts
// which flushes each makes), and two files of one directory share its flush.
TEST_F(DurableBatchTest, BothWaysOfFlushingWriteEveryFile) {
    for (const auto how : {BatchFlush::EachFile, BatchFlush::FileSystem}) {
        const std::size_t count = 5;
        const std::string base = how == BatchFlush::EachFile ? "each/" : "fs/";
        root.write(base + "shared/other.json", "old");
        std::vector<platform::SafeDir> dirs;
        std::vector<std::string> contents;
        for (std::size_t i = 0; i < count; ++i) {
            const auto rel = base + std::to_string(i);
            root.write(rel + "/settings.json", "old");
            dirs.push_back(open(rel));
            contents.push_back("new " + rel);
        }
        const auto shared = open(base + "shared");
        const std::string sharedContent = "new shared";
        std::vector<DurableFile> files;
        for (std::size_t i = 0; i < count; ++i)
            files.push_back({&dirs[i], "settings.json", contents[i], mine(0640)});
        files.push_back({&shared, "settings.json", sharedContent, mine(0600)});
        files.push_back({&shared, "other.json", sharedContent, mine(0600)});
        DurableBatchSteps steps;
        steps.notWritten = [&](std::size_t i, const std::string& reason) {
            ADD_FAILURE() << i << " not written: " << reason;
        };
        steps.notDurable = [&](std::size_t i, const std::string& reason) {
            ADD_FAILURE() << i << " not durable: " << reason;
        };
        writeDurably(files, steps, how);
        for (std::size_t i = 0; i < count; ++i) {
            const auto rel = base + std::to_string(i) + "/settings.json";
            EXPECT_EQ(root.read(rel), contents[i]);
            EXPECT_EQ(modeOf(rel), 0640u);
        }
        EXPECT_EQ(root.read(base + "shared/settings.json"), "new shared");
        EXPECT_EQ(root.read(base + "shared/other.json"), "new shared");
        EXPECT_EQ(modeOf(base + "shared/other.json"), 0600u);
    }
    EXPECT_EQ(temporaries(), std::vector<std::string>{});
}

// File by file when the system holds more unwritten data than a megabyte per file of the batch
// (a syncfs would have to write it all first), or does not say; otherwise the file system.
TEST(ChooseBatchFlush, FileByFileBehindUnwrittenDataOrWhenUnknown) {
    constexpr std::uint64_t kMb = 1024 * 1024;
    EXPECT_EQ(chooseBatchFlush(7, 0), BatchFlush::FileSystem);
    EXPECT_EQ(chooseBatchFlush(7, 7 * kMb), BatchFlush::FileSystem);
    EXPECT_EQ(chooseBatchFlush(7, 7 * kMb + 1), BatchFlush::EachFile);
    EXPECT_EQ(chooseBatchFlush(256, 100 * kMb), BatchFlush::FileSystem);
    EXPECT_EQ(chooseBatchFlush(256, 2048 * kMb), BatchFlush::EachFile);
    EXPECT_EQ(chooseBatchFlush(3, std::nullopt), BatchFlush::EachFile);
    // A single file: two flushes either way, and its own wait for nobody.
    EXPECT_EQ(chooseBatchFlush(1, 0), BatchFlush::EachFile);
    EXPECT_EQ(chooseBatchFlush(2, 0), BatchFlush::FileSystem);
}

}  // namespace
}  // namespace mpa
#endif  // Windows: the telemetry target's tests there write through the same batch.
