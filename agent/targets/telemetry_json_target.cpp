#include "targets/telemetry_json_target.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>

#include "model/target_names.hpp"
#include "platform/metalama_lock.hpp"
#include "platform/random_guid.hpp"
#include "platform/safe_fs.hpp"
#include "targets/device_id_reset.hpp"
#include "targets/durable_batch.hpp"
#include "targets/metalama_profiles.hpp"
#include "targets/owned_directories.hpp"
#include "targets/pass_file_batch.hpp"
#include "targets/profile_directories.hpp"
#include "targets/telemetry_ledger_keys.hpp"
#include "targets/telemetry_settings.hpp"
#include "targets/visited_subjects.hpp"
#include "util/path_text.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
    return out;
}

constexpr const char* kTargetName = target_name::kTelemetryJson;
constexpr const char* kFileName = "telemetry.json";
// Metalama's Issues and Sessions bookkeeping grows the file; far beyond this it is not a
// settings file any more.
constexpr std::uint64_t kMaxSettingsBytes = 4 * 1024 * 1024;
constexpr std::uint32_t kCreatedFileMode = 0644;  // what Metalama itself creates
// How long to wait for a running Metalama to release its lock on a data directory.
constexpr std::chrono::milliseconds kMetalamaLockWait{2000};

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

class ProfilePass {
  public:
    ProfilePass(TargetRun& run, const DesiredState& desired, PassProfiles& walk, FindingLog& out)
        : run_(run), desired_(desired), walk_(walk), out_(out) {}

    // One settings file a profile, most often (a second data directory is rare).
    void expectProfiles(std::size_t count) { visited_.reserve(count); }
    void profile(const MetalamaProfile& p);
    void flush();
    void leftovers();

  private:
    using DataDirectory = ProfileDataDirectory;
    // A planned change whose prior state still has to be made durable before it is written.
    struct PendingWrite {
        DataDirectory d;
        Finding finding;
        std::string subject;
        std::vector<PriorState> entries;  // this file's ledger entries before the pass
        TelemetryPrior prior;
        bool hadFileEntry = false;
        bool fileExisted = false;
        bool needs = false;
        std::vector<std::string> keysSetBefore;
        std::string content;
        bool onlyAgentKeys = false;
        platform::Ownership owner{0, 0, 0};
        std::string invalidName;  // set aside the malformed file first
        TelemetryPlan plan;
        DeviceIdDecision decision;
    };

    bool needsProfiles() const { return desired_.manageProfiles && desired_.anyActionManaged(); }
    Finding finding(const MetalamaProfile& p, const std::string& subject) const {
        return Finding::about(kTargetName, subject, p.account, desiredText_);
    }
    void fail(const MetalamaProfile& p, const std::string& subject, const std::string& reason) {
        auto f = finding(p, subject);
        f.outcome = Outcome::Failed;
        f.reason = reason;
        out_.push_back(std::move(f));
    }
    void settingsFile(const MetalamaProfile& p, DataDirectory d);
    void write(PendingWrite& w, const platform::StagedFile& staged);

  public:
    // The DeviceIds in the new-profile template (/etc/skel): every account created from it
    // starts with that id, and so does every machine cloned from the same image.
    void loadTemplateIds(const ProfileList& profiles);

  private:
    Status recordPrior(const PendingWrite& w);
    void forgetAll(const std::vector<PriorState>& entries);
    // The file is gone: the directories the agent made for it go too, and its entries (a dry
    // run or an audit only says what it would remove).
    void goneWithTheFile(const std::vector<PriorState>& entries, const TelemetryPrior& prior,
                         Finding& f, const std::string& nothingToRestore);
    void cleanUpCreated(const std::vector<PriorState>& entries, const TelemetryPrior& prior,
                        bool agentKeysOnly, DataDirectory& d, Finding& f);

    TargetRun& run_;
    const DesiredState& desired_;
    PassProfiles& walk_;  // shows the directories opened to the license audit
    FindingLog& out_;
    const std::string desiredText_ = describeDesired(desired_);  // the same in every finding
    std::vector<PendingWrite> pending_;
    // The settings files this pass visited (targets/visited_subjects.hpp).
    VisitedSubjects visited_;
    ProfileHomes homes_{run_.context};
    DeviceIdResetRule deviceIds_{desired_, run_.context.now};
};

