#include "targets/durable_batch.hpp"

#include <cstdint>
#include <set>

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

}  // namespace

void writeDurably(const std::vector<DurableFile>& files, const DurableBatchSteps& steps) {
    std::vector<platform::StagedFile> staged(files.size());
    std::vector<bool> ready(files.size(), false);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& f = files[i];
        if (auto status = f.dir->stageFile(f.name, f.content, f.owner, &staged[i]); !status) {
            if (steps.notWritten) steps.notWritten(i, status.error);
        } else {
            ready[i] = true;
        }
    }
    syncFileSystems(files, ready, &staged, steps);
    if (steps.beforeRenames) steps.beforeRenames();
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!ready[i]) continue;
        if (steps.rename) {
            steps.rename(i, staged[i]);
        } else if (auto status = files[i].dir->commitStaged(staged[i]); !status) {
            if (steps.notWritten) steps.notWritten(i, status.error);
        }
    }
    // Every file system that had a durable staged file is flushed again, whether its renames
    // succeeded or not: what matters is that none that did is left unflushed.
    syncFileSystems(files, ready, nullptr, steps);
}

}  // namespace mpa
