#pragma once
// Small pieces every machine-environment target shares: the variable itself, limits, ownership
// of the files the agent creates, and the shape of common findings and ledger calls.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/target.hpp"
#include "platform/safe_fs.hpp"
#include "targets/prior_record.hpp"

namespace mpa {

// Metalama reads this from the process environment; `1` opts out in every version (`0` and
// `false` stopped opting out in 2025.1).
inline constexpr const char* kOptOutVariable = "METALAMA_TELEMETRY_OPT_OUT";
inline constexpr const char* kOptOutValue = "1";

// Files under /etc are small; anything bigger is not what we think it is.
inline constexpr std::uint64_t kMaxEtcFileBytes = 1024 * 1024;
// Files the agent creates under /etc.
inline const platform::Ownership kRootFileOwnership{0, 0, 0644};

Finding failed(Finding finding, std::string reason);
Finding notApplicable(Finding finding, std::string reason);
// AuditOnly / DryRun: the plan (finding.diff) is reported, nothing changes.
Finding notChanged(Finding finding, RunMode mode);

// Reads a file a target manages (a logical path) without following links, at most
// kMaxEtcFileBytes; a missing directory reads as a missing file. A pass that looks for a killed
// pass's leftovers removes this file's first (SafeDir::removeLeftoversIfLooking): the killed
// pass may have been writing it, this one may not need to, and no later pass would look.
platform::ReadResult readManagedFile(const AgentContext& context, const std::string& logicalPath);

// Records the prior state; a failure says that nothing was changed and why.
Status recordPrior(TargetRun& run, const std::string& target, const std::string& subject,
                   bool existed, std::string value);
// Adds to the finding's reason that its entry could not be forgotten, and why (the next pass
// retries); nothing when `forgotten` succeeded.
void noteNotForgotten(Finding& finding, const Status& forgotten);
// Forgets the ledger entry; a failure is added to the finding's reason (the next pass retries).
void forgetPrior(TargetRun& run, const std::string& target, const std::string& subject,
                 Finding* finding = nullptr);

// Enforcing new content for a file the agent manages (whole or one line of it): unless the ledger
// already holds its prior state (drift), that state (`prior`: its body and target-specific
// fields, plus the directories about to be created as "created-dirs") is what must be recorded
// before the file changes; `*toRecord` is set to it, and `*newDirectories` to the directories the
// write creates. The ledger's key is `subject` (the path, or one variable's line in it). Stage the
// file with both (targets/pass_file_batch.hpp).
Status filePriorState(const TargetRun& run, const std::string& target, const std::string& subject,
                      const std::string& logicalPath, const platform::ReadResult& current,
                      PriorRecord prior, std::optional<PriorState>* toRecord,
                      std::vector<std::string>* newDirectories);

// The start of every restore: the ledger entry under the finding's subject (none: NotApplicable
// with `notSetReason`), its record, and the file at logicalPath as it is now. Returns a finding
// when there is nothing more to do.
struct RestoreInput {
    PriorState prior;
    PriorRecord record;
    platform::ReadResult current;
};
std::optional<Finding> startRestore(TargetRun& run, Finding& finding, const std::string& target,
                                    const std::string& logicalPath, const std::string& notSetReason,
                                    RestoreInput* input);

// The end of a restore: `content` goes back (keeping the file's owner and mode), or, when there is
// none, the file is removed with the directories the agent created that are empty again.
Status putBackFile(const AgentContext& context, const std::string& logicalPath,
                   const platform::ReadResult& current, const std::optional<std::string>& content,
                   const std::vector<std::string>& createdDirectories);

// Removes a regular file by logical path without following a link at its name; a missing file
// counts as removed.
Status removeFileNoFollow(const AgentContext& context, const std::string& logicalPath);

}  // namespace mpa