void ProfilePass::loadTemplateIds(const ProfileList& profiles) {
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        if (!profiles.isTemplate(i)) continue;
        const auto p = profiles[i];
        for (const auto& dir : *p.dataDirectories) {
            const auto path = joinPath(joinPath(p.home, dir), {kFileName});
            const auto read =
                platform::readFileNoFollow(run_.context.resolve(path), kMaxSettingsBytes);
            if (!read.status || read.missing) continue;
            const auto doc = json::ObjectDocument::parse(read.data, nullptr);
            if (!doc) continue;
            if (const auto id = doc->getString("DeviceId")) deviceIds_.addTemplateId(*id, p.home);
        }
    }
}

void ProfilePass::profile(const MetalamaProfile& p) {
    Status opened;
    bool missing = false;
    auto home = homes_.open(p.home, &opened, &missing);
    if (!home) {
        if (!missing) {
            fail(p, p.home, "home directory cannot be used: " + opened.error);
        } else if (!p.isTemplate) {
            // An NFS or autofs home that is not mounted, or an account whose home was never
            // made, looks the same from here: it cannot be checked, which is never compliant.
            auto f = finding(p, p.home);
            f.observed = "absent";
            f.outcome = Outcome::Failed;
            f.reason = "not checked: home not mounted (" + p.home + " does not exist)";
            out_.push_back(std::move(f));
        }
        return;
    }
    if (!p.isTemplate && isLockedEcryptfsHome(*home)) {
        auto f = finding(p, p.home);
        f.observed = "encrypted, locked";
        f.outcome = Outcome::Failed;
        f.reason =
            "not checked: home not mounted (an eCryptfs home that is locked until its user "
            "logs in)";
        out_.push_back(std::move(f));
        return;
    }
    const auto owner = home->self().uid;
    if (owner != p.uid) {
        fail(p, p.home,
             "home directory is owned by uid " + std::to_string(owner) + ", not by " +
                 (p.isTemplate ? std::string("root")
                               : p.account + " (uid " + std::to_string(p.uid) + ")") +
                 "; refused");
        return;
    }
    std::vector<ProfilePathProblem> problems;
    auto dirs = existingDataDirectories(p, *home, &problems);
    for (const auto& problem : problems) fail(p, problem.logical, problem.reason);
    if (dirs.empty() && needsProfiles()) {
        const auto newest = joinPath(p.home, p.dataDirectories->front());
        if (!run_.changesAllowed()) {
            auto f = finding(p, newest + "/" + kFileName);
            f.observed = "no Metalama data directory";
            f.outcome = Outcome::NonCompliant;
            f.reason = "would create " + newest + " and its telemetry.json";
            out_.push_back(std::move(f));
        } else {
            // Made once the prior state naming it is durable (flush), not now.
            ProfilePathProblem problem;
            if (auto planned = planDataDirectory(p, std::move(*home), &problem))
                dirs.push_back(std::move(*planned));
            else
                fail(p, problem.logical, problem.reason);
        }
    }
    walk_.walked(p, dirs);
    for (auto& d : dirs) settingsFile(p, std::move(d));
}

Status ProfilePass::recordPrior(const PendingWrite& w) {
    // First write wins in the ledger: a key it already held (read with the file's entries before
    // planning) keeps the value from before the agent's first change and is not recorded again;
    // the others were listed as absent then.
    for (const auto& [key, raw] : w.prior.keys) {
        if (std::find(w.keysSetBefore.begin(), w.keysSetBefore.end(), key) != w.keysSetBefore.end())
            continue;
        if (auto recorded =
                run_.ledger.recordAbsent({kTargetName, telemetryKeyEntry(w.subject, key),
                                          raw.has_value(), raw.value_or(""), ""});
            !recorded)
            return recorded;
    }
    if (w.hadFileEntry) return Status::success();
    return run_.ledger.recordAbsent({kTargetName, telemetryFileEntry(w.subject), w.fileExisted,
                                     w.prior.serializeFileEntry(), ""});
}

