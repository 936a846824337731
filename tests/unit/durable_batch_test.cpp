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
    const auto a = open("a"), b = open("b"), c = open("c");
    const std::string one = "new a", two = "new b", three = "new c";
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
                  {&c, "settings.json", three, mine(0644)}},
                 steps);
    EXPECT_EQ(root.read("a/settings.json"), "new a");
    EXPECT_EQ(modeOf("a/settings.json"), 0600u);
    EXPECT_EQ(root.read("b/settings.json"), "new b");
    EXPECT_EQ(modeOf("b/settings.json"), 0644u);
    ASSERT_EQ(notWritten.size(), 1u);
    EXPECT_EQ(notWritten[0].rfind("2: ", 0), 0u) << notWritten[0];
    EXPECT_NE(notWritten[0].find("settings.json"), std::string::npos) << notWritten[0];
    EXPECT_TRUE(std::filesystem::is_directory(root.abs("c/settings.json")));
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

}  // namespace
}  // namespace mpa
#endif  // Windows: the telemetry target's tests there write through the same batch.
