#include "targets/env_line_file.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "platform/safe_fs.hpp"
#include "targets/environment_variables.hpp"
#include "targets/managed_file.hpp"
#include "targets/owned_directories.hpp"
#include "targets/pass_file_batch.hpp"
#include "targets/prior_record.hpp"
#include "targets/target_common.hpp"
#include "util/text.hpp"
#include "util/unified_diff.hpp"

namespace mpa {
namespace {

// A line and its own terminator, so a file can be taken apart and put back byte for byte.
struct RawLine {
    std::string text;  // without the terminator
    std::string eol;   // "\n", "\r\n", or "" (last line without a final newline)
};

std::vector<RawLine> splitRaw(std::string_view data) {
    std::vector<RawLine> lines;
    std::size_t start = 0;
    while (start < data.size()) {
        const auto nl = data.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back({std::string(data.substr(start)), ""});
            break;
        }
        const bool crlf = nl > start && data[nl - 1] == '\r';
        const std::size_t end = crlf ? nl - 1 : nl;
        lines.push_back({std::string(data.substr(start, end - start)), crlf ? "\r\n" : "\n"});
        start = nl + 1;
    }
    return lines;
}

std::string joinRaw(const std::vector<RawLine>& lines) {
    std::string out;
    for (const auto& line : lines) out += line.text + line.eol;
    return out;
}

// The file's own line ending (of its first terminated line), for lines the agent adds.
std::string lineEnding(const std::vector<RawLine>& lines) {
    for (const auto& line : lines)
        if (!line.eol.empty()) return line.eol;
    return "\n";
}

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

// Whether `text` assigns `key` the way a reader might take it: leading blanks, an optional
// `export ` (a shell habit; the agent never writes it), the key, blanks, '='. Comments are not.
bool assignsKey(std::string_view text, std::string_view key, bool* exported,
                std::string_view* value) {
    std::size_t i = 0;
    while (i < text.size() && isBlank(text[i])) ++i;
    *exported = false;
    if (text.substr(i, 6) == "export" && i + 6 < text.size() && isBlank(text[i + 6])) {
        *exported = true;
        i += 6;
        while (i < text.size() && isBlank(text[i])) ++i;
    }
    if (text.substr(i, key.size()) != key) return false;
    i += key.size();
    while (i < text.size() && isBlank(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') return false;
    *value = text.substr(i + 1);
    return true;
}

// The line the agent writes.
std::string lineFor(const EnvLineSpec& spec) {
    return (spec.exported ? "export " : "") + spec.key + "=" + spec.value;
}

bool hasDesiredValue(std::string_view text, const EnvLineSpec& spec) {
    bool exported = false;
    std::string_view value;
    if (!assignsKey(text, spec.key, &exported, &value) || exported != spec.exported) return false;
    value = trim(value);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
        value = value.substr(1, value.size() - 2);
    return value == spec.value;
}

std::vector<std::size_t> keyLines(const std::vector<RawLine>& lines, const EnvLineSpec& spec) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        bool exported = false;
        std::string_view value;
        if (assignsKey(lines[i].text, spec.key, &exported, &value)) out.push_back(i);
    }
    return out;
}

std::string describe(bool missing, const std::vector<RawLine>& lines,
                     const std::vector<std::size_t>& keys) {
    if (missing) return "file absent";
    if (keys.empty()) return "line absent";
    std::string out;
    for (auto i : keys) {
        if (!out.empty()) out += " | ";
        out += lines[i].text;
    }
    return out;
}

Finding findingFor(const EnvLineSpec& spec) {
    auto f = Finding::about(spec.target, spec.subjectName(), "", lineFor(spec));
    f.tool = spec.tool;
    return f;
}

// The recorded positions of the prior lines, when they still fit: the file has the same number
// of other lines as before the agent (nobody added or removed any), so each goes back exactly.
std::optional<std::vector<std::size_t>> priorPositions(const PriorRecord& record,
                                                       std::size_t priorCount,
                                                       std::size_t otherLines) {
    long long count = 0;
    if (!parseDecimal(record.field("prior-line-count"), &count) || count < 0 ||
        static_cast<std::size_t>(count) != otherLines + priorCount)
        return std::nullopt;
    std::vector<std::size_t> positions;
    const std::string text = record.field("prior-line-positions");
    std::size_t start = 0;
    while (start < text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        long long value = 0;
        if (!parseDecimal(std::string_view(text).substr(start, comma - start), &value) ||
            value < 0 || static_cast<std::size_t>(value) >= static_cast<std::size_t>(count) ||
            (!positions.empty() && static_cast<std::size_t>(value) <= positions.back()))
            return std::nullopt;
        positions.push_back(static_cast<std::size_t>(value));
        start = comma + 1;
    }
    if (positions.size() != priorCount) return std::nullopt;
    return positions;
}

// The file as this pass leaves it so far. Each variable's change is made in memory to what the
// variables before it left, exactly as if each were written in turn (the positions a variable's
// ledger entry records are those of that moment), and the file is then written once: a policy
// toggle costs one atomic write of the file, not one per variable.
struct Draft {
    platform::ReadResult file;  // as read: its owner and mode are kept by the write
    bool missing = false;       // the content so far: absent,
    std::string data;           // or these bytes
    // A restore that removed the file hands the directories the agent created for it to the
    // next variable that writes it again in the same pass, so they stay recorded.
    std::vector<std::string> freedDirectories;
};

// One variable's part of the pass.
struct LineChange {
    Finding finding;
    bool inDraft = false;  // the draft holds its change; its outcome holds once the file is written
    std::optional<PriorRecord> prior;  // recorded before the write (the first time only)
    bool existed = false;              // with `prior`: the file existed before this change
    bool forget = false;               // restored: its entry is forgotten once the file is written
};

platform::ReadResult readEtcFile(const TargetRun& run, const EnvLineSpec& spec) {
    return readManagedFile(run.context, spec.path);
}

Draft draftOf(platform::ReadResult file) {
    Draft draft;
    draft.missing = file.missing;
    draft.data = file.data;
    draft.file = std::move(file);
    return draft;
}

// The file as this variable finds it in the draft: its lines, which of them assign the key, and
// what that looks like.
struct Observed {
    platform::ReadResult file;
    std::vector<RawLine> lines;
    std::vector<std::size_t> keys;
};

Observed observe(const Draft& draft, const EnvLineSpec& spec, Finding* f) {
    Observed o{{}, {}, {}};
    o.file.missing = draft.missing;
    o.file.data = draft.missing ? std::string() : draft.data;
    o.lines = splitRaw(o.file.data);
    o.keys = keyLines(o.lines, spec);
    f->observed = describe(o.file.missing, o.lines, o.keys);
    return o;
}

LineChange enforceLine(TargetRun& run, const EnvLineSpec& spec, Draft& draft) {
    LineChange change;
    change.finding = findingFor(spec);
    Finding& f = change.finding;
    auto observed = observe(draft, spec, &f);
    const auto& current = observed.file;
    auto& lines = observed.lines;
    const auto& keys = observed.keys;
    if (keys.size() == 1 && hasDesiredValue(lines[keys[0]].text, spec)) {
        f.outcome = Outcome::Compliant;
        return change;
    }
    if (keys.size() > 1)
        f.reason =
            std::to_string(keys.size()) + " lines assign " + spec.key + "; collapsed into one";

    PriorRecord record;  // the prior lines, byte for byte, and what else the agent changes
    for (auto i : keys) record.body += lines[i].text + lines[i].eol;
    const std::string desiredLine = lineFor(spec);
    const std::string eol = lineEnding(lines);
    bool addedFinalNewline = false;
    if (!keys.empty()) {
        lines[keys[0]].text = desiredLine;  // in place, with that line's own ending
        for (auto it = keys.rbegin(); it + 1 != keys.rend(); ++it)
            lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*it));
    } else {
        if (!lines.empty() && lines.back().eol.empty()) {
            lines.back().eol = eol;
            addedFinalNewline = true;
        }
        lines.push_back({desiredLine, eol});
    }
    std::string after = joinRaw(lines);
    f.diff = unifiedDiff(current.missing ? std::string_view() : current.data, after,
                         current.missing ? "/dev/null" : spec.path, spec.path);
    if (!run.changesAllowed()) {
        auto reason = std::move(f.reason);
        f = notChanged(std::move(f), run.mode);
        if (!reason.empty()) f.reason = reason + "; " + f.reason;
        return change;
    }

    record.setField("added-final-newline", addedFinalNewline ? "yes" : "no");
    // Which one: after a last line ending in a lone CR, an added "\n" reads back as CRLF.
    if (addedFinalNewline) record.setField("added-newline", eol == "\r\n" ? "crlf" : "lf");
    // Where the prior lines were, so restoring puts each back in its place when nobody has added
    // or removed lines since.
    std::string positions;
    for (auto i : keys) positions += (positions.empty() ? "" : ",") + std::to_string(i);
    record.setField("prior-line-positions", positions);
    record.setField("prior-line-count", std::to_string(splitRaw(current.data).size()));
    // The line the agent writes, so it is recognised when the policy asking for it is gone.
    recordSetAssignment(record, {spec.key, spec.value, spec.tool, ""});
    // Unless the ledger already holds the prior state (drift), it is recorded before the write.
    const bool setBefore = run.ledger.find(spec.target, spec.subjectName()).has_value();
    if (!setBefore) {
        change.prior = std::move(record);
        change.existed = !current.missing;
    }
    f.outcome = setBefore ? Outcome::DriftRepaired : Outcome::Remediated;
    change.inDraft = true;
    draft.missing = false;
    draft.data = std::move(after);
    return change;
}