void ProfilePass::forgetAll(const std::vector<PriorState>& entries) {
    for (const auto& e : entries) run_.ledger.forget(kTargetName, e.subject);
}

bool holdsOnlyAgentKeys(const json::ObjectDocument& doc) {
    for (const auto& m : doc.members())
        if (m.key != "DeviceId" && m.key != "version") return false;
    return true;
}

void ProfilePass::cleanUpCreated(const std::vector<PriorState>& entries,
                                 const TelemetryPrior& prior, bool agentKeysOnly, DataDirectory& d,
                                 Finding& f) {
    // Everything the agent set is back; a file (and directories) that only the agent created
    // and that holds nothing but what the agent put there goes too: no tattooing.
    if (prior.fileCreated && agentKeysOnly) {
        if (auto status = d.dir.removeFile(kFileName); !status) {
            f.outcome = Outcome::Failed;
            f.reason = status.error;
            return;
        }
        removeEmptyDirectories(run_.context, prior.createdDirectories);
    }
    forgetAll(entries);
}

void ProfilePass::goneWithTheFile(const std::vector<PriorState>& entries,
                                  const TelemetryPrior& prior, Finding& f,
                                  const std::string& nothingToRestore) {
    f.observed = "absent";
    const auto& dirs = prior.fileCreated ? prior.createdDirectories : std::vector<std::string>{};
    if (!run_.changesAllowed()) {
        const bool removes = anyDirectoryExists(run_.context, dirs);
        f.outcome = removes ? Outcome::NonCompliant : Outcome::NotApplicable;
        f.reason = removes ? "would remove the directories the agent made for it, while empty"
                           : nothingToRestore;
    } else {
        removeEmptyDirectories(run_.context, dirs);
        forgetAll(entries);
        f.outcome = Outcome::NotApplicable;
        f.reason = nothingToRestore;
    }
    out_.push_back(std::move(f));
}

