// How a pass makes the users' files it writes durable, seen from outside: the real binary under
// strace on roots made by bench/make-profiles-root.py. Behind a process that has written a lot
// and not flushed it (a build), a pass flushes each file and its directory and never the whole
// file system (syncfs would wait for all of that data: hundreds of milliseconds); on a disk with
// nothing waiting, the files of a batch share two syncfs (targets/durable_batch.hpp), the /etc
// files a pass writes with the profiles' first batch (targets/pass_file_batch.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "platform/memory.hpp"
#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "targets/durable_batch.hpp"

namespace mpa::test {
namespace {

struct Flushes {
    int syncfs = 0;
    int fileFlushes = 0;  // fsync and fdatasync, of files and directories
};

class DurableFlushes : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the profiles root gives files to users: needs root";
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/strace", "strace"));
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/python3", "python3"));
        MPA_SKIP_IF_MISSING(missingUnless(platform::unwrittenFileBytes().has_value(),
                                          "/proc/meminfo (Dirty, Writeback)", "a Linux kernel"));
    }

    // A root with `profiles` users (bench/make-profiles-root.py: most with a telemetry.json that
    // does not opt out, some with two, some with none), so the first pass writes about one file
    // per profile and the template's.
    void makeRoot(const std::string& name, int profiles) {
        const auto made = runProcess({sourceDir() + "/bench/make-profiles-root.py", root.abs(name),
                                      std::to_string(profiles)});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }

    // The first `apply` on the root, traced: its flushes, and that it wrote compliant settings.
    Flushes firstApply(const std::string& name) {
        const auto trace = root.abs(name + ".trace");
        // LeakSanitizer cannot run under ptrace: in the sanitizer build the traced agent would
        // end in its fatal error instead of its exit code. The other sanitizers stay on.
        const char* asan = std::getenv("ASAN_OPTIONS");
        const std::string asanOptions =
            "ASAN_OPTIONS=" + std::string(asan && *asan ? std::string(asan) + ":" : "") +
            "detect_leaks=0";
        const auto run = runProcess({"/usr/bin/env", asanOptions, "/usr/bin/strace", "-f", "-qq",
                                     "-e", "trace=syncfs,fsync,fdatasync", "-o", trace,
                                     agentBinary(), "--root", root.abs(name), "apply"});
        EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
        EXPECT_NE(root.read(name + "/home/user00000/.local/share/Metalama/telemetry.json")
                      .find("\"UsageReportingAction\": 2"),
                  std::string::npos);
        Flushes counted;
        std::ifstream in(trace);
        for (std::string line; std::getline(in, line);) {
            if (line.find("syncfs(") != std::string::npos) ++counted.syncfs;
            if (line.find("fsync(") != std::string::npos ||
                line.find("fdatasync(") != std::string::npos)
                ++counted.fileFlushes;
        }
        return counted;
    }

    ScratchDir root;
};

// One test, not two: the unwritten data it makes for its second half must not meet the first
// half (or another run of it) in a parallel test process.
TEST_F(DurableFlushes, SharedWhenNothingWaitsFileByFileBehindUnwrittenData) {
    makeRoot("many", 40);  // about 45 files, one batch, one file system
    makeRoot("few", 8);    // 8 to 10 files
    static_assert(kDurableBatchSize > 50, "the first root must be one batch");

    ::sync();  // nothing of anybody's is left waiting, so sharing the flushes costs least
    // The /etc files and the profiles share the two (targets/pass_file_batch.hpp).
    EXPECT_EQ(firstApply("many").syncfs, 2);

    // 256 MB written beside the roots and not flushed, as a build leaves its output: far more
    // than a megabyte per file. The kernel starts writing it back only after 30 s or past a
    // tenth of the free memory; while it does, it still counts (Writeback).
    const auto before = platform::unwrittenFileBytes().value_or(0);
    {
        std::ofstream junk(root.abs("build-output.bin"), std::ios::binary);
        const std::string megabyte(1024 * 1024, 'x');
        for (int i = 0; i < 256; ++i) junk << megabyte;
    }
    const auto after = platform::unwrittenFileBytes().value_or(0);
    MPA_SKIP_IF_MISSING(missingUnless(
        after >= before + 200u * 1024 * 1024,
        "a scratch directory on a disk that caches writes (" + root.path() + " is not: tmpfs?)",
        "none: set TMPDIR to a directory on a disk"));
    const auto behind = firstApply("few");
    EXPECT_EQ(behind.syncfs, 0);
    // Each written file and its directory, besides the /etc files' and the store's own.
    EXPECT_GE(behind.fileFlushes, 2 * 8);
}

}  // namespace
}  // namespace mpa::test
