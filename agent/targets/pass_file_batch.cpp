#include "targets/pass_file_batch.hpp"

#include <deque>
#include <optional>

#include "targets/durable_batch.hpp"
#include "targets/owned_directories.hpp"
#include "util/path_text.hpp"

namespace mpa {
namespace {

bool anyPrior(const std::vector<StagedEtcFile>& files) {
    for (const auto& f : files)
        if (!f.priors.empty()) return true;
    return false;
}

// Every file's prior states in one commit. When the ledger cannot open a batch, each record is
// durable on its own, as Ledger promises.
Status recordPriors(Ledger& ledger, const std::vector<StagedEtcFile>& files) {
    if (!anyPrior(files)) return Status::success();
    const bool batch = ledger.beginBatch().ok;
    Status recorded = Status::success();
    for (const auto& f : files)
        for (const auto& prior : f.priors)
            if (recorded) recorded = ledger.record(prior);
    if (batch)
        if (const auto committed = ledger.commitBatch(); !committed && recorded)
            recorded = committed;
    return recorded;
}

// What the written files let go, in one commit; the status is each such file's.
Status forgetReleased(Ledger& ledger, const std::vector<StagedEtcFile>& files,
                      const std::vector<Status>& written) {
    bool any = false;
    for (std::size_t i = 0; i < files.size(); ++i)
        any = any || (written[i] && !files[i].forgetWhenWritten.empty());
    if (!any) return Status::success();
    const bool batch = ledger.beginBatch().ok;
    Status forgotten = Status::success();
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!written[i]) continue;
        for (const auto& [target, subject] : files[i].forgetWhenWritten)
            if (const auto one = ledger.forget(target, subject); !one && forgotten) forgotten = one;
    }
    if (batch)
        if (const auto committed = ledger.commitBatch(); !committed && forgotten)
            forgotten = committed;
    return forgotten;
}

}  // namespace

void PassFileBatch::commit() {
    if (files_.empty()) return;
    const std::vector<StagedEtcFile> files = std::move(files_);
    files_.clear();
    std::vector<Status> written(files.size(), Status::success());

    // Prior states first, durable; a file whose prior states are not is not touched.
    if (const Status recorded = recordPriors(ledger_, files); !recorded)
        for (std::size_t i = 0; i < files.size(); ++i)
            if (!files[i].priors.empty())
                written[i] =
                    Status::failure(files[i].logicalPath +
                                    ": could not record the prior state, so nothing was changed: " +
                                    recorded.error);

    // Each file's directory, created when missing and opened without following links. A deque:
    // the batch refers to the directories it holds open.
    std::deque<platform::SafeDir> dirs;
    std::vector<DurableFile> durable;
    std::vector<std::size_t> fileOf;  // durable[k] is files[fileOf[k]]
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!written[i]) continue;
        const auto& f = files[i];
        if (Status created = createDirectories(context_, f.newDirectories); !created) {
            written[i] = created;
            continue;
        }
        Status opened;
        auto dir = platform::SafeDir::open(context_.resolve(parentOf(f.logicalPath)), &opened);
        if (!dir) {
            written[i] = opened;
            continue;
        }
        dirs.push_back(std::move(*dir));
        durable.push_back({&dirs.back(), baseNameOf(f.logicalPath), f.content, f.owner});
        fileOf.push_back(i);
    }
    DurableBatchSteps steps;
    steps.notWritten = [&](std::size_t k, const std::string& reason) {
        written[fileOf[k]] = Status::failure(reason);
    };
    steps.notDurable = [&](std::size_t k, const std::string& reason) {
        written[fileOf[k]] =
            Status::failure(files[fileOf[k]].logicalPath +
                            ": replaced, but may not survive a power loss: " + reason);
    };
    if (!durable.empty()) writeDurably(durable, steps);

    const Status forgotten = forgetReleased(ledger_, files, written);
    for (std::size_t i = 0; i < files.size(); ++i)
        if (files[i].settled)
            files[i].settled(written[i], files[i].forgetWhenWritten.empty() || !written[i]
                                             ? Status::success()
                                             : forgotten);
}

void stageFile(TargetRun& run, StagedEtcFile file, bool share) {
    if (!share || !run.shareWrites) {
        PassFileBatch alone(run.context, run.ledger);
        alone.stage(std::move(file));
        alone.commit();
        return;
    }
    if (!run.staged) run.staged = std::make_shared<PassFileBatch>(run.context, run.ledger);
    // Only this kind of batch is ever shared in a run.
    static_cast<PassFileBatch&>(*run.staged).stage(std::move(file));
}

}  // namespace mpa