// `revert` without a ledger entry (a lost database): the agent's exact line is removed, nothing
// else; the rest of the file stays byte for byte. False when the file holds no such line.
bool removeOwnLine(const EnvLineSpec& spec, Draft& draft, Finding* f) {
    if (draft.missing) return false;
    auto lines = splitRaw(draft.data);
    const auto before = lines.size();
    const std::string ours = lineFor(spec);
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const auto& line) { return line.text == ours; }),
                lines.end());
    if (lines.size() == before) return false;
    auto after = joinRaw(lines);
    f->diff = unifiedDiff(draft.data, after, spec.path, spec.path);
    f->outcome = Outcome::Restored;
    f->reason = "the agent's own line " + ours + " removed (no ledger entry)";
    draft.data = std::move(after);
    return true;
}

LineChange restoreLine(TargetRun& run, const EnvLineSpec& spec, Draft& draft) {
    LineChange change;
    change.finding = findingFor(spec);
    Finding& f = change.finding;
    f.desired = "as before the agent";
    auto entry = run.ledger.find(spec.target, spec.subjectName());
    if (!entry && run.reverting && run.changesAllowed() && removeOwnLine(spec, draft, &f)) {
        change.inDraft = true;
        return change;
    }
    if (!entry) {
        f = notApplicable(std::move(f), "the agent has not set " + spec.key);
        return change;
    }
    const auto& prior = *entry;
    PriorRecord record;
    if (Status decoded = decodePriorRecord(prior.value, &record); !decoded) {
        f = failed(std::move(f), spec.path + ": " + decoded.error);
        return change;
    }
    auto observed = observe(draft, spec, &f);
    const auto& current = observed.file;
    auto& lines = observed.lines;
    const auto& keys = observed.keys;
    const auto priorLines = splitRaw(record.body);
    const std::string desiredLine = lineFor(spec);

    bool allOurs = !keys.empty();
    for (auto i : keys) allOurs = allOurs && lines[i].text == desiredLine;
    const bool nothingToUndo = keys.empty() && priorLines.empty();
    if (current.missing || (!keys.empty() && !allOurs) || nothingToUndo) {
        // The agent's line is gone or changed: whoever did that owns the variable now. Forgetting
        // changes nothing in the file, so it need not wait for the write.
        f = notApplicable(std::move(f), nothingToUndo || (current.missing && !prior.existed)
                                            ? "already as before the agent"
                                            : "changed by someone else since the agent set it; "
                                              "left as found");
        if (run.changesAllowed()) forgetPrior(run, spec.target, spec.subjectName(), &f);
        return change;
    }

    const std::string eol = lineEnding(lines);
    bool agentLineWasLast = false;
    std::size_t at = lines.size();
    if (!keys.empty()) {
        at = keys[0];
        agentLineWasLast = keys.back() + 1 == lines.size();
        for (auto it = keys.rbegin(); it != keys.rend(); ++it)
            lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*it));
    } else if (!lines.empty() && lines.back().eol.empty()) {
        lines.back().eol = eol;  // the prior lines come back after it
    }
    const auto positions = priorPositions(record, priorLines.size(), lines.size());
    if (positions) {
        for (std::size_t k = 0; k < priorLines.size(); ++k)
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>((*positions)[k]),
                         priorLines[k]);
    } else {
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), priorLines.begin(),
                     priorLines.end());
    }
    // A prior line that had no final newline may no longer be last.
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
        if (lines[i].eol.empty()) lines[i].eol = eol;
    if (priorLines.empty() && agentLineWasLast && record.field("added-final-newline") == "yes" &&
        !lines.empty()) {
        // Only the agent's newline goes: a CR before it was the line's own (found by
        // tests/fuzz/env_file_fuzz).
        const bool addedLf = record.field("added-newline") == "lf" ||
                             (record.field("added-newline").empty() && eol == "\n");
        if (addedLf && lines.back().eol == "\r\n") lines.back().text += '\r';
        lines.back().eol.clear();
    }
    std::string after = joinRaw(lines);

    f.diff = unifiedDiff(current.data, after, spec.path,
                         prior.existed || !after.empty() ? spec.path : "/dev/null");
    if (!run.changesAllowed()) {
        f = notChanged(std::move(f), run.mode);
        return change;
    }
    if (!prior.existed && after.empty()) {
        draft.missing = true;
        draft.data.clear();
        draft.freedDirectories = splitPaths(record.field("created-dirs"));
    } else {
        draft.data = std::move(after);
    }
    change.inDraft = true;
    change.forget = true;
    f.outcome = Outcome::Restored;
    return change;
}

