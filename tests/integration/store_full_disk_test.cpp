// A full disk under the compliance store: a real, small tmpfs mounted in a scratch directory
// and filled up. The write fails with a clear reason, the pass is kept, and it is written once
// space returns, with the chain intact. (Where no tmpfs can be mounted, the unit test
// StoreResilience.AFileSizeLimitFailsThePassClearly shows the same with ulimit -f.)
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using test::countRows;
using test::openStore;
using test::samplePass;
using test::verifyFile;

// A 512 KiB tmpfs in the scratch directory, when this process may mount one (root).
class SmallFileSystem {
  public:
    explicit SmallFileSystem(const test::ScratchDir& scratch) : dir_(scratch.abs("small")) {
        std::filesystem::create_directory(dir_);
        mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=512k,mode=0700") == 0;
    }
    ~SmallFileSystem() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    const std::string& dir() const { return dir_; }

  private:
    std::string dir_;
    bool mounted_ = false;
};

TEST(StoreResilience, AFullDiskFailsThePassClearlyAndWritesItWhenSpaceReturns) {
    test::ScratchDir scratch;
    SmallFileSystem small(scratch);
    if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here; see the ulimit -f test";
    const auto path = small.dir() + "/compliance.db";
    auto store = openStore(path);
    ASSERT_TRUE(store);
    const auto filler = small.dir() + "/filler";
    {
        std::ofstream out(filler, std::ios::binary);
        const std::string block(4096, 'f');
        while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
        }
    }
    std::string error;
    bool failed = false;
    for (int i = 0; i < 50 && !failed; ++i) {
        auto pass = samplePass("2026-01-01T10:00:00Z");
        pass.notes.push_back(std::string(20000, 'n') + std::to_string(i));
        const auto recorded = store->recordPass(pass);
        failed = !recorded;
        error = recorded.error;
    }
    ASSERT_TRUE(failed) << "the small file system never filled up";
    EXPECT_NE(error.find("full"), std::string::npos) << error;
    EXPECT_NE(error.find("kept in memory"), std::string::npos) << error;
    const auto waiting = store->pendingPasses();
    EXPECT_GE(waiting, 1u);
    const auto runsBefore = countRows(path, "runs");
    std::filesystem::remove(filler);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T11:00:00Z"))));
    EXPECT_EQ(countRows(path, "runs"), runsBefore + static_cast<std::int64_t>(waiting) + 1);
    EXPECT_TRUE(verifyFile(path).intact);
}

}  // namespace
}  // namespace mpa
