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

// Every file's prior states and the joining batch's in one commit. When the ledger cannot open
// a batch, each record is durable on its own, as Ledger promises.
void recordPriors(Ledger& ledger, const std::vector<StagedEtcFile>& files, JoiningWrites* joining,
                  Status* staged, Status* joined) {
    if (!anyPrior(files) && !joining) return;
    const bool batch = ledger.beginBatch().ok;
    for (const auto& f : files)
        for (const auto& prior : f.priors)
            if (*staged) *staged = ledger.record(prior);
    if (joining && joining->recordPriors) *joined = joining->recordPriors();
    if (!batch) return;
    if (const auto committed = ledger.commitBatch(); !committed) {
        if (*staged) *staged = committed;
        if (*joined) *joined = committed;
    }
}

}  // namespace

void PassFileBatch::commit(JoiningWrites* joining) {
    if (files_.empty() && !joining) return;
    const std::vector<StagedEtcFile> files = std::move(files_);
    files_.clear();
    std::vector<Status> written(files.size(), Status::success());

    // Prior states first, durable; a file whose prior states are not is not touched.
    Status recorded = Status::success(), joinedRecorded = Status::success();
    recordPriors(ledger_, files, joining, &recorded, &joinedRecorded);
    if (!recorded)
        for (std::size_t i = 0; i < files.size(); ++i)
            if (!files[i].priors.empty())
                written[i] =
                    Status::failure(files[i].logicalPath +
                                    ": could not record the prior state, so nothing was changed: " +
                                    recorded.error);
    if (joining && !joinedRecorded) {
        if (joining->priorsFailed) joining->priorsFailed(joinedRecorded);
        joining = nullptr;
    }
    if (joining && joining->priorsRecorded) joining->priorsRecorded();

    // Each file's directory, created when missing and opened without following links. A deque:
    // the batch refers to the directories it holds open.
    std::deque<platform::SafeDir> dirs;
    std::vector<DurableFile> durable;
    std::vector<std::size_t> fileOf;  // durable[k] is files[fileOf[k]] below fileOf.size()
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
    const std::size_t staged = durable.size();  // the joining batch's files come after
    if (joining) durable.insert(durable.end(), joining->files.begin(), joining->files.end());

    // What the renames change in the ledger, and what the written files let go, is one commit
    // after the flush that makes the renames durable.
    bool after = false;
    bool releases = joining != nullptr;
    for (const auto& f : files) releases = releases || !f.forgetWhenWritten.empty();
    DurableBatchSteps steps;
    steps.notWritten = [&](std::size_t k, const std::string& reason) {
        if (k < staged) {
            written[fileOf[k]] = Status::failure(reason);
        } else if (joining->steps.notWritten) {
            joining->steps.notWritten(k - staged, reason);
        }
    };
    steps.beforeRenames = [&] { after = releases && ledger_.beginBatch().ok; };
    steps.rename = [&](std::size_t k, const platform::StagedFile& file) {
        if (k >= staged && joining->steps.rename) return joining->steps.rename(k - staged, file);
        if (auto status = durable[k].dir->commitStaged(file); !status)
            steps.notWritten(k, status.error);
    };
    steps.notDurable = [&](std::size_t k, const std::string& reason) {
        if (k >= staged) {
            if (joining->steps.notDurable) joining->steps.notDurable(k - staged, reason);
            return;
        }
        written[fileOf[k]] =
            Status::failure(files[fileOf[k]].logicalPath +
                            ": replaced, but may not survive a power loss: " + reason);
    };
    if (!durable.empty()) writeDurably(durable, steps);

    Status forgotten = Status::success();
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!written[i]) continue;
        for (const auto& [target, subject] : files[i].forgetWhenWritten)
            if (const auto one = ledger_.forget(target, subject); !one && forgotten)
                forgotten = one;
    }
    const Status committed = after ? ledger_.commitBatch() : Status::success();
    if (!committed && forgotten) forgotten = committed;
    if (joining && joining->renamesRecorded) joining->renamesRecorded(committed);
    for (std::size_t i = 0; i < files.size(); ++i)
        if (files[i].settled)
            files[i].settled(written[i], files[i].forgetWhenWritten.empty() || !written[i]
                                             ? Status::success()
                                             : forgotten);
}

void writeJoining(TargetRun& run, JoiningWrites& joining) {
    if (run.shareWrites && run.staged) {
        static_cast<PassFileBatch&>(*run.staged).commit(&joining);
        return;
    }
    PassFileBatch alone(run.context, run.ledger);
    alone.commit(&joining);
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
