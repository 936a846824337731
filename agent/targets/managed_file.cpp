#include "targets/managed_file.hpp"

#include "platform/safe_fs.hpp"
#include "targets/owned_directories.hpp"
#include "targets/prior_record.hpp"
#include "targets/target_common.hpp"
#include "util/unified_diff.hpp"

namespace mpa {
namespace {

Finding findingFor(const ManagedFileSpec& spec) {
    return Finding::about(spec.target, spec.path, "", spec.desired);
}

}  // namespace

std::string describeManagedFile(const platform::ReadResult& current, const std::string& content) {
    if (current.missing) return "absent";
    if (current.data == content) return "as desired";
    return "different content (" + std::to_string(current.data.size()) + " bytes)";
}

Finding removeRecognisedFile(TargetRun& run, Finding f, const std::string& logicalPath,
                             std::string_view content, std::string observed) {
    f.desired = "as before the agent";
    f.observed = std::move(observed);
    if (!run.changesAllowed()) {
        f.diff = unifiedDiff(content, "", logicalPath, "/dev/null");
        return notChanged(std::move(f), run.mode);
    }
    if (auto removed = removeFileNoFollow(run.context, logicalPath); !removed)
        return failed(std::move(f), removed.error);
    f.outcome = Outcome::Restored;
    f.reason = "the agent's own file, recognised by its content (no ledger entry); removed";
    return f;
}

Finding restoreManagedFile(TargetRun& run, const ManagedFileSpec& spec) {
    Finding f = findingFor(spec);
    if (!run.ledger.find(spec.target, spec.path)) {
        // No ledger entry (a lost database): a file holding exactly what the agent writes (its
        // own header says so) is the agent's, and goes as the policy does (a dry run or an audit
        // says it would).
        const auto current = readManagedFile(run.context, spec.path);
        if (current.status && !current.missing && current.data == spec.content)
            return removeRecognisedFile(run, std::move(f), spec.path, current.data,
                                        describeManagedFile(current, spec.content));
    }
    RestoreInput input;
    if (auto done =
            startRestore(run, f, spec.target, spec.path, "the agent has not changed it", &input))
        return *done;
    const auto& prior = input.prior;
    const auto& record = input.record;
    const auto& current = input.current;
    f.observed = describeManagedFile(current, spec.content);
    const auto createdDirectories = splitPaths(record.field("created-dirs"));

    if (current.missing || current.data != spec.content) {
        // Not what the agent wrote any more: whoever changed it owns it now.
        const bool alreadyBefore = current.missing && !prior.existed;
        f = notApplicable(std::move(f), alreadyBefore ? "already as before the agent"
                                                      : "changed by someone else since the agent "
                                                        "wrote it; left as found");
        if (run.changesAllowed()) {
            if (alreadyBefore) removeEmptyDirectories(run.context, createdDirectories);
            forgetPrior(run, spec.target, spec.path, &f);
        }
        return f;
    }

    f.diff = unifiedDiff(current.data, prior.existed ? record.body : std::string(), spec.path,
                         prior.existed ? spec.path : "/dev/null");
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    if (auto put =
            putBackFile(run.context, spec.path, current,
                        prior.existed ? std::optional<std::string>(record.body) : std::nullopt,
                        createdDirectories);
        !put)
        return failed(std::move(f), put.error);
    forgetPrior(run, spec.target, spec.path, &f);
    f.outcome = Outcome::Restored;
    return f;
}

std::vector<Finding> retireFormerNames(TargetRun& run, const ManagedFileSpec& spec) {
    std::vector<Finding> findings;
    for (const auto& former : spec.formerPaths) {
        auto old = spec;
        old.path = former;
        old.formerPaths.clear();
        auto f = restoreManagedFile(run, old);
        if (f.outcome == Outcome::NotApplicable) continue;  // not there, or not the agent's
        if (f.outcome == Outcome::Restored)
            f.reason = (f.reason.empty() ? "" : f.reason + "; ") +
                       "the agent's file under its former name, replaced by " + spec.path;
        findings.push_back(std::move(f));
    }
    return findings;
}

std::vector<std::string> watchPathsFor(const AgentContext& context,
                                       const std::string& logicalPath) {
    return {context.resolve(logicalPath), context.resolve(parentOf(logicalPath))};
}

}  // namespace mpa
