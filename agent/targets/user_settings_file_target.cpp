#include "targets/user_settings_file_target.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "platform/safe_fs.hpp"
#include "targets/durable_batch.hpp"
#include "targets/owned_directories.hpp"
#include "targets/profile_directories.hpp"
#include "targets/settings_key_editor.hpp"
#include "targets/user_settings_ledger.hpp"
#include "targets/user_settings_paths.hpp"
#include "targets/visited_subjects.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

constexpr const char* kTargetName = target_name::kUserSettingsFile;
// A tool's settings file; far beyond this it is not one.
constexpr std::uint64_t kMaxSettingsBytes = 1024 * 1024;
// What the tools themselves create (a umask of 022); directories as XDG's, the user's alone.
constexpr std::uint32_t kCreatedFileMode = 0644;
constexpr std::uint32_t kCreatedDirectoryMode = 0700;

// One key of one file in one profile: asked for (wanted), or only in the ledger (to restore).
struct KeyWork {
    const UserFileAssignment* wanted = nullptr;
    std::unique_ptr<SettingsKeyEditor> editor;
    std::optional<UserSettingPrior> prior;  // the ledger's entry
    std::string subject;
    std::string tool;
};

struct FileWork {
    std::vector<std::string> components;  // below the home
    std::vector<KeyWork> keys;
};

// A file to replace once the prior states of its keys are durable.
struct PendingWrite {
    std::shared_ptr<platform::SafeDir> dir;  // while `toMake` is not empty, their parent
    // Directories on the way to the file, made (as `makeAs`) once the prior states that name
    // them are durable, so that a pass killed in between leaves nothing unrecorded.
    std::vector<std::string> toMake;
    platform::Ownership makeAs{0, 0, 0};
    std::string name;
    std::string content;
    platform::Ownership owner{0, 0, 0};
    std::vector<PriorState> record;   // first changes: prior states to make durable first
    std::vector<std::string> forget;  // restored keys: entries to drop once written
    std::vector<std::string> createdDirectories;
    std::vector<Finding> findings;
};

std::string describe(const SettingsKeyEditor& editor, const KeyObservation& o, bool fileExists) {
    if (o.present) return editor.keyName() + " = " + o.value;
    return fileExists ? editor.keyName() + " absent" : "file absent";
}

std::string describeWanted(const SettingsKeyEditor& editor, bool force) {
    return editor.keyName() + " = " + editor.desiredValue() +
           (force ? "" : " (unless the user set it)");
}

std::string diffOf(const SettingsKeyEditor& editor, const KeyObservation& before,
                   const std::string& after) {
    std::string out;
    if (before.present) out += "- " + editor.keyName() + " = " + before.value + "\n";
    if (!after.empty()) out += "+ " + editor.keyName() + " = " + after + "\n";
    return out;
}

class ProfilePass {
  public:
    ProfilePass(TargetRun& run, const DesiredState& desired, FindingLog& out)
        : run_(run), desired_(desired), out_(out) {}
    void profile(const MetalamaProfile& p);
    void flush();
    void leftovers();

  private:
    Finding finding(const MetalamaProfile& p, const KeyWork& k) const {
        auto f = Finding::about(
            kTargetName, k.subject, p.account,
            k.wanted ? describeWanted(*k.editor, k.wanted->force) : "not managed: the prior value");
        f.tool = k.tool;
        return f;
    }
    void failAll(const MetalamaProfile& p, FileWork& work, const std::string& reason,
                 const std::string& observed = {}) {
        for (const auto& k : work.keys) {
            auto f = finding(p, k);
            f.outcome = Outcome::Failed;
            f.reason = reason;
            f.observed = observed;
            out_.push_back(std::move(f));
        }
    }
    void forget(const std::string& subject) { run_.ledger.forget(kTargetName, subject); }
    void file(const MetalamaProfile& p, const std::shared_ptr<platform::SafeDir>& home,
              const std::string& logical, FileWork& work);
    std::map<std::string, FileWork> plan(const MetalamaProfile& p);

    TargetRun& run_;
    const DesiredState& desired_;
    FindingLog& out_;
    std::vector<PendingWrite> pending_;
    // Directories the agent created that a restore of this profile left behind because they
    // were not empty yet; swept again once every file of the profile is done.
    std::vector<std::vector<std::string>> leftDirectories_;
    // Subjects of the ledger this pass saw (targets/visited_subjects.hpp).
    VisitedSubjects visited_;
    ProfileHomes homes_{run_.context};
};