// Every change in the draft fails with `reason`: the file was not written.
void failDraft(std::vector<LineChange>& changes, const std::string& reason) {
    for (auto& change : changes)
        if (change.inDraft) change.finding = failed(std::move(change.finding), reason);
}

// Adds why the restored variables' entries were not forgotten to their findings.
void noteRestoresNotForgotten(std::vector<LineChange>& changes, const Status& forgotten) {
    for (auto& change : changes)
        if (change.inDraft && change.forget) noteNotForgotten(change.finding, forgotten);
}

// The last restore leaves the file as it was, absent: it is removed at once (a removal is not
// staged), then the restored entries go. Such a draft holds only restores: they come before the
// variables wanted, and a variable wanted leaves its line, so there is no prior state to record
// (were there one, nothing is removed rather than changed without it).
void removeDraft(TargetRun& run, const std::string& logicalPath, Draft& draft,
                 std::vector<LineChange>& changes) {
    if (std::any_of(changes.begin(), changes.end(),
                    [](const LineChange& c) { return c.inDraft && c.prior; }))
        return failDraft(changes, logicalPath +
                                      ": internal error: a removal with a prior state "
                                      "to record; nothing was changed");
    if (auto put =
            putBackFile(run.context, logicalPath, draft.file, std::nullopt, draft.freedDirectories);
        !put)
        return failDraft(changes, put.error);
    bool batch = false;
    for (auto& change : changes) {
        if (!change.inDraft || !change.forget) continue;
        if (!batch) batch = run.ledger.beginBatch().ok;
        forgetPrior(run, change.finding.target, change.finding.subject, &change.finding);
    }
    noteRestoresNotForgotten(changes, batch ? run.ledger.commitBatch() : Status::success());
}

