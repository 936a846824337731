#include "targets/durable_batch.hpp"

#include <cstdint>
#include <set>

#include "platform/memory.hpp"

namespace mpa {
namespace {

// One syncfs per file system among the ready files. Before the renames (staged given) a failure
// discards that file's staged content, so it is not renamed into place; after them it is
// reported.
void syncFileSystems(const std::vector<DurableFile>& files, std::vector<bool>& ready,
                     const std::vector<platform::StagedFile>* staged,
                     const DurableBatchSteps& steps) {
    std::set<std::uint64_t> synced;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!ready[i]) continue;
        const auto& dir = *files[i].dir;
        const auto device = dir.device();
        if (synced.count(device)) continue;
        synced.insert(device);
        auto status = dir.syncFileSystem();
        if (status) continue;
        if (staged) {
            dir.discardStaged((*staged)[i]);
            ready[i] = false;
            synced.erase(device);  // the next file on this file system tries again
            if (steps.notWritten) steps.notWritten(i, status.error);
        } else if (steps.notDurable) {
            steps.notDurable(i, status.error);
        }
    }
}

// After the renames of a batch going file by file: each directory that had a durable staged
// file, once. A failure is reported for every file of that directory.
void flushDirectories(const std::vector<DurableFile>& files, const std::vector<bool>& ready,
                      const DurableBatchSteps& steps) {
    std::set<const platform::SafeDir*> flushed;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!ready[i] || !flushed.insert(files[i].dir).second) continue;
        const auto status = files[i].dir->flushEntries();
        if (status || !steps.notDurable) continue;
        for (std::size_t j = i; j < files.size(); ++j)
            if (ready[j] && files[j].dir == files[i].dir) steps.notDurable(j, status.error);
    }
}

}  // namespace

BatchFlush chooseBatchFlush(std::size_t files, std::optional<std::uint64_t> unwrittenBytes) {
    // One file costs two flushes either way, and its own never wait for anybody else's data.
    if (files <= 1 || !unwrittenBytes) return BatchFlush::EachFile;
    return *unwrittenBytes > files * kUnwrittenBytesPerFileForSyncfs ? BatchFlush::EachFile
                                                                     : BatchFlush::FileSystem;
}

void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps) {
    writeDurably(files, steps, chooseBatchFlush(files.size(), platform::unwrittenFileBytes()));
}

void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps,
                  BatchFlush how) {
    const bool eachFile = how == BatchFlush::EachFile;
    std::vector<platform::StagedFile> staged(files.size());
    std::vector<bool> ready(files.size(), false);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& f = files[i];
        if (auto status = f.dir->stageFile(f.name, f.content, f.owner, &staged[i], eachFile);
            !status) {
            if (steps.notWritten) steps.notWritten(i, status.error);
        } else {
            ready[i] = true;
        }
    }
    if (!eachFile) syncFileSystems(files, ready, &staged, steps);
    if (steps.beforeRenames) steps.beforeRenames();
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!ready[i]) continue;
        if (steps.rename) {
            steps.rename(i, staged[i]);
        } else if (auto status = files[i].dir->commitStaged(staged[i]); !status) {
            if (steps.notWritten) steps.notWritten(i, status.error);
        }
    }
    // Every directory or file system that had a durable staged file is flushed again, whether
    // its renames succeeded or not: what matters is that none that did is left unflushed.
    if (eachFile)
        flushDirectories(files, ready, steps);
    else
        syncFileSystems(files, ready, nullptr, steps);
}

}  // namespace mpa