std::map<std::string, FileWork> ProfilePass::plan(const MetalamaProfile& p) {
    std::map<std::string, FileWork> files;
    static const std::vector<UserFileAssignment> none;
    const auto& wanted = desired_.manageProfiles ? desired_.userFiles : none;
    for (const auto& a : wanted) {
        const auto& path = userFilePathFor(a.file, run_.context.platform);
        if (path.empty()) continue;  // the tool has no such file on this system
        std::vector<std::string> components;
        std::string whyNot;
        auto editor = makeSettingsKeyEditor(a.file, &whyNot);
        const auto status = userFileComponents(path, &components);
        const auto logical = status ? joinPath(p.home, components) : p.home + "/" + path;
        const auto subject = userSettingSubject(logical, editor ? editor->keyName() : a.file.key);
        if (!status || !editor) {
            auto f = status ? Finding::notApplicable(kTargetName, subject, whyNot)
                            : Finding::failed(kTargetName, subject, status.error);
            f.user = p.account;
            f.tool = a.tool;
            f.desired = a.file.key + " = " + a.file.value;
            out_.push_back(std::move(f));
            continue;
        }
        auto& work = files[logical];
        work.components = std::move(components);
        work.keys.push_back({&a, std::move(editor), std::nullopt, subject, a.tool});
    }
    const auto home = p.home.back() == '/' ? p.home : p.home + "/";
    for (const auto& entry : run_.ledger.listPrefix(kTargetName, home)) {
        visited_.add(entry.subject);
        UserSettingPrior prior;
        if (auto status = decodeUserSettingPrior(entry, &prior);
            !status || prior.file.compare(0, home.size(), home) != 0) {
            auto f = Finding::failed(kTargetName, entry.subject,
                                     "cannot restore from this ledger entry: " +
                                         (status ? "its file is outside the home" : status.error));
            f.user = p.account;
            out_.push_back(std::move(f));
            continue;
        }
        auto& work = files[prior.file];
        if (work.components.empty()) work.components = splitOn(prior.file.substr(home.size()), '/');
        KeyWork* match = nullptr;
        for (auto& k : work.keys)
            if (k.subject == entry.subject) match = &k;
        if (!match) {
            std::string ignored;
            auto editor = makeSettingsKeyEditor(prior.spec, &ignored);
            if (!editor) continue;  // decode accepts only formats with an editor
            work.keys.push_back(
                {nullptr, std::move(editor), std::nullopt, entry.subject, prior.tool});
            match = &work.keys.back();
        }
        match->prior = std::move(prior);
    }
    return files;
}

void ProfilePass::profile(const MetalamaProfile& p) {
    if (p.isTemplate) return;  // a new account is enforced at its first pass (and login)
    auto files = plan(p);
    if (files.empty()) return;
    Status opening;
    bool missing = false;
    auto opened = homes_.open(p.home, &opening, &missing);
    if (!opened || (opened->self().uid != p.uid)) {
        const auto reason =
            !opened ? (missing ? "not checked: home not mounted (" + p.home + " does not exist)"
                               : "home directory cannot be used: " + opening.error)
                    : "home directory is owned by uid " + std::to_string(opened->self().uid) +
                          ", not by " + p.account + " (uid " + std::to_string(p.uid) + "); refused";
        for (auto& [logical, work] : files) failAll(p, work, reason);
        return;
    }
    if (isLockedEcryptfsHome(*opened)) {
        for (auto& [logical, work] : files)
            failAll(p, work, "not checked: home not mounted (an eCryptfs home that is locked)");
        return;
    }
    const auto home = std::make_shared<platform::SafeDir>(std::move(*opened));
    for (auto& [logical, work] : files) file(p, home, logical, work);
    // Two files can share a directory the agent created for the first of them (~/.config for
    // Turborepo's and Go's files): restored in either order, it is empty only once both are.
    for (const auto& dirs : leftDirectories_) removeEmptyDirectories(run_.context, dirs);
    leftDirectories_.clear();
}

