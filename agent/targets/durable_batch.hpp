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
// Per batch, the flushes are shared: one syncfs per file system before the renames (the staged
// contents) and one after them (the renames themselves), instead of an fsync of every file and
// of every directory. On a machine with thousands of profiles that is a few flushes, not
// thousands. A file system whose flush fails is tried again for its next file.
//
// The caller keeps every directory open until writeDurably returns, and bounds a batch to
// kDurableBatchSize files so that the directories it keeps open stay far below the usual limit
// of 1024 descriptors.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/safe_fs.hpp"

namespace mpa {

inline constexpr std::size_t kDurableBatchSize = 256;

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

void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps);

}  // namespace mpa
