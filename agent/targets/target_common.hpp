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

// Records the prior state; a failure says that nothing was changed and why.
Status recordPrior(TargetRun& run, const std::string& target, const std::string& subject,
                   bool existed, std::string value);
// Forgets the ledger entry; a failure is added to the finding's reason (the next pass retries).
void forgetPrior(TargetRun& run, const std::string& target, const std::string& subject,
                 Finding* finding = nullptr);

// Enforcing new content for a file the agent manages (whole or one line of it): unless the ledger
// already holds the prior state (drift), `prior` (its body and target-specific fields, plus the
// directories about to be created as "created-dirs") is recorded first, and nothing changes when
// that fails; then missing directories are created and the file replaced atomically, keeping the
// owner and mode of an existing file. Remediated, or DriftRepaired when the agent had set it
// before. The ledger's key is the finding's subject (the path, or one variable's line in it).
Finding writeWithPriorState(TargetRun& run, Finding finding, const std::string& logicalPath,
                            const platform::ReadResult& current, std::string_view content,
                            PriorRecord prior);

// The two halves of writeWithPriorState, for a target that records more than the file's own
// entry before writing it and wants them all in one ledger batch (one flush, not one each):
// recordFilePrior records the file's prior state unless the ledger holds it (`*recordedNow`
// says whether it did); writeRecordedFile then creates the missing directories and replaces the
// file, Remediated or, when `setBefore`, DriftRepaired. The caller commits the batch between
// the two and calls writeRecordedFile only once the prior state is durable.
Status recordFilePrior(TargetRun& run, const std::string& target, const std::string& subject,
                       const std::string& logicalPath, const platform::ReadResult& current,
                       PriorRecord prior, bool* recordedNow);
Finding writeRecordedFile(TargetRun& run, Finding finding, const std::string& logicalPath,
                          const platform::ReadResult& current, std::string_view content,
                          bool setBefore);

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