void ProfilePass::file(const MetalamaProfile& p, const std::shared_ptr<platform::SafeDir>& home,
                       const std::string& logical, FileWork& work) {
    bool anyWanted = false;
    for (const auto& k : work.keys) anyWanted = anyWanted || k.wanted;
    // The directories down to the file, none of them a link, each the user's (or root's).
    auto dir = home;
    std::string logicalDir = p.home;
    std::vector<std::string> created, toMake;
    for (std::size_t i = 0; i + 1 < work.components.size(); ++i) {
        const auto& name = work.components[i];
        appendPathComponent(logicalDir, name);
        if (!toMake.empty()) {  // below a directory still to make
            toMake.push_back(name);
            created.push_back(logicalDir);
            continue;
        }
        Status opening;
        auto next = dir->openChild(name, false, {}, p.uid, nullptr, &opening);
        if (!next) {
            const auto kind = dir->stat(name).kind;
            if (kind == platform::FileKind::Symlink)
                return failAll(p, work,
                               logicalDir +
                                   ": is a symbolic link; the agent never follows links in a "
                                   "profile");
            if (kind == platform::FileKind::Directory) return failAll(p, work, opening.error);
            if (kind != platform::FileKind::Missing)
                return failAll(p, work, logicalDir + ": is not a directory");
            if (!anyWanted) {  // nothing to set, and the file the agent changed is gone
                for (const auto& k : work.keys) {
                    forget(k.subject);
                    auto f = finding(p, k);
                    f.outcome = Outcome::NotApplicable;
                    f.observed = "file absent";
                    f.reason = "the file the agent managed no longer exists; nothing to restore";
                    out_.push_back(std::move(f));
                }
                return;
            }
            if (!run_.changesAllowed()) {
                for (const auto& k : work.keys) {
                    auto f = finding(p, k);
                    f.observed = "file absent";
                    f.outcome = k.wanted ? Outcome::NonCompliant : Outcome::NotApplicable;
                    if (k.wanted) {
                        f.reason = "would create " + logical;
                        f.diff = diffOf(*k.editor, {}, k.editor->desiredValue());
                    }
                    out_.push_back(std::move(f));
                }
                return;
            }
            if (const auto why = userCannotWrite(p, dir->self()); !why.empty())
                return failAll(p, work, "cannot create " + logicalDir + ": " + why);
            toMake.push_back(name);  // made in flush, once recorded
            created.push_back(logicalDir);
            continue;
        }
        dir = std::make_shared<platform::SafeDir>(std::move(*next));
    }
    const auto& name = work.components.back();
    platform::ReadResult read;
    if (toMake.empty()) {
        dir->removeLeftoversIfLooking(name);
        read = dir->readFile(name, kMaxSettingsBytes);
    } else {
        read.missing = true;  // its directory is still to be made
    }
    if (!read.status && !read.missing) return failAll(p, work, read.status.error);
    const bool fileExists = !read.missing;
    const std::string text = fileExists ? read.data : std::string();
    std::string content = text;

    PendingWrite w;
    w.dir = dir;
    w.toMake = toMake;
    w.makeAs = {p.uid, p.gid, kCreatedDirectoryMode};
    w.name = name;
    w.createdDirectories = created;
    std::vector<std::string> forgetNow;  // the user's own value now, or the entry is stale
    bool allRestoredToAbsence = !anyWanted;
    for (auto& k : work.keys) {
        auto f = finding(p, k);
        KeyObservation now;
        if (auto status = k.editor->observe(content, &now); !status) {
            // Left as it is: another tool's file (see the header).
            return failAll(p, work, logical + ": " + status.error + "; the file is left as it is",
                           "malformed");
        }
        f.observed = describe(*k.editor, now, fileExists);
        const bool holdsDesired = now.present && now.value == k.editor->desiredValue();
        if (k.wanted) {
            if (holdsDesired) {
                f.outcome = Outcome::Compliant;
            } else if (now.present && !k.wanted->force &&
                       (!k.prior || now.value != k.prior->spec.value)) {
                // Recommended: a value the user set is theirs, even one set after the agent's.
                f.outcome = Outcome::Compliant;
                f.reason = "recommended: the user's own setting is kept";
                if (k.prior) forgetNow.push_back(k.subject);
            } else if (!run_.changesAllowed()) {
                f.outcome = Outcome::NonCompliant;
                f.reason = run_.mode == RunMode::DryRun ? "would change (dry run)"
                                                        : "not changed (audit only)";
                f.diff = diffOf(*k.editor, now, k.editor->desiredValue());
            } else {
                UserSettingPrior prior;
                prior.file = logical;
                prior.tool = k.tool;
                prior.spec = k.wanted->file;
                prior.keyExisted = now.present;
                prior.priorRaw = now.raw;
                prior.fileExisted = fileExists;
                prior.createdDirectories = created;
                if (auto status = k.editor->set(&content, &prior.undo); !status) {
                    f.outcome = Outcome::Failed;
                    f.reason = logical + ": " + status.error;
                    out_.push_back(std::move(f));
                    continue;
                }
                // Stored as the catalog spells it; compared as the editor reads it.
                prior.spec.value = k.editor->desiredValue();
                if (!k.prior)
                    w.record.push_back(encodeUserSettingPrior(kTargetName, k.subject, prior));
                f.outcome = k.prior ? Outcome::DriftRepaired : Outcome::Remediated;
                f.diff = diffOf(*k.editor, now, k.editor->desiredValue());
                w.findings.push_back(std::move(f));  // reported once the file is written
                continue;
            }
            out_.push_back(std::move(f));
            continue;
        }
        // No longer asked for: the prior state comes back, only over what the agent wrote.
        if (!k.prior) continue;
        if (!now.present || now.value != k.prior->spec.value) {
            f.outcome = Outcome::NotApplicable;
            f.reason = "changed since the agent set it; left as it is";
            forgetNow.push_back(k.subject);
            out_.push_back(std::move(f));
            allRestoredToAbsence = false;
            continue;
        }
        const std::optional<std::string> priorRaw =
            k.prior->keyExisted ? std::optional<std::string>(k.prior->priorRaw) : std::nullopt;
        allRestoredToAbsence = allRestoredToAbsence && !k.prior->fileExisted;
        if (!run_.changesAllowed()) {
            f.outcome = Outcome::NonCompliant;
            f.reason = "would restore the prior state";
            out_.push_back(std::move(f));
            continue;
        }
        KeyObservation restored;
        if (auto status = k.editor->restore(&content, priorRaw, k.prior->undo); !status) {
            f.outcome = Outcome::Failed;
            f.reason = logical + ": cannot restore: " + status.error;
            out_.push_back(std::move(f));
            continue;
        }
        k.editor->observe(content, &restored);
        f.diff = diffOf(*k.editor, now, restored.present ? restored.value : "");
        f.outcome = Outcome::Restored;
        w.forget.push_back(k.subject);
        w.findings.push_back(std::move(f));
        for (const auto& d : k.prior->createdDirectories)
            if (std::find(w.createdDirectories.begin(), w.createdDirectories.end(), d) ==
                w.createdDirectories.end())
                w.createdDirectories.push_back(d);
    }
    if (run_.changesAllowed())
        for (const auto& s : forgetNow) forget(s);
    if (content == text) {
        for (auto& f : w.findings) out_.push_back(std::move(f));
        for (const auto& s : w.forget) forget(s);
        return;
    }
    if (allRestoredToAbsence && !w.forget.empty() && work.keys.front().editor->isEmpty(content)) {
        // The agent made the file (and maybe its directories) and nothing else is in it now.
        if (auto status = dir->removeFile(name); !status) {
            for (auto& f : w.findings) {
                f.outcome = Outcome::Failed;
                f.reason = status.error;
                out_.push_back(std::move(f));
            }
            return;
        }
        const auto removed = removeEmptyDirectories(run_.context, w.createdDirectories);
        if (removed.size() < w.createdDirectories.size())
            leftDirectories_.emplace_back(w.createdDirectories.begin(),
                                          w.createdDirectories.end() - removed.size());
        for (auto& f : w.findings) out_.push_back(std::move(f));
        for (const auto& s : w.forget) forget(s);
        return;
    }
    if (const auto why = userCannotWrite(p, dir->self()); !why.empty()) {
        for (auto& f : w.findings) {
            f.outcome = Outcome::Failed;
            f.reason = parentOf(logical) + ": " + why;
            out_.push_back(std::move(f));
        }
        return;
    }
    w.content = std::move(content);
    w.owner = fileExists ? replacementInHome(p, read.info)
                         : platform::Ownership{p.uid, p.gid, kCreatedFileMode};
    pending_.push_back(std::move(w));
    if (pending_.size() >= kDurableBatchSize) flush();
}