void ProfilePass::settingsFile(const MetalamaProfile& p, DataDirectory d) {
    const auto subject = d.logical + "/" + kFileName;
    visited_.add(subject);
    auto f = finding(p, subject);
    const bool needs = needsProfiles();

    platform::ReadResult read;
    if (d.exists()) {
        d.dir.removeLeftoversIfLooking(kFileName);
        read = d.dir.readFile(kFileName, kMaxSettingsBytes);
    } else {
        read.missing = true;  // its directory is still to be made
    }
    if (!read.status && !read.missing) {
        f.outcome = Outcome::Failed;
        f.reason = read.status.error;
        out_.push_back(std::move(f));
        return;
    }
    json::ParseError parseError;
    std::optional<json::ObjectDocument> doc;
    if (!read.missing) doc = json::ObjectDocument::parse(read.data, &parseError);
    // A file already as the policy wants it, whatever its prior state (nearly every file of a
    // pass with nothing to do): its ledger entries are not read.
    // The DeviceId decision taken for it is kept: the document is the one planned below.
    std::optional<DeviceIdDecision> decided;
    if (doc && needs && plansNothingWhateverThePrior(*doc, desired_)) {
        decided = deviceIds_.decide(p.isTemplate, subject, *doc, run_.ledger);
        if (!decided->reset) {
            f.observed = describeTelemetry(*doc);
            f.outcome = Outcome::Compliant;
            out_.push_back(std::move(f));
            return;
        }
    }

    auto entries = telemetryEntriesOf(run_.ledger, kTargetName, subject);
    const bool hadLedger = !entries.empty();
    bool hadFileEntry = false;
    for (const auto& e : entries)
        if (e.subject == telemetryFileEntry(subject)) hadFileEntry = true;
    auto prior = telemetryPriorFrom(entries);
    std::string invalidName;
    if (read.missing) {
        if (!needs && !hadLedger) return;  // nothing managed here, nothing to undo
        f.observed = "absent";
        if (!needs) {
            // A pass killed after making the directories, before its file was in place: they
            // go as they would with the file.
            goneWithTheFile(entries, prior, f,
                            "the file the agent managed no longer exists; nothing to restore");
            return;
        }
        doc = json::ObjectDocument::parse("{}", nullptr);
        if (!hadFileEntry) {
            prior.fileCreated = true;
            prior.createdDirectories = d.created;
        }
    } else {
        if (!doc) {
            f.observed = "malformed (" + parseError.describe() + ")";
            if (!needs) {
                f.outcome = Outcome::NotApplicable;
                f.reason = "not managed by policy; left as it is";
                out_.push_back(std::move(f));
                return;
            }
            invalidName = std::string(kFileName) + ".invalid-" + compactUtc(run_.context.now);
            if (!run_.changesAllowed()) {
                f.outcome = Outcome::NonCompliant;
                f.reason = "Metalama ignores the whole file; would keep it as " + invalidName +
                           " and write a valid one";
                out_.push_back(std::move(f));
                return;
            }
            prior.replacedMalformed = true;
            doc = json::ObjectDocument::parse("{}", nullptr);
        } else {
            f.observed = describeTelemetry(*doc);
        }
    }

    std::vector<std::string> keysSetBefore;
    keysSetBefore.reserve(prior.keys.size());
    for (const auto& e : prior.keys) keysSetBefore.push_back(e.first);
    const auto decision =
        decided ? *decided : deviceIds_.decide(p.isTemplate, subject, *doc, run_.ledger);
    auto plan = planTelemetry(*doc, desired_, prior, decision, platform::newRandomGuid);
    f.diff = joinLines(plan.diff);
    if (!plan.changed() && invalidName.empty() && !plan.problems.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = joinProblems(plan.problems);
        out_.push_back(std::move(f));
        return;
    }
    if (!plan.changed() && invalidName.empty()) {
        if (hadLedger && prior.keys.empty() && !needs) {
            // Nothing of the agent's in the keys; only a file it created and that holds nothing
            // but its DeviceId goes. A dry run or an audit only says so.
            const bool removesFile = prior.fileCreated && holdsOnlyAgentKeys(*doc);
            if (!run_.changesAllowed()) {
                f.outcome = removesFile ? Outcome::NonCompliant : Outcome::NotApplicable;
                f.reason = removesFile ? "would remove the file the agent created, which holds "
                                         "only what the agent wrote (DeviceId, version)"
                                       : "the user's own values are in place; nothing to restore";
            } else {
                cleanUpCreated(entries, prior, removesFile, d, f);
                if (f.outcome != Outcome::Failed) {
                    f.outcome = removesFile ? Outcome::Restored : Outcome::NotApplicable;
                    f.reason = removesFile ? "removed the file the agent created, which held only "
                                             "what the agent wrote (DeviceId, version)"
                                           : "the user's own values were already in place; "
                                             "nothing to restore";
                }
            }
        } else {
            f.outcome = needs ? Outcome::Compliant : Outcome::NotApplicable;
        }
        out_.push_back(std::move(f));
        return;
    }
    if (!run_.changesAllowed()) {
        f.outcome = Outcome::NonCompliant;
        f.reason =
            run_.mode == RunMode::DryRun ? "would change (dry run)" : "not changed (audit only)";
        out_.push_back(std::move(f));
        return;
    }
    if (const auto why = userCannotWrite(p, d.dir.infoWhenOpened()); !why.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = d.logical + ": " + why;
        out_.push_back(std::move(f));
        return;
    }
    PendingWrite w{std::move(d),
                   std::move(f),
                   subject,
                   std::move(entries),
                   std::move(prior),
                   hadFileEntry,
                   !read.missing,
                   needs,
                   std::move(keysSetBefore),
                   doc->serialize(),
                   holdsOnlyAgentKeys(*doc),
                   read.missing ? platform::Ownership{p.uid, p.gid, kCreatedFileMode}
                                : replacementInHome(p, read.info),
                   std::move(invalidName),
                   std::move(plan),
                   decision};
    pending_.push_back(std::move(w));
    if (pending_.size() >= kDurableBatchSize) flush();
}

