#pragma once
// Replaces one small file in each of many directories, durably and atomically, for the per-user
// targets: every profile's telemetry.json today, any other per-user settings file tomorrow.
//
// Per file, the contract of SafeDir::writeFileAtomic: the new content goes to a temporary file
// with an unpredictable name in the file's own directory (created without following links,
// written in full, given the owner and mode the caller passes: pass the old file's to keep
// them), and is renamed over the file only once it is durable. Until its rename the old file is
// exactly as it was; a file whose content could not be made durable is never renamed into place
// and its temporary file is removed.
//
// Per batch, the flushes are shared when that costs less: one syncfs per file system before the
// renames (the staged contents) and one after them (the renames themselves), instead of an fsync
// of every file and of every directory. On a machine with thousands of profiles that is a few
// flushes, not thousands. A file system whose flush fails is tried again for its next file. But
// syncfs writes out every unwritten page of the file system, other processes' too, so behind a
// busy writer each file and each directory is flushed on its own instead (chooseBatchFlush).
//
// The caller keeps every directory open until writeDurably returns, and bounds a batch to
// kDurableBatchSize files so that the directories it keeps open stay far below the usual limit
// of 1024 descriptors.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/safe_fs.hpp"

namespace mpa {

inline constexpr std::size_t kDurableBatchSize = 256;

// How a batch is made durable: each staged file flushed on its own and, after the renames, each
// directory; or one syncfs per file system before the renames and one after.
enum class BatchFlush { EachFile, FileSystem };

// A syncfs costs about 0.2 ms and 0.45 ms per MB the file system has not written yet, whoever
// wrote it; flushing one small file and its directory costs about 0.55 ms, and does not wait for
// anybody else's data (docs/performance.md, "syncfs behind another writer": behind a process
// rewriting 2 GB, a policy toggle on the demo root took 380-555 ms at the median with syncfs and
// 39-40 ms file by file). So a batch goes file by file when the system holds more than this much
// unwritten data per file of the batch (the crossover measured: ~1.2 MB), or when it does not
// say how much it holds. A single file always goes on its own: two flushes either way, and the
// system's unwritten data is read at one instant, so behind a writer that has just truncated
// its output a syncfs would wait for all it writes next (a drift repair of /etc/environment
// behind a process rewriting 2 GB: 4 in 20 took that path until single files were excluded).
inline constexpr std::uint64_t kUnwrittenBytesPerFileForSyncfs = 1024 * 1024;
BatchFlush chooseBatchFlush(std::size_t files, std::optional<std::uint64_t> unwrittenBytes);

struct DurableFile {
    const platform::SafeDir* dir;  // the directory the file is in, open
    std::string name;              // one component, in `dir`
    std::string_view content;      // kept alive by the caller until writeDurably returns
    platform::Ownership owner;     // owner and mode of the new file
};

// How the caller takes part, each step called with the index of the file in the batch, in
// batch order.
struct DurableBatchSteps {
    // File i was not written: staging it, or the flush before its rename, failed. The old file
    // is untouched.
    std::function<void(std::size_t i, const std::string& reason)> notWritten;
    // Once, after every file that could be is staged and durable, before the first rename (for
    // example: open the ledger batch that records what the renames change).
    std::function<void()> beforeRenames;
    // Puts file i in place. Unset: SafeDir::commitStaged, a failure going to notWritten. A
    // caller that needs more around the rename (a lock, the old file set aside first) does it
    // here, must commitStaged or discardStaged `staged`, and reports its own outcome.
    std::function<void(std::size_t i, const platform::StagedFile& staged)> rename;
    // After the renames, the flush of the file system of file i failed: the files renamed on it
    // are in place but may not survive a power loss.
    std::function<void(std::size_t i, const std::string& reason)> notDurable;
};

// chooseBatchFlush with what the system holds unwritten now (platform::unwrittenFileBytes).
void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps);
void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps,
                  BatchFlush how);

}  // namespace mpa
