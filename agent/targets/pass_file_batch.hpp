#pragma once
// The files the machine-environment targets replace in one pass (/etc/environment and the three
// drop-ins), made durable together: one ledger commit for every file's prior states, one flush
// sequence for every file (durable_batch.hpp), one ledger commit for what the writes let go.
// Written each on its own, with its own commit and its own flushes of file and directory, the
// four files of a policy toggle cost 12 flushes; together, 3 (docs/performance.md, "The /etc
// files of a pass in one flush sequence").
//
// The guarantees are each file's as if written alone:
// - its prior states are durable before it is replaced, and when they cannot be recorded it is
//   not replaced (nor its directories created);
// - its content is durable before the rename, so after a crash it is old or new, never torn;
// - the entries that restoring it lets go are forgotten only once it is back, durably.
// What changes is only that these steps are shared: every prior state before the first rename,
// every forget after the last flush.
//
// A target stages each file with stageFile and learns how it went in the file's `settled`, which
// runs after the batch is committed (by the engine, once the staging targets have all run) or,
// when the run shares no batch (the revert command, a test of one target), before stageFile
// returns.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/target.hpp"
#include "platform/safe_fs.hpp"
#include "targets/durable_batch.hpp"
#include "util/status.hpp"

namespace mpa {

struct StagedEtcFile {
    std::string logicalPath;  // the file replaced, "/etc/environment"
    std::string content;
    platform::Ownership owner;
    // Created (root:root 0755) once the prior states are durable, before the file is staged.
    std::vector<std::string> newDirectories;
    // Recorded before any file of the batch is renamed.
    std::vector<PriorState> priors;
    // (target, subject): forgotten once the file is back and durable.
    std::vector<std::pair<std::string, std::string>> forgetWhenWritten;
    // Whether the file was replaced durably (else why not: it is as it was), and whether the
    // entries it let go were forgotten (else the next pass forgets them).
    std::function<void(const Status& written, const Status& forgotten)> settled;
};

// Another writer's batch made durable in the same sequence as the staged files: a batch of the
// per-user target (telemetry_json_target.cpp), so that a toggle's /etc files and profiles share
// one prior-state commit, one pair of flushes and one commit after the renames. Its prior states
// are recorded in the same commit; its files go through the same writeDurably, each renamed by
// its own `steps.rename`, whose ledger changes go in the commit after the renames, with the
// entries the staged files let go.
struct JoiningWrites {
    std::function<Status()> recordPriors;  // called inside the open ledger batch
    // Once its prior states are durable, before `files` is read: what may only exist once they
    // are (a data directory the prior state names) is made here, and `files` may be filled in.
    std::function<void()> priorsRecorded;
    std::vector<DurableFile> files;
    DurableBatchSteps steps;  // notWritten, rename, notDurable (indices into `files`)
    // The prior states are not durable: nothing of this batch was written.
    std::function<void(const Status&)> priorsFailed;
    // After the renames: whether what they changed in the ledger was committed.
    std::function<void(const Status&)> renamesRecorded;
};

class PassFileBatch final : public StagedWrites {
  public:
    PassFileBatch(const AgentContext& context, Ledger& ledger)
        : context_(context), ledger_(ledger) {}
    void stage(StagedEtcFile file) { files_.push_back(std::move(file)); }
    // Writes what is staged and runs each file's `settled`, in staging order; the batch is then
    // empty again.
    void commit() override { commit(nullptr); }
    // The same, with `joining` (may be null) in the same sequence.
    void commit(JoiningWrites* joining);

  private:
    const AgentContext& context_;
    Ledger& ledger_;
    std::vector<StagedEtcFile> files_;
};

// Writes `joining` in the run's shared batch, with whatever is staged there, or alone when the run
// shares none.
void writeJoining(TargetRun& run, JoiningWrites& joining);

// Stages `file` in the run's shared batch (made on first use) when the run shares one
// (TargetRun::shareWrites) and the caller may (its target's findings wait for settle);
// otherwise writes it at once, `settled` having run on return.
void stageFile(TargetRun& run, StagedEtcFile file, bool share = true);

}  // namespace mpa