void ProfilePass::flush() {
    if (pending_.empty()) return;
    const auto failPending = [&](PendingWrite& w, const std::string& reason) {
        removeEmptyDirectories(run_.context, w.createdDirectories);
        for (auto& f : w.findings) {
            f.outcome = Outcome::Failed;
            f.reason = reason;
            out_.push_back(std::move(f));
        }
    };
    // Prior states first, durable in one commit; nothing is written unless that succeeded.
    Status recorded = run_.ledger.beginBatch();
    for (const auto& w : pending_)
        for (const auto& prior : w.record)
            if (recorded) recorded = run_.ledger.record(prior);
    if (recorded) recorded = run_.ledger.commitBatch();
    if (!recorded) {
        for (auto& w : pending_)
            failPending(
                w, "could not record the prior state, so nothing was changed: " + recorded.error);
        pending_.clear();
        return;
    }
    // The directories still missing are made now that the prior states naming them are durable.
    std::vector<bool> written(pending_.size(), true);
    std::vector<DurableFile> files;
    std::vector<std::size_t> pendingOf;  // files[k] is pending_[pendingOf[k]]
    files.reserve(pending_.size());
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        auto& w = pending_[i];
        if (!w.toMake.empty()) {
            Status made;
            auto dir = makeDirectoriesInHome(*w.dir, w.toMake, w.makeAs, &made);
            if (!dir) {
                written[i] = false;
                failPending(w, "cannot create its directory: " + made.error);
                continue;
            }
            w.dir = std::make_shared<platform::SafeDir>(std::move(*dir));
            w.toMake.clear();
        }
        files.push_back({w.dir.get(), w.name, w.content, w.owner});
        pendingOf.push_back(i);
    }
    DurableBatchSteps steps;
    steps.notWritten = [&](std::size_t k, const std::string& reason) {
        written[pendingOf[k]] = false;
        failPending(pending_[pendingOf[k]], reason);
    };
    steps.notDurable = [&](std::size_t k, const std::string& reason) {
        const auto& w = pending_[pendingOf[k]];
        out_.push_back(
            Finding::failed(kTargetName, w.dir->path() + "/" + w.name,
                            "settings were replaced but may not survive a power loss: " + reason));
    };
    writeDurably(files, steps);
    // What the renames changed in the bookkeeping, one ledger batch.
    const Status batch = run_.ledger.beginBatch();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (!written[i]) continue;
        for (const auto& subject : pending_[i].forget) forget(subject);
        for (auto& f : pending_[i].findings) out_.push_back(std::move(f));
    }
    if (batch)
        if (const auto committed = run_.ledger.commitBatch(); !committed)
            out_.push_back(
                Finding::failed(kTargetName, "compliance store",
                                "files were written but the agent's bookkeeping was not saved: " +
                                    committed.error));
    pending_.clear();
}

