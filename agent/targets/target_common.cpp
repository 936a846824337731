#include "targets/target_common.hpp"

#include "targets/owned_directories.hpp"

namespace mpa {

Finding failed(Finding finding, std::string reason) {
    finding.outcome = Outcome::Failed;
    finding.reason = std::move(reason);
    return finding;
}

Finding notApplicable(Finding finding, std::string reason) {
    finding.outcome = Outcome::NotApplicable;
    finding.reason = std::move(reason);
    return finding;
}

Finding notChanged(Finding finding, RunMode mode) {
    finding.outcome = Outcome::NonCompliant;
    finding.reason = mode == RunMode::DryRun ? "dry run: would change (see diff)"
                                             : "audit only: not changed (see diff)";
    return finding;
}

platform::ReadResult readManagedFile(const AgentContext& context, const std::string& logicalPath) {
    return platform::readVisitedFileNoFollow(context.resolve(logicalPath), kMaxEtcFileBytes);
}

Status recordPrior(TargetRun& run, const std::string& target, const std::string& subject,
                   bool existed, std::string value) {
    PriorState prior;
    prior.target = target;
    prior.subject = subject;
    prior.existed = existed;
    prior.value = std::move(value);
    auto recorded = run.ledger.record(prior);
    if (recorded) return recorded;
    return Status::failure(
        subject + ": could not record the prior state, so nothing was changed: " + recorded.error);
}

void noteNotForgotten(Finding& finding, const Status& forgotten) {
    if (forgotten) return;
    if (!finding.reason.empty()) finding.reason += "; ";
    finding.reason += "could not forget the prior state (retried next pass): " + forgotten.error;
}

void forgetPrior(TargetRun& run, const std::string& target, const std::string& subject,
                 Finding* finding) {
    const auto forgotten = run.ledger.forget(target, subject);
    if (finding) noteNotForgotten(*finding, forgotten);
}

Status filePriorState(const TargetRun& run, const std::string& target, const std::string& subject,
                      const std::string& logicalPath, const platform::ReadResult& current,
                      PriorRecord prior, std::optional<PriorState>* toRecord,
                      std::vector<std::string>* newDirectories) {
    toRecord->reset();
    newDirectories->clear();
    if (Status found = missingDirectories(run.context, parentOf(logicalPath), newDirectories);
        !found)
        return found;
    if (run.ledger.find(target, subject)) return Status::success();
    prior.setField("created-dirs", joinPaths(*newDirectories));
    *toRecord = PriorState{target, subject, !current.missing, encodePriorRecord(prior), ""};
    return Status::success();
}

std::optional<Finding> startRestore(TargetRun& run, Finding& finding, const std::string& target,
                                    const std::string& logicalPath, const std::string& notSetReason,
                                    RestoreInput* input) {
    finding.desired = "as before the agent";
    auto prior = run.ledger.find(target, finding.subject);
    if (!prior) return notApplicable(std::move(finding), notSetReason);
    input->prior = std::move(*prior);
    if (Status decoded = decodePriorRecord(input->prior.value, &input->record); !decoded)
        return failed(std::move(finding), logicalPath + ": " + decoded.error);
    input->current = readManagedFile(run.context, logicalPath);
    if (!input->current.status) return failed(std::move(finding), input->current.status.error);
    return std::nullopt;
}

Status putBackFile(const AgentContext& context, const std::string& logicalPath,
                   const platform::ReadResult& current, const std::optional<std::string>& content,
                   const std::vector<std::string>& createdDirectories) {
    if (content) {
        const auto owner = platform::replacementOwnership(current.info, kRootFileOwnership);
        return platform::writeFileAtomic(context.resolve(logicalPath), *content, owner);
    }
    auto removed = removeFileNoFollow(context, logicalPath);
    if (removed) removeEmptyDirectories(context, createdDirectories);
    return removed;
}

Status removeFileNoFollow(const AgentContext& context, const std::string& logicalPath) {
    Status opened;
    bool missing = false;
    auto dir = platform::SafeDir::open(context.resolve(parentOf(logicalPath)), &opened, &missing);
    if (!dir) return missing ? Status::success() : opened;
    return dir->removeFile(baseNameOf(logicalPath));
}

}  // namespace mpa