void ProfilePass::flush() {
    if (pending_.empty()) return;
    // Prior states first, durable in one commit; nothing is written unless that succeeded. Then
    // the files, in one durable batch (durable_batch.hpp): two flushes per file system for the
    // batch, not two per file. What the renames change in the bookkeeping is one ledger commit.
    // The pass's /etc files, when staged, share all three (pass_file_batch.hpp).
    JoiningWrites batch;
    batch.recordPriors = [&] {
        Status recorded = Status::success();
        for (auto& w : pending_)
            if (recorded) recorded = recordPrior(w);
        return recorded;
    };
    batch.priorsFailed = [&](const Status& recorded) {
        for (auto& w : pending_) {
            w.finding.outcome = Outcome::Failed;
            w.finding.reason =
                "could not record the prior state, so nothing was changed: " + recorded.error;
            out_.push_back(std::move(w.finding));
        }
    };
    // The data directories still to make are made only now that their prior states, which
    // name them, are durable.
    std::vector<std::size_t> pendingOf;  // batch.files[k] is pending_[pendingOf[k]]
    const auto failed = [&](PendingWrite& w, const std::string& reason) {
        w.finding.outcome = Outcome::Failed;
        w.finding.reason = reason;
        out_.push_back(std::move(w.finding));
    };
    batch.priorsRecorded = [&] {
        batch.files.reserve(pending_.size());
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            auto& w = pending_[i];
            if (Status made = makeDataDirectory(w.d); !made) {
                failed(w, w.d.logical + ": " + made.error);
                continue;
            }
            batch.files.push_back({&w.d.dir, kFileName, w.content, w.owner});
            pendingOf.push_back(i);
        }
    };
    batch.steps.notWritten = [&](std::size_t k, const std::string& reason) {
        failed(pending_[pendingOf[k]], reason);
    };
    batch.steps.rename = [&](std::size_t k, const platform::StagedFile& staged) {
        write(pending_[pendingOf[k]], staged);
    };
    batch.steps.notDurable = [&](std::size_t k, const std::string& reason) {
        out_.push_back(
            Finding::failed(kTargetName, pending_[pendingOf[k]].d.logical,
                            "settings were replaced but may not survive a power loss: " + reason));
    };
    batch.renamesRecorded = [&](const Status& committed) {
        if (!committed)
            out_.push_back(
                Finding::failed(kTargetName, "compliance store",
                                "files were written but the agent's bookkeeping was not saved: " +
                                    committed.error));
    };
    writeJoining(run_, batch);
    pending_.clear();
}

void ProfilePass::write(PendingWrite& w, const platform::StagedFile& staged) {
    auto& f = w.finding;
    // Metalama's own lock on the directory (Windows), held while the file is set aside and
    // replaced.
    const auto locked = platform::lockMetalamaDataDirectory(w.d.logical, kMetalamaLockWait);
    if (!locked.lock) {
        w.d.dir.discardStaged(staged);
        f.outcome = Outcome::Failed;
        f.reason = locked.busy ? "busy, retry next pass: " + locked.error
                               : "cannot take Metalama's lock: " + locked.error;
        out_.push_back(std::move(f));
        return;
    }
    if (!w.invalidName.empty()) {
        if (auto status = w.d.dir.renameEntry(kFileName, w.invalidName); !status) {
            w.d.dir.discardStaged(staged);
            f.outcome = Outcome::Failed;
            f.reason = "could not set the malformed file aside: " + status.error;
            out_.push_back(std::move(f));
            return;
        }
    }
    if (auto status = w.d.dir.commitStaged(staged); !status) {
        f.outcome = Outcome::Failed;
        f.reason = status.error;
        out_.push_back(std::move(f));
        return;
    }
    if (w.plan.deviceIdWritten) {
        run_.ledger.setState(deviceIdSetState(w.subject), isoUtc(run_.context.now));
        if (!desired_.deviceIdResetToken.empty())
            run_.ledger.setState(deviceIdTokenState(w.subject), desired_.deviceIdResetToken);
    }
    for (const auto& key : w.plan.restoredKeys)
        run_.ledger.forget(kTargetName, telemetryKeyEntry(w.subject, key));

    bool allSetBefore = !w.plan.changedKeys.empty();
    for (const auto& key : w.plan.changedKeys)
        allSetBefore = allSetBefore && std::find(w.keysSetBefore.begin(), w.keysSetBefore.end(),
                                                 key) != w.keysSetBefore.end();
    if (!w.invalidName.empty()) {
        f.outcome = Outcome::Repaired;
        f.reason = "malformed file kept as " + w.invalidName + " and replaced by a valid one";
    } else if (w.plan.changedKeys.empty() && !w.plan.restoredKeys.empty()) {
        f.outcome = Outcome::Restored;
        if (w.prior.keys.empty() && !w.needs)
            cleanUpCreated(w.entries, w.prior, w.onlyAgentKeys, w.d, f);
    } else if (allSetBefore) {
        f.outcome = Outcome::DriftRepaired;
    } else {
        f.outcome = Outcome::Remediated;
    }
    if (w.plan.deviceIdWritten && w.decision.reset)
        f.reason +=
            (f.reason.empty() ? "" : "; ") + std::string("new DeviceId: ") + w.decision.reason;
    if (!w.plan.problems.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = joinProblems(w.plan.problems) + (f.reason.empty() ? "" : "; " + f.reason);
    }
    out_.push_back(std::move(f));
}