// The end of the pass over the file: the prior states of the variables set for the first time
// go to the ledger in one batch (durable before anything changes; nothing is written when that
// fails), then the file is written once, atomically, then the restored variables' entries are
// forgotten in one batch: staged (targets/pass_file_batch.hpp) in the pass's shared batch when
// `share`, so the other /etc files' share those commits and flushes; the changes' outcomes hold
// once it is committed. `changes` must outlive that.
void commitDraft(TargetRun& run, const std::string& logicalPath, Draft& draft,
                 std::vector<LineChange>& changes, bool share) {
    if (std::none_of(changes.begin(), changes.end(), [](const LineChange& c) { return c.inDraft; }))
        return;
    if (draft.missing) return removeDraft(run, logicalPath, draft, changes);
    StagedEtcFile file;
    file.logicalPath = logicalPath;
    if (Status found = missingDirectories(run.context, parentOf(logicalPath), &file.newDirectories);
        !found)
        return failDraft(changes, found.error);
    std::vector<std::string> createdDirectories = file.newDirectories;
    if (createdDirectories.empty()) createdDirectories = draft.freedDirectories;
    for (auto& change : changes) {
        if (change.inDraft && change.forget)
            file.forgetWhenWritten.emplace_back(change.finding.target, change.finding.subject);
        if (!change.inDraft || !change.prior) continue;
        // The directories the write creates belong to the first entry, as if written alone.
        change.prior->setField("created-dirs", joinPaths(createdDirectories));
        createdDirectories.clear();
        file.priors.push_back({change.finding.target, change.finding.subject, change.existed,
                               encodePriorRecord(*change.prior), ""});
    }
    file.content = std::move(draft.data);
    file.owner = platform::replacementOwnership(draft.file.info, kRootFileOwnership);
    file.settled = [&changes](const Status& written, const Status& forgotten) {
        if (!written) return failDraft(changes, written.error);
        noteRestoresNotForgotten(changes, forgotten);
    };
    stageFile(run, std::move(file), share);
}