void ProfilePass::leftovers() {
    // Entries of profiles this pass did not list (an account removed): forgotten only when the
    // file is provably gone; an unreadable home keeps its restore data.
    // Only the entries' names are read for this; an entry is read whole when it was not visited.
    std::vector<std::string> unvisited;
    run_.ledger.forEachSubject(kTargetName, [&](std::string_view subject) {
        if (!visited_.contains(subject)) unvisited.emplace_back(subject);
    });
    for (const auto& subject : unvisited) {
        const auto e = run_.ledger.find(kTargetName, subject);
        UserSettingPrior prior;
        if (!e || !decodeUserSettingPrior(*e, &prior)) continue;
        bool missing = false;
        if (platform::SafeDir::open(run_.context.resolve(parentOf(prior.file)), nullptr,
                                    &missing) ||
            !missing)
            continue;
        // A pass killed after recording the directories it would make, before it made them
        // all: those it made go (a dry run or an audit only says it would).
        if (run_.changesAllowed()) {
            removeEmptyDirectories(run_.context, prior.createdDirectories);
            forget(e->subject);
        }
        auto f = Finding::notApplicable(
            kTargetName, e->subject,
            "the profile or its directory no longer exists; nothing to restore");
        if (!run_.changesAllowed() && anyDirectoryExists(run_.context, prior.createdDirectories)) {
            f.outcome = Outcome::NonCompliant;
            f.reason = "would remove the directories the agent made for it, while empty";
        }
        f.tool = prior.tool;
        f.observed = "absent";
        out_.push_back(std::move(f));
    }
}

}  // namespace

FindingLog UserSettingsFileTarget::reconcile(TargetRun& run, const DesiredState& desired) {
    auto findings = run.newFindingLog();
    // Nothing asked for and nothing to restore: no profile is listed or opened.
    const bool anyWanted = desired.manageProfiles && !desired.userFiles.empty();
    bool anyRecorded = false;
    if (!anyWanted) {
        run.ledger.forEachSubject(kTargetName, [&](std::string_view) { anyRecorded = true; });
        if (!anyRecorded) return findings;
    }
    // Problems listing the accounts are telemetry-json's to report (it lists them first).
    const auto list = profiles_->share(run.context);
    const auto& profiles = *list;
    ProfilePass pass(run, desired, findings);
    auto stopped = visitProfilesUntilStopped(run, kTargetName, profiles,
                                             [&](const MetalamaProfile& p) { pass.profile(p); });
    pass.flush();
    if (stopped) {
        findings.push_back(std::move(*stopped));
        return findings;
    }
    pass.leftovers();
    return findings;
}

FindingLog UserSettingsFileTarget::revert(TargetRun& run) {
    DesiredState nothing;
    nothing.manageProfiles = false;
    return reconcile(run, nothing);
}

}  // namespace mpa