void ProfilePass::leftovers() {
    // Files the ledger knows that this pass did not visit: forget them only when provably gone
    // (an unreadable home must keep its restore data). Only the entries' names are read for
    // this; a file's entries are read when it is gone, and that is rare.
    std::vector<std::string> unvisited;
    // A file's entries come one after another (the ledger index's order), so its name is
    // copied and looked up once per file, not once per entry; any order stays correct.
    std::optional<std::string> file;
    run_.ledger.forEachSubject(kTargetName, [&](std::string_view entry) {
        const auto entryFile = telemetryFileOf(entry);
        if (!entryFile || (file && *file == *entryFile)) return;
        file = std::string(*entryFile);
        if (!visited_.contains(*file)) unvisited.push_back(*file);
    });
    std::sort(unvisited.begin(), unvisited.end());
    unvisited.erase(std::unique(unvisited.begin(), unvisited.end()), unvisited.end());
    for (const auto& subject : unvisited) {
        bool missing = false;
        if (platform::SafeDir::open(run_.context.resolve(parentOf(subject)), nullptr, &missing) ||
            !missing)
            continue;
        const auto entries = telemetryEntriesOf(run_.ledger, kTargetName, subject);
        // A pass killed after recording the directories it would make, before it made them
        // all: those it made go.
        auto f = Finding::about(kTargetName, subject, "", desiredText_);
        goneWithTheFile(entries, telemetryPriorFrom(entries), f,
                        "the profile or data directory no longer exists; nothing to restore");
    }
}

}  // namespace

FindingLog TelemetryJsonTarget::reconcile(TargetRun& run, const DesiredState& desired) {
    auto findings = run.newFindingLog();
    std::vector<std::string> errors;
    const auto list = profiles_->list(run.context, errors, run.spillFile);
    const auto& profiles = *list;
    for (const auto& e : errors)
        findings.push_back(Finding::failed(kTargetName, "user accounts", e)
                               .withDesired("every login account managed")
                               .withObserved(e));
    ProfilePass pass(run, desired, *profiles_, findings);
    pass.loadTemplateIds(profiles);
    pass.expectProfiles(profiles.size());
    auto stopped = visitProfilesUntilStopped(run, kTargetName, profiles,
                                             [&](const MetalamaProfile& p) { pass.profile(p); });
    pass.flush();  // stopped: what is staged is finished, prior states recorded, files renamed
    if (stopped) {
        findings.push_back(std::move(*stopped).withDesired(describeDesired(desired)));
        return findings;
    }
    pass.leftovers();
    profiles_->walkFinished();
    return findings;
}

FindingLog TelemetryJsonTarget::revert(TargetRun& run) {
    DesiredState nothing;
    nothing.manageProfiles = false;
    return reconcile(run, nothing);
}

std::vector<std::string> TelemetryJsonTarget::watchPaths(const AgentContext& context) const {
    return profileWatchPaths(context);
}

}  // namespace mpa
