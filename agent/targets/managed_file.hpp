#pragma once
// A whole file owned by the agent (a drop-in such as /etc/profile.d/zz-metalama-telemetry.sh): the
// common mechanics of observe / plan / apply / restore with the prior-state ledger, under which the
// drop-ins of the machine-environment targets (targets/environment_drop_in.hpp) keep one line per
// variable.
//
// Enforcing (environment_drop_in.cpp, through filePriorState and stageFile): content equal to the
// desired bytes is Compliant; otherwise the prior state (the old content, or "absent" and the
// directories the agent is about to create) goes to the ledger first, then the file is replaced
// atomically: an existing file keeps its owner and mode, a new one is root:root 0644. Restoring
// (policy gone, or revert): only while the file still holds what the agent wrote, the prior content
// comes back or the file (and directories the agent created, when empty) is removed; a file someone
// changed since is theirs and left as found.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/target.hpp"
#include "platform/safe_fs.hpp"

namespace mpa {

struct ManagedFileSpec {
    std::string target;   // target name, and the ledger's target key
    std::string path;     // logical absolute path ("/etc/profile.d/x.sh"), the finding's subject
    std::string content;  // exactly the bytes the agent writes
    std::string desired;  // short human text for findings
    // Names the agent gave this file in earlier versions. Drop-in directories are read in name
    // order and the last assignment wins, so the file is named to sort after the others; a file
    // under an older name is restored (removed) and today's written, at the first pass of the
    // new version, with its own finding.
    std::vector<std::string> formerPaths = {};
};

// NotApplicable when the ledger holds nothing for the file: never touch what the agent did not set.
Finding restoreManagedFile(TargetRun& run, const ManagedFileSpec& spec);
// Without a ledger entry (a lost database), a file recognised as the agent's own by its
// `content`: removed, or, in a dry run or an audit, reported with its removal as the diff.
Finding removeRecognisedFile(TargetRun& run, Finding f, const std::string& logicalPath,
                             std::string_view content, std::string observed);
// restoreManagedFile for each of spec.formerPaths; the findings of the files that were there.
std::vector<Finding> retireFormerNames(TargetRun& run, const ManagedFileSpec& spec);
// Finding::observed of a managed file: "absent", "as desired" or "different content (N bytes)".
std::string describeManagedFile(const platform::ReadResult& current, const std::string& content);
// The file and its directory, resolved under the root.
std::vector<std::string> watchPathsFor(const AgentContext& context, const std::string& logicalPath);

}  // namespace mpa
