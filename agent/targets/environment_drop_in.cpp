#include "targets/environment_drop_in.hpp"

#include <algorithm>
#include <optional>

#include "platform/safe_fs.hpp"
#include "targets/environment_variables.hpp"
#include "targets/managed_file.hpp"
#include "targets/prior_record.hpp"
#include "targets/target_common.hpp"
#include "util/text.hpp"
#include "util/unified_diff.hpp"

namespace mpa {
namespace {

std::string variableEntry(const std::string& path, const std::string& name) {
    return path + "#" + name;
}

std::vector<EnvironmentAssignment> byName(std::vector<EnvironmentAssignment> variables) {
    std::sort(variables.begin(), variables.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return variables;
}

const EnvironmentAssignment* named(const std::vector<EnvironmentAssignment>& variables,
                                   const std::string& name) {
    for (const auto& v : variables)
        if (v.name == name) return &v;
    return nullptr;
}

std::string lineOf(const EnvironmentDropInSpec& spec, const EnvironmentAssignment& a) {
    return spec.linePrefix + a.name + "=" + a.value;
}

Finding findingFor(const EnvironmentDropInSpec& spec, const EnvironmentAssignment& a) {
    auto f = Finding::about(spec.target, variableSubject(spec.path, a.name), "",
                            lineOf(spec, a) + spec.desiredSuffix);
    f.tool = findingTool(a);
    return f;
}

// Metalama's finding when the agent neither sets nor has set its variable here: as before.
Finding metalamaNotSet(const EnvironmentDropInSpec& spec) {
    auto f = findingFor(spec, metalamaAssignment());
    f.desired = "as before the agent";
    return notApplicable(std::move(f), "the agent has not changed it");
}

// The whole file as versions before managed it (Metalama's variable alone), for the names it
// had before and for restoring content the ledger cannot account for.
ManagedFileSpec wholeFile(const EnvironmentDropInSpec& spec, std::string content) {
    return {spec.target, spec.path, std::move(content),
            lineOf(spec, metalamaAssignment()) + spec.desiredSuffix, spec.formerPaths};
}

// The variables the agent's file holds according to the ledger, in name order.
std::vector<EnvironmentAssignment> recordedInFile(const Ledger& ledger,
                                                  const EnvironmentDropInSpec& spec) {
    std::vector<EnvironmentAssignment> out;
    const std::string prefix = spec.path + "#";
    for (const auto& entry : ledger.listPrefix(spec.target, prefix))
        out.push_back(
            setAssignment(ledger, spec.target, entry.subject, entry.subject.substr(prefix.size())));
    if (out.empty() && ledger.find(spec.target, spec.path)) out.push_back(metalamaAssignment());
    return byName(std::move(out));
}

// The variables of a file that holds exactly what the agent writes for them (a lost database).
std::optional<std::vector<EnvironmentAssignment>> agentVariablesIn(
    const EnvironmentDropInSpec& spec, const std::string& data) {
    if (data == spec.metalamaOnlyContent)
        return std::vector<EnvironmentAssignment>{metalamaAssignment()};
    const std::string start = spec.header + spec.preamble;
    if (!startsWith(data, start)) return std::nullopt;
    std::vector<EnvironmentAssignment> variables;
    std::size_t at = start.size();
    while (at < data.size()) {
        const auto nl = data.find('\n', at);
        if (nl == std::string::npos) return std::nullopt;
        const std::string line = data.substr(at, nl - at);
        at = nl + 1;
        if (!startsWith(line, spec.linePrefix)) return std::nullopt;
        const std::string assignment = line.substr(spec.linePrefix.size());
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0) return std::nullopt;
        variables.push_back({assignment.substr(0, eq), assignment.substr(eq + 1), "", ""});
    }
    if (variables.empty() || dropInContent(spec, variables) != data) return std::nullopt;
    return variables;
}

void forgetEntries(TargetRun& run, const EnvironmentDropInSpec& spec,
                   const std::vector<std::string>& names) {
    for (const auto& name : names) forgetPrior(run, spec.target, variableEntry(spec.path, name));
}

// Ledger calls for every variable of a file grouped into one durable commit, not one each: a
// policy toggle costs the same few flushes whatever the number of variables. Opens the batch
// (when the ledger cannot, each call stays durable on its own).
bool beginLedgerBatch(TargetRun& run) {
    return run.ledger.beginBatch().ok;
}

// Commits the batch of forgotten entries; a failure is added to each of `forgotten`'s reasons
// (the next pass retries).
void commitForgets(TargetRun& run, bool batch, const std::vector<Finding*>& forgotten) {
    if (!batch) return;
    const auto committed = run.ledger.commitBatch();
    if (committed) return;
    for (auto* f : forgotten)
        f->reason += (f->reason.empty() ? "" : "; ") +
                     std::string("could not forget the prior state (retried next pass): ") +
                     committed.error;
}

// No variable is wanted: the file comes back as it was before the agent, while it still holds
// what the agent last wrote (restoreManagedFile's rules), and every variable's entry goes.
std::vector<Finding> restoreAll(TargetRun& run, const EnvironmentDropInSpec& spec) {
    const auto recorded = recordedInFile(run.ledger, spec);
    if (recorded.empty()) {
        if (run.changesAllowed()) {
            // A lost database: a file holding exactly what the agent writes for several
            // variables is the agent's (Metalama's alone: restoreManagedFile recognises it).
            const auto current =
                platform::readFileNoFollow(run.context.resolve(spec.path), kMaxEtcFileBytes);
            const auto ours = current.status && !current.missing
                                  ? agentVariablesIn(spec, current.data)
                                  : std::nullopt;
            if (ours && ours->size() > 1) {
                auto f = findingFor(spec, metalamaAssignment());
                f.desired = "as before the agent";
                f.observed = "the agent's file for " + std::to_string(ours->size()) + " variables";
                if (auto removed = removeFileNoFollow(run.context, spec.path); !removed)
                    return {failed(std::move(f), removed.error)};
                f.outcome = Outcome::Restored;
                f.reason =
                    "the agent's own file, recognised by its content (no ledger entry); removed";
                return {f};
            }
        }
        auto f = restoreManagedFile(run, wholeFile(spec, spec.metalamaOnlyContent));
        return {f};
    }
    // The file's entry, which restoreManagedFile forgets once the file is back, and every
    // variable's go in one commit after the restore (nothing is recorded before it: forgetting
    // late only means the next pass finds the file already as before the agent).
    const bool batch = run.changesAllowed() && beginLedgerBatch(run);
    const Finding file = restoreManagedFile(run, wholeFile(spec, dropInContent(spec, recorded)));
    // Restored, or NotApplicable after which restoreManagedFile forgot the file's entry.
    const bool settled = file.outcome == Outcome::Restored ||
                         (file.outcome == Outcome::NotApplicable && run.changesAllowed());
    std::vector<Finding> findings;
    findings.reserve(recorded.size() + 1);
    std::vector<Finding*> forgotten;
    for (const auto& v : recorded) {
        auto f = findingFor(spec, v);
        f.desired = file.desired;
        f.observed = file.observed;
        f.outcome = file.outcome;
        f.reason = file.reason;
        f.diff = file.diff;
        findings.push_back(std::move(f));
        if (!settled) continue;
        forgetPrior(run, spec.target, variableEntry(spec.path, v.name), &findings.back());
        forgotten.push_back(&findings.back());
    }
    commitForgets(run, batch, forgotten);
    if (!named(recorded, kOptOutVariable)) findings.push_back(metalamaNotSet(spec));
    return findings;
}

// Records the entry of each wanted variable the ledger does not hold with its value, and the
// file's own entry, in one ledger batch: one commit, durable before the file is written, where
// the variables and the file were two. On failure forgets what it recorded and says why.
Status recordPriorStates(TargetRun& run, const EnvironmentDropInSpec& spec,
                         const std::vector<EnvironmentAssignment>& wanted,
                         const platform::ReadResult& current, bool* fileRecordedNow,
                         std::vector<std::string>* recordedNow) {
    const bool batch = beginLedgerBatch(run);
    Status result = Status::success();
    for (const auto& v : wanted) {
        const std::string entry = variableEntry(spec.path, v.name);
        if (run.ledger.find(spec.target, entry)) {
            if (setAssignment(run.ledger, spec.target, entry, v.name).value == v.value) continue;
            forgetPrior(run, spec.target, entry);  // the value changed: recorded anew
        }
        PriorRecord record;
        recordSetAssignment(record, v);
        result = recordPrior(run, spec.target, entry, false, encodePriorRecord(record));
        if (!result) break;
        recordedNow->push_back(v.name);
    }
    if (result) {
        PriorRecord prior;
        if (!current.missing) prior.body = current.data;
        result = recordFilePrior(run, spec.target, spec.path, spec.path, current, std::move(prior),
                                 fileRecordedNow);
    }
    if (batch)
        if (const auto committed = run.ledger.commitBatch(); !committed && result)
            result = Status::failure(
                spec.path +
                ": could not record the prior state, so nothing was changed: " + committed.error);
    if (!result) {
        forgetEntries(run, spec, *recordedNow);
        recordedNow->clear();
        if (*fileRecordedNow) forgetPrior(run, spec.target, spec.path);
        *fileRecordedNow = false;
    }
    return result;
}

std::vector<Finding> enforce(TargetRun& run, const EnvironmentDropInSpec& spec,
                             const std::vector<EnvironmentAssignment>& wanted) {
    const auto recorded = recordedInFile(run.ledger, spec);
    std::vector<Finding> findings;
    std::vector<std::size_t> changing;  // findings the write decides
    const auto current =
        platform::readFileNoFollow(run.context.resolve(spec.path), kMaxEtcFileBytes);
    const std::string content = dropInContent(spec, wanted);
    const bool inPlace = current.status && !current.missing && current.data == content;
    // The file is as the agent last wrote it: only the variables added or removed change.
    const bool asLastWritten = current.status && !recorded.empty() && !current.missing &&
                               current.data == dropInContent(spec, recorded);
    const std::string observed =
        current.status ? describeManagedFile(current, content) : std::string();
    const std::string diff =
        !current.status || inPlace
            ? std::string()
            : unifiedDiff(current.missing ? std::string_view() : current.data, content,
                          current.missing ? "/dev/null" : spec.path, spec.path);

    for (const auto& v : wanted) {
        auto f = findingFor(spec, v);
        f.observed = observed;
        const auto* before = named(recorded, v.name);
        if (!current.status) {
            findings.push_back(failed(std::move(f), current.status.error));
            continue;
        }
        if (inPlace || (asLastWritten && before && before->value == v.value)) {
            if (!inPlace) f.observed = "line in place";
            findings.push_back(std::move(f));
            continue;
        }
        f.diff = diff;
        f.outcome = before ? Outcome::DriftRepaired : Outcome::Remediated;
        changing.push_back(findings.size());
        findings.push_back(std::move(f));
    }
    for (auto it = recorded.rbegin(); it != recorded.rend(); ++it) {
        if (named(wanted, it->name)) continue;
        auto f = findingFor(spec, *it);
        f.desired = "as before the agent";
        f.observed = inPlace ? "line absent" : observed;
        if (!current.status) {
            findings.push_back(failed(std::move(f), current.status.error));
        } else if (inPlace) {
            f = notApplicable(std::move(f), "already as before the agent");
            if (run.changesAllowed())
                forgetPrior(run, spec.target, variableEntry(spec.path, it->name), &f);
            findings.push_back(std::move(f));
        } else {
            f.diff = diff;
            f.outcome = Outcome::Restored;
            changing.push_back(findings.size());
            findings.push_back(std::move(f));
        }
    }
    if (!named(wanted, kOptOutVariable) && !named(recorded, kOptOutVariable))
        findings.push_back(metalamaNotSet(spec));
    if (changing.empty()) return findings;

    auto failAll = [&](const std::string& reason) {
        for (auto i : changing) findings[i] = failed(std::move(findings[i]), reason);
        return findings;
    };
    if (!run.changesAllowed()) {
        for (auto i : changing) findings[i] = notChanged(std::move(findings[i]), run.mode);
        return findings;
    }
    std::vector<std::string> recordedNow;
    bool fileRecordedNow = false;
    if (Status done = recordPriorStates(run, spec, wanted, current, &fileRecordedNow, &recordedNow);
        !done)
        return failAll(done.error);
    const Finding file = writeRecordedFile(run, Finding::about(spec.target, spec.path), spec.path,
                                           current, content, !fileRecordedNow);
    if (file.outcome == Outcome::Failed) {
        forgetEntries(run, spec, recordedNow);
        return failAll(file.reason);
    }
    const bool anyRestored = std::any_of(changing.begin(), changing.end(), [&](std::size_t i) {
        return findings[i].outcome == Outcome::Restored;
    });
    const bool batch = anyRestored && beginLedgerBatch(run);
    std::vector<Finding*> forgotten;
    for (auto i : changing) {
        if (findings[i].outcome != Outcome::Restored) continue;
        forgetPrior(run, spec.target,
                    variableEntry(spec.path, *variableOfSubject(spec.path, findings[i].subject)),
                    &findings[i]);
        forgotten.push_back(&findings[i]);
    }
    commitForgets(run, batch, forgotten);
    return findings;
}

}  // namespace

std::string dropInContent(const EnvironmentDropInSpec& spec,
                          const std::vector<EnvironmentAssignment>& variables) {
    const auto sorted = byName(variables);
    if (sorted.size() == 1 && isMetalamaVariable(sorted[0].name) && sorted[0].value == kOptOutValue)
        return spec.metalamaOnlyContent;
    std::string content = spec.header + spec.preamble;
    for (const auto& v : sorted) content += lineOf(spec, v) + "\n";
    return content;
}

std::vector<Finding> reconcileDropIn(TargetRun& run, const EnvironmentDropInSpec& spec,
                                     const DesiredState& desired) {
    auto findings = retireFormerNames(run, wholeFile(spec, spec.metalamaOnlyContent));
    const auto wanted = byName(desired.environment);
    for (auto& f : wanted.empty() ? restoreAll(run, spec) : enforce(run, spec, wanted))
        findings.push_back(std::move(f));
    return findings;
}

std::vector<Finding> revertDropIn(TargetRun& run, const EnvironmentDropInSpec& spec) {
    auto findings = retireFormerNames(run, wholeFile(spec, spec.metalamaOnlyContent));
    for (auto& f : restoreAll(run, spec)) findings.push_back(std::move(f));
    return findings;
}

std::vector<std::string> EnvironmentDropInTarget::watchPaths(const AgentContext& context) const {
    return watchPathsFor(context, spec_.path);
}

}  // namespace mpa