// One variable alone: its read, its change, its write.
Finding reconcileAlone(TargetRun& run, const EnvLineSpec& spec, bool wanted) {
    auto file = readEtcFile(run, spec);
    if (!file.status) {
        Finding f = findingFor(spec);
        if (!wanted) f.desired = "as before the agent";
        return failed(std::move(f), file.status.error);
    }
    Draft draft = draftOf(std::move(file));
    std::vector<LineChange> changes;
    changes.push_back(wanted ? enforceLine(run, spec, draft) : restoreLine(run, spec, draft));
    commitDraft(run, spec.path, draft, changes, false);
    return std::move(changes.front().finding);
}

}  // namespace

Finding reconcileEnvLine(TargetRun& run, const EnvLineSpec& spec, bool wanted) {
    if (!wanted) return restoreEnvLine(run, spec);
    return reconcileAlone(run, spec, true);
}

Finding restoreEnvLine(TargetRun& run, const EnvLineSpec& spec) {
    return reconcileAlone(run, spec, false);
}

namespace {

class EnvLineTarget final : public Target {
  public:
    explicit EnvLineTarget(EnvLineSpec spec) : spec_(std::move(spec)) {}
    std::string name() const override { return spec_.target; }
    bool stagesWrites() const override { return true; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        const auto plan = planVariables(desired, recorded(run));
        std::vector<EnvLineSpec> restored, wanted;
        for (const auto& name : plan.restored) restored.push_back(recordedSpec(run, name));
        for (const auto& assignment : plan.wanted) wanted.push_back(specFor(assignment));
        pass(run, restored, wanted, run.shareWrites);
        return run.shareWrites ? FindingLog() : settle(run);
    }
    FindingLog settle(TargetRun&) override {
        std::vector<Finding> findings;
        findings.reserve(changes_.size());
        for (auto& change : changes_) findings.push_back(std::move(change.finding));
        changes_.clear();
        return findings;
    }
    FindingLog revert(TargetRun& run) override {
        std::vector<EnvLineSpec> restored;
        for (const auto& name : planVariables(DesiredState{}, recorded(run)).restored)
            restored.push_back(recordedSpec(run, name));
        pass(run, restored, {}, false);
        return settle(run);
    }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return watchPathsFor(context, spec_.path);
    }

  private:
    // The restores, then the variables wanted, in that order, each on what the one before left;
    // one read and one write of the file for all of them (see Draft). The findings are in
    // changes_ once the write is settled (at once unless `share`).
    void pass(TargetRun& run, const std::vector<EnvLineSpec>& restored,
              const std::vector<EnvLineSpec>& wanted, bool share) {
        changes_.clear();
        if (restored.empty() && wanted.empty()) return;
        auto file = readEtcFile(run, spec_);
        changes_.reserve(restored.size() + wanted.size());
        if (!file.status) {
            for (const auto& spec : restored) {
                Finding f = findingFor(spec);
                f.desired = "as before the agent";
                changes_.emplace_back().finding = failed(std::move(f), file.status.error);
            }
            for (const auto& spec : wanted)
                changes_.emplace_back().finding = failed(findingFor(spec), file.status.error);
            return;
        }
        Draft draft = draftOf(std::move(file));
        for (const auto& spec : restored) changes_.push_back(restoreLine(run, spec, draft));
        for (const auto& spec : wanted) changes_.push_back(enforceLine(run, spec, draft));
        commitDraft(run, spec_.path, draft, changes_, share);
    }
    std::vector<std::string> recorded(const TargetRun& run) const {
        return recordedVariables(run.ledger, spec_.target, spec_.path);
    }
    EnvLineSpec recordedSpec(const TargetRun& run, const std::string& name) const {
        return specFor(
            setAssignment(run.ledger, spec_.target, variableSubject(spec_.path, name), name));
    }
    EnvLineSpec specFor(const EnvironmentAssignment& assignment) const {
        EnvLineSpec spec = spec_;
        spec.key = assignment.name;
        spec.value = assignment.value;
        spec.subject = variableSubject(spec_.path, assignment.name);
        spec.tool = findingTool(assignment);
        if (spec.subject == spec.path) spec.subject.clear();
        return spec;
    }

    EnvLineSpec spec_;
    std::vector<LineChange> changes_;  // this pass's, until settled
};

}  // namespace

std::unique_ptr<Target> makeEnvLineTarget(EnvLineSpec spec) {
    return std::make_unique<EnvLineTarget>(std::move(spec));
}

}  // namespace mpa
