#include "targets/environment_drop_in.hpp"

#include <algorithm>
#include <optional>

#include "platform/safe_fs.hpp"
#include "targets/environment_variables.hpp"
#include "targets/managed_file.hpp"
#include "targets/pass_file_batch.hpp"
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
    for (auto* f : forgotten) noteNotForgotten(*f, committed);
}

// No variable is wanted: the file comes back as it was before the agent, while it still holds
// what the agent last wrote (restoreManagedFile's rules), and every variable's entry goes.
std::vector<Finding> restoreAll(TargetRun& run, const EnvironmentDropInSpec& spec) {
    const auto recorded = recordedInFile(run.ledger, spec);
    if (recorded.empty()) {
        // A lost database: a file holding exactly what the agent writes for several
        // variables is the agent's (Metalama's alone: restoreManagedFile recognises it). A
        // dry run or an audit says it would remove it.
        const auto current = readManagedFile(run.context, spec.path);
        const auto ours = current.status && !current.missing ? agentVariablesIn(spec, current.data)
                                                             : std::nullopt;
        if (ours && ours->size() > 1)
            return {removeRecognisedFile(
                run, findingFor(spec, metalamaAssignment()), spec.path, current.data,
                "the agent's file for " + std::to_string(ours->size()) + " variables")};
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

// The entry of each wanted variable the ledger does not hold with its value, and the file's own
// entry: what `file` records before it is written, in the commit every staged file shares (one
// commit where the variables and the file were two, and the four /etc files four). An entry
// whose value changed is forgotten now, to be recorded anew. `recordedNow` names the variables.
Status plannedPriorStates(TargetRun& run, const EnvironmentDropInSpec& spec,
                          const std::vector<EnvironmentAssignment>& wanted,
                          const platform::ReadResult& current, StagedEtcFile* file,
                          std::vector<std::string>* recordedNow, bool* fileRecordedNow) {
    for (const auto& v : wanted) {
        const std::string entry = variableEntry(spec.path, v.name);
        if (run.ledger.find(spec.target, entry)) {
            if (setAssignment(run.ledger, spec.target, entry, v.name).value == v.value) continue;
            forgetPrior(run, spec.target, entry);  // the value changed: recorded anew
        }
        PriorRecord record;
        recordSetAssignment(record, v);
        file->priors.push_back({spec.target, entry, false, encodePriorRecord(record), ""});
        recordedNow->push_back(v.name);
    }
    PriorRecord prior;
    if (!current.missing) prior.body = current.data;
    std::optional<PriorState> fileEntry;
    if (Status planned = filePriorState(run, spec.target, spec.path, spec.path, current,
                                        std::move(prior), &fileEntry, &file->newDirectories);
        !planned)
        return planned;
    *fileRecordedNow = fileEntry.has_value();
    if (fileEntry) file->priors.push_back(std::move(*fileEntry));
    return Status::success();
}

// Appends the findings of the wanted variables and of those no longer wanted to `out`; a write
// they need is staged (stageFile, shared when `share`), and those it decides hold their outcome
// once it is settled. `out` must outlive that.
void enforce(TargetRun& run, const EnvironmentDropInSpec& spec,
             const std::vector<EnvironmentAssignment>& wanted, std::vector<Finding>& out,
             bool share) {
    const auto recorded = recordedInFile(run.ledger, spec);
    std::vector<std::size_t> changing;  // positions in `out` of the findings the write decides
    const auto current = readManagedFile(run.context, spec.path);
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
            out.push_back(failed(std::move(f), current.status.error));
            continue;
        }
        if (inPlace || (asLastWritten && before && before->value == v.value)) {
            if (!inPlace) f.observed = "line in place";
            out.push_back(std::move(f));
            continue;
        }
        f.diff = diff;
        f.outcome = before ? Outcome::DriftRepaired : Outcome::Remediated;
        changing.push_back(out.size());
        out.push_back(std::move(f));
    }
    for (auto it = recorded.rbegin(); it != recorded.rend(); ++it) {
        if (named(wanted, it->name)) continue;
        auto f = findingFor(spec, *it);
        f.desired = "as before the agent";
        f.observed = inPlace ? "line absent" : observed;
        if (!current.status) {
            out.push_back(failed(std::move(f), current.status.error));
        } else if (inPlace) {
            f = notApplicable(std::move(f), "already as before the agent");
            if (run.changesAllowed())
                forgetPrior(run, spec.target, variableEntry(spec.path, it->name), &f);
            out.push_back(std::move(f));
        } else {
            f.diff = diff;
            f.outcome = Outcome::Restored;
            changing.push_back(out.size());
            out.push_back(std::move(f));
        }
    }
    if (!named(wanted, kOptOutVariable) && !named(recorded, kOptOutVariable))
        out.push_back(metalamaNotSet(spec));
    if (changing.empty()) return;

    const auto failAll = [&out, changing](const std::string& reason) {
        for (auto i : changing) out[i] = failed(std::move(out[i]), reason);
    };
    if (!run.changesAllowed()) {
        for (auto i : changing) out[i] = notChanged(std::move(out[i]), run.mode);
        return;
    }
    StagedEtcFile file;
    file.logicalPath = spec.path;
    std::vector<std::string> recordedNow;
    bool fileRecordedNow = false;
    if (Status planned =
            plannedPriorStates(run, spec, wanted, current, &file, &recordedNow, &fileRecordedNow);
        !planned)
        return failAll(spec.path + ": could not record the prior state, so nothing was changed: " +
                       planned.error);
    std::vector<std::size_t> restored;  // their entries go once the file is written
    for (auto i : changing) {
        if (out[i].outcome != Outcome::Restored) continue;
        restored.push_back(i);
        file.forgetWhenWritten.emplace_back(
            spec.target, variableEntry(spec.path, *variableOfSubject(spec.path, out[i].subject)));
    }
    file.content = content;
    file.owner = platform::replacementOwnership(current.info, kRootFileOwnership);
    // Not written: the entries recorded for it go again (nothing changed), and so does every
    // finding the write decided.
    file.settled = [&run, &out, spec, changing, restored, recordedNow, fileRecordedNow](
                       const Status& written, const Status& forgotten) {
        if (!written) {
            forgetEntries(run, spec, recordedNow);
            if (fileRecordedNow) forgetPrior(run, spec.target, spec.path);
            for (auto i : changing) out[i] = failed(std::move(out[i]), written.error);
            return;
        }
        for (auto i : restored) noteNotForgotten(out[i], forgotten);
    };
    stageFile(run, std::move(file), share);
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

void reconcileDropIn(TargetRun& run, const EnvironmentDropInSpec& spec, const DesiredState& desired,
                     std::vector<Finding>& out, bool share) {
    for (auto& f : retireFormerNames(run, wholeFile(spec, spec.metalamaOnlyContent)))
        out.push_back(std::move(f));
    const auto wanted = byName(desired.environment);
    if (!wanted.empty()) return enforce(run, spec, wanted, out, share);
    for (auto& f : restoreAll(run, spec)) out.push_back(std::move(f));
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
