#include "engine/service_loop.hpp"

#include <Poco/Logger.h>
#include <Poco/Process.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <random>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/pass_lock.hpp"
#include "engine/reconcile.hpp"
#include "model/policy_source.hpp"
#include "model/target.hpp"
#include "platform/memory.hpp"
#include "platform/path_stamp.hpp"
#include "platform/safe_fs.hpp"
#include "store/chain_head_log.hpp"
#include "store/compliance_store.hpp"
#include "store/event_kinds.hpp"
#include "version.hpp"

namespace mpa {
namespace {

using Clock = ServiceSchedule::Clock;

// "DIR/*": a watch of DIR's own entries (platform/change_watcher.hpp). Its stamp is DIR's own
// (its times change when an entry comes or goes), not its tree's.
bool isEntriesOnly(const std::string& path) {
    return path.size() > 2 && path.compare(path.size() - 2, 2, "/*") == 0;
}

// What a watched path holds now (platform/path_stamp.hpp); for "DIR/*", DIR's own entries.
platform::PathStamp stampOf(const std::string& path) {
    return isEntriesOnly(path) ? platform::entryStamp(path.substr(0, path.size() - 2))
                               : platform::pathStamp(path);
}

// Linear in the number of paths (there are two per user profile): a path is a mere parent when
// it is the directory of another listed path. Duplicates go too. The rest keep their order: it
// says what matters most when not every path can have a watch (platform::WatchShortfall), and
// every target lists its machine-wide files and account databases before the users' files.
std::vector<std::string> withoutMereParents(std::vector<std::string> paths) {
    std::vector<bool> dropped(paths.size(), false);
    {
        std::unordered_set<std::string_view> parents;
        parents.reserve(paths.size());
        for (const auto& path : paths) {
            const auto slash = path.find_last_of('/');
            if (slash != std::string::npos)
                parents.insert(std::string_view(path).substr(0, slash == 0 ? 1 : slash));
        }
        std::unordered_set<std::string_view> seen;
        seen.reserve(paths.size());
        for (std::size_t i = 0; i < paths.size(); ++i)
            dropped[i] = parents.count(paths[i]) > 0 || !seen.insert(paths[i]).second;
    }
    // Moved, not copied, once no view into them is left.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (dropped[i]) continue;
        if (kept != i) paths[kept] = std::move(paths[i]);
        ++kept;
    }
    paths.resize(kept);
    return paths;
}

// A managed file's content and ownership, to tell whether it changed since the last pass left
// it: a drift trigger whose files all still match was the agent's own write (or a change undone
// before it settled), and needs no pass. kNoDigest when the file cannot be compared (a digest
// that happens to be 0 is taken as 1). A digest, not the content, and no optional's padded flag
// beside it: the service keeps one per managed file, and there are two per user profile.
constexpr std::size_t kNoDigest = 0;
std::size_t fingerprint(const std::string& path) {
    const auto read = platform::readFileNoFollow(path, 1 << 20);
    if (!read.missing && (!read.status || read.info.kind != platform::FileKind::Regular))
        return kNoDigest;
    const auto digest =
        read.missing ? std::hash<std::string>{}("-")
                     : std::hash<std::string>{}(std::to_string(read.info.mode) + " " +
                                                std::to_string(read.info.uid) + " " +
                                                std::to_string(read.info.gid) + "\n" + read.data);
    return digest == kNoDigest ? 1 : digest;
}

// One event per line in the journal, whatever a message carries.
std::string oneLine(std::string text) {
    for (auto& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

class ServiceLoop {
  public:
    ServiceLoop(AgentContext context, const Components& components,
                platform::ChangeWatcher& watcher, ServiceOptions options)
        : context_(std::move(context)),
          components_(components),
          watcher_(watcher),
          options_(std::move(options)),
          schedule_(options_.timing),
          random_(std::random_device{}()) {}

    int run() {
        log_.information("service started: pid %d, root %s, database %s, settle %d ms",
                         static_cast<int>(Poco::Process::id()), context_.settings.root,
                         context_.settings.database, static_cast<int>(schedule_.settle().count()));
        schedule_.passNow(ServiceSchedule::kStart);
        while (!watcher_.stopRequested()) {
            const auto now = Clock::now();
            if (const auto due = schedule_.due(now)) {
                handleDue(*due);
                continue;
            }
            std::optional<std::chrono::milliseconds> timeout;
            if (const auto deadline = schedule_.nextDeadline())
                timeout = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now);
            if (std::exchange(workedSinceSleep_, false)) releaseWhatSleepDoesNotNeed();
            const auto events = watcher_.wait(timeout);
            if (events.stop) break;
            if (events.reload) reload();
            noteChanges(events);
        }
        log_.information(
            "service stopping: %d pass(es) run, %d change(s) found that no event "
            "announced",
            passes_, unannounced_);
        if (store_) {
            if (const auto recorded =
                    store_->recordEvent(event_kind::kAgentStopped, "", "stop requested");
                !recorded)
                log_.error("the compliance store could not record the stop: %s", recorded.error);
        }
        return 0;
    }

  private:
    struct ManagedFileState {
        platform::PathStamp stamp = platform::kUnknownStamp;
        std::size_t digest = kNoDigest;
    };
    static_assert(sizeof(ManagedFileState) == 16, "two per user profile: keep it small");

    // Watch first, then read: every pass arms the watches for what it is about to read (new
    // accounts bring new paths), so a change after this point is an event and one before it is
    // read by the pass. Re-arming only when the list changed keeps a no-op pass cheap. While
    // some paths have no watch (the OS bound), the timer's and a reload's passes try again, so
    // that watches another process gave back, or a limit the administrator raised, are taken
    // up; a drift repair does not wait for a re-arm of every path.
    void armWatches(const std::string& trigger) {
        auto paths = watchedPaths(context_, components_);
        const auto& current = *watchList_;
        const bool same =
            current.size() == paths.sources.size() + paths.targets.size() &&
            std::equal(paths.sources.begin(), paths.sources.end(), current.begin()) &&
            std::equal(paths.targets.begin(), paths.targets.end(),
                       current.begin() + static_cast<std::ptrdiff_t>(paths.sources.size()));
        const bool retryShortfall =
            !watcher_.shortfall().unwatched.empty() &&
            (trigger == ServiceSchedule::kTimer || trigger == ServiceSchedule::kSignal);
        if (armed_ && same && !retryShortfall) return;
        managed_ = carriedOver(paths.targets);
        sourcePaths_ = {paths.sources.begin(), paths.sources.end()};
        targetsBegin_ = paths.sources.size();
        // One list, sources then targets, made of the paths themselves, not copies: two per
        // user profile.
        auto all = std::move(paths.sources);
        all.reserve(all.size() + paths.targets.size());
        std::move(paths.targets.begin(), paths.targets.end(), std::back_inserter(all));
        watchList_ = std::make_shared<const std::vector<std::string>>(std::move(all));
        armed_ = true;
        if (const auto status = watcher_.watch(watchList_); !status)
            log_.error("watching for changes: %s (the timer still runs passes)", status.error);
        log_.debug("watching %z path(s) with %z watch(es)", watchList_->size(),
                   watcher_.watchCount());
        reportShortfall();
        if (!same) stamps_.clear();  // new paths: nothing to compare them with yet
    }

    // Said when it starts, changes or ends, not at every pass: the administrator's remedy is
    // the same each time.
    void reportShortfall() {
        const auto& shortfall = watcher_.shortfall();
        const auto unwatched = shortfall.unwatched.size();
        if (unwatched == reportedUnwatched_) return;
        if (unwatched == 0) {
            log_.information("every watched path has its watch again (%z watch(es))",
                             watcher_.watchCount());
        } else {
            log_.warning(
                "%z of %z watched path(s) have no watch (the first: %s): %s. Their drift is "
                "repaired by the periodic pass, not at once",
                unwatched, watchList_->size(), logical((*watchList_)[shortfall.unwatched.front()]),
                shortfall.why);
        }
        reportedUnwatched_ = unwatched;
    }

    // The safety net: what each watched path holds now against what it held when the last pass
    // read it. A difference that no event announced is a change the watcher missed; it is named
    // in the log (the pass about to run reads it anyway). Then the stamps for this pass.
    void checkUnannounced(const std::string& trigger) {
        std::vector<platform::PathStamp> now;
        now.reserve(watchList_->size());
        for (const auto& path : *watchList_) now.push_back(stampOf(path));
        if (stamps_.size() == now.size()) {
            const auto& unwatched = watcher_.shortfall().unwatched;
            std::size_t foundUnwatched = 0;
            for (std::size_t i = 0; i < now.size(); ++i) {
                if (stamps_[i] == platform::kUnknownStamp || now[i] == platform::kUnknownStamp ||
                    now[i] == stamps_[i] || overflowed_ || announced_.count((*watchList_)[i]))
                    continue;
                // A path without a watch had no event to announce it: found here, as the
                // administrator was told (reportShortfall), and not a missed event.
                if (std::binary_search(unwatched.begin(), unwatched.end(),
                                       static_cast<std::uint32_t>(i))) {
                    ++foundUnwatched;
                    continue;
                }
                ++unannounced_;
                log_.warning(
                    "change to %s was not announced by any event; found before the %s "
                    "pass, which reads it",
                    logical((*watchList_)[i]), trigger);
            }
            if (foundUnwatched > 0)
                log_.information("%z change(s) found in paths without a watch before the %s pass",
                                 foundUnwatched, trigger);
        }
        stamps_ = std::move(now);
        announced_.clear();
        overflowed_ = false;
    }

    // Events already queued belong to what this pass reads: taken now, so that the comparison
    // does not name them and the settle period does not run a second pass for them.
    void drainPendingEvents() {
        const auto events = watcher_.wait(std::chrono::milliseconds(0));
        if (events.reload) reloadPending_ = true;
        noteChanges(events);
    }

    void reload() {
        log_.information("reload requested");
        if (options_.reloadSettings) {
            AgentSettings settings = context_.settings;
            if (const auto reloaded = options_.reloadSettings(&settings); !reloaded) {
                log_.error("reload: %s; keeping the configuration in force", reloaded.error);
            } else {
                if (settings.database != context_.settings.database)
                    log_.warning("reload: the database moves to %s only after a restart",
                                 settings.database);
                settings.database = context_.settings.database;
                settings.root = context_.settings.root;
                context_.settings = settings;
                schedule_.setSettle(std::chrono::milliseconds(settings.settleMilliseconds));
                log_.information("configuration reloaded: settle %d ms, policy directory %s",
                                 static_cast<int>(settings.settleMilliseconds),
                                 settings.policyDirectory);
            }
        }
        schedule_.passNow(ServiceSchedule::kSignal);
    }

    void noteChanges(const platform::WatchEvents& events) {
        const auto now = Clock::now();
        if (events.overflow) noteOverflow(events.writing, now);
        for (const auto& path : events.changed) {
            announced_.insert(path);
            const bool source = sourcePaths_.count(path) > 0;
            if (!source) changedTargets_.insert(path);
            schedule(source ? ServiceSchedule::kPolicyChange : ServiceSchedule::kDrift,
                     events.writing, now);
            if (source) changedSources_.insert(path);
            log_.debug("changed: %s%s", path,
                       std::string(events.writing ? " (a write is in progress)" : ""));
        }
    }

    // Events were lost, and any watched path may have changed. The usual cause is the agent's
    // own writes (a first pass, or a policy change, rewrites every profile's file: a few events
    // each, past the kernel's 16,384), so the paths are looked at before a pass is decided: a
    // policy source (never the agent's to write) whose stamp moved since the last pass read it
    // is a policy change; the managed files are compared with what the last pass left
    // (driftedFiles), which its own writes match. Passing at once, as before, ran every such
    // pass twice.
    void noteOverflow(bool writing, Clock::time_point now) {
        log_.warning("the change notification queue overflowed; looking at every watched path");
        overflowed_ = true;
        for (std::size_t i = 0; i < targetsBegin_; ++i) {
            if (unmovedSinceLastPass(i)) continue;
            changedSources_.insert((*watchList_)[i]);
            schedule(ServiceSchedule::kPolicyChange, writing, now);
        }
        schedule(ServiceSchedule::kDrift, writing, now);
    }

    // Complete writes are read at once; the settle time is only for a write in progress.
    void schedule(const char* trigger, bool writing, Clock::time_point now) {
        if (writing)
            schedule_.changed(trigger, now);
        else
            schedule_.completed(trigger, now);
    }

    // The watched path at `index` holds what it held when the last pass read it (by its stamp).
    bool unmovedSinceLastPass(std::size_t index) const {
        return stamps_.size() == watchList_->size() && stamps_[index] != platform::kUnknownStamp &&
               stampOf((*watchList_)[index]) == stamps_[index];
    }

    // A pass over many profiles holds every finding for a moment and fills the store's page
    // cache, and a pass (or a look at the managed files) maps in most of the code; a sleeping
    // service should keep none of them for the hour until the next one.
    void releaseWhatSleepDoesNotNeed() {
        if (store_) store_->releaseCache();
        platform::releaseFreedMemory();
        platform::releaseMappedCode();
    }

    void handleDue(ServiceSchedule::Due due) {
        workedSinceSleep_ = true;
        // Events already queued belong to what this pass reads. One of them may be a write that
        // has just begun: then the settle period runs again and the pass waits for it.
        drainPendingEvents();
        if (const auto still = schedule_.due(Clock::now()))
            due = *still;
        else
            return;
        const auto drifted = driftedFiles();
        if (due.onlyDrift && drifted.empty()) {
            log_.debug("managed files are as the last pass left them; no pass");
            schedule_.dismissed();
            changedSources_.clear();
            changedTargets_.clear();
            overflowed_ = false;
            return;
        }
        std::string described = due.trigger;
        const auto& paths = due.trigger == ServiceSchedule::kPolicyChange ? changedSources_
                            : due.trigger == ServiceSchedule::kDrift      ? drifted
                                                                          : std::set<std::string>{};
        std::string list;
        for (const auto& path : paths) list += (list.empty() ? "" : ", ") + logical(path);
        if (!list.empty()) described += " (" + list + ")";
        changedSources_.clear();
        pass(due.trigger, described);
        if (reloadPending_) {
            reloadPending_ = false;
            reload();
        }
    }

    // The managed files' positions in watchList_, by path, for looking many up at once.
    std::unordered_map<std::string_view, std::size_t> managedIndex() const {
        std::unordered_map<std::string_view, std::size_t> index;
        index.reserve(managed_.size());
        for (std::size_t i = 0; i < managed_.size(); ++i)
            index.emplace((*watchList_)[targetsBegin_ + i], i);
        return index;
    }

    // The state kept for each of `targets` (the next list of managed files): what was kept for
    // the same path in the current list, nothing for a new one.
    std::vector<ManagedFileState> carriedOver(const std::vector<std::string>& targets) const {
        std::vector<ManagedFileState> next(targets.size());
        if (managed_.empty()) return next;
        const auto index = managedIndex();
        for (std::size_t i = 0; i < targets.size(); ++i)
            if (const auto found = index.find(targets[i]); found != index.end())
                next[i] = managed_[found->second];
        return next;
    }

    // The managed files reported changed that differ from what the last pass left (all of them
    // before one).
    std::set<std::string> driftedFiles() const {
        std::set<std::string> drifted;
        // A few changed files (the usual case) are looked up one by one; many at once (every
        // profile touched) through an index, built only then.
        constexpr std::size_t kLinearLookUps = 8;
        std::unordered_map<std::string_view, std::size_t> index;
        if (changedTargets_.size() > kLinearLookUps) index = managedIndex();
        const auto stateOf = [&](const std::string& path) -> const ManagedFileState* {
            if (changedTargets_.size() > kLinearLookUps) {
                const auto found = index.find(path);
                return found == index.end() ? nullptr : &managed_[found->second];
            }
            for (std::size_t i = 0; i < managed_.size(); ++i)
                if ((*watchList_)[targetsBegin_ + i] == path) return &managed_[i];
            return nullptr;
        };
        // Unchanged metadata is an unchanged file, as for a no-op pass (rememberManagedFiles);
        // that also answers for a file too big to digest (/etc/passwd of 100,000 accounts).
        const auto fileDrifted = [](const std::string& path, const ManagedFileState* state) {
            if (!state) return true;
            if (state->stamp != platform::kUnknownStamp &&
                platform::entryStamp(path) == state->stamp)
                return false;
            if (state->digest == kNoDigest) return true;
            const auto now = fingerprint(path);
            return now == kNoDigest || now != state->digest;
        };
        for (const auto& path : changedTargets_) {
            // "DIR/*": an entry came or went under a home root or /run/user (an account
            // arriving); it is no file whose content could be compared.
            if (isEntriesOnly(path) || fileDrifted(path, stateOf(path))) drifted.insert(path);
        }
        if (overflowed_) {
            // Every managed file, as no event says which changed; a "DIR/*" (the agent never
            // adds entries there) against its stamp from before the last pass.
            for (std::size_t i = 0; i < managed_.size(); ++i) {
                const auto& path = (*watchList_)[targetsBegin_ + i];
                const bool moved = isEntriesOnly(path) ? !unmovedSinceLastPass(targetsBegin_ + i)
                                                       : fileDrifted(path, &managed_[i]);
                if (moved) drifted.insert(path);
            }
        }
        return drifted;
    }

    // What the pass left in every managed file; a file whose metadata did not change keeps its
    // digest without being read, so a no-op pass over many profiles reads nothing again.
    void rememberManagedFiles() {
        for (std::size_t i = 0; i < managed_.size(); ++i) {
            const auto& path = (*watchList_)[targetsBegin_ + i];
            auto& state = managed_[i];
            const auto stamp = platform::entryStamp(path);
            if (state.digest != kNoDigest && state.stamp == stamp) continue;
            state = ManagedFileState{stamp, fingerprint(path)};
        }
        changedTargets_.clear();
    }

    void pass(const std::string& trigger, const std::string& described) {
        const auto started = Clock::now();
        armWatches(trigger);
        const auto armed = Clock::now();
        checkUnannounced(trigger);
        log_.debug("before the pass: watches %d ms, stamps %d ms", msSince(started, armed),
                   msSince(armed, Clock::now()));
        if (!store_ || !store_->writable()) {
            // Enforcement never waits for the store: when it cannot be written, the pass runs on
            // a read-only store and queues what it records; every pass tries writing again.
            Status opened;
            // The whole database is checked (PRAGMA quick_check) when the service starts, then
            // once a day (checkIntegrityIfDue below), not before every pass.
            auto writable = ComplianceStore::open(
                context_.settings.database, StoreMode::ReadWrite, *context_.catalog, &opened,
                startRecorded_ ? IntegrityCheck::WhenDue : IntegrityCheck::Full);
            if (writable) {
                store_ = std::move(writable);
            } else {
                if (!store_)
                    store_ = ComplianceStore::open(context_.settings.database, StoreMode::ReadOnly,
                                                   *context_.catalog, nullptr);
                if (!store_) {
                    failed("cannot use the compliance database: " + opened.error);
                    return;
                }
                log_.warning(
                    "the compliance database cannot be written (%s); enforcing anyway, "
                    "and queueing what this pass records",
                    oneLine(opened.error));
            }
        }
        if (store_->writable()) {
            std::string note;
            if (const auto checked = store_->checkIntegrityIfDue(&note); !checked)
                log_.warning("the daily integrity check of the compliance database failed: %s",
                             oneLine(checked.error));
            else if (!note.empty())
                log_.warning(oneLine(note));
        }
        if (store_->writable() && !startRecorded_) {
            startRecorded_ = true;
            for (const auto& note : store_->openNotes()) log_.warning(oneLine(note));
            // The history shows when the service ran (and gaps when it did not).
            auto recorded = store_->noteAgentVersion(kVersion);
            if (recorded)
                recorded = store_->recordEvent(event_kind::kAgentStarted, "",
                                               "pid " + std::to_string(Poco::Process::id()));
            if (!recorded)
                log_.error("the compliance store could not record the start: %s", recorded.error);
        }
        // One pass at a time machine-wide: an `apply` or `revert` in progress finishes first.
        const auto passLock =
            acquirePassLock(context_.settings.database, kPassLockWait, [this](long pid) {
                log_.information("waiting for the pass in progress (process %ld)", pid);
            });
        if (!passLock.lock) {
            failed(passLock.error);
            return;
        }
        context_.now = std::chrono::system_clock::now();
        PassReport report;
        try {
            report = runPass(context_, components_, store_.get(),
                             {trigger, false, [this] { return watcher_.stopRequested(); }});
        } catch (const std::exception& e) {
            failed(std::string("the pass stopped: ") + e.what());
            return;
        }
        ++passes_;
        const auto ran = Clock::now();
        rememberManagedFiles();
        log_.debug("after the pass: managed-file digests %d ms", msSince(ran, Clock::now()));
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        std::size_t changes = 0, failures = 0;
        for (const auto& f : report.findings) {
            changes += isChange(f.outcome) ? 1 : 0;
            failures += f.outcome == Outcome::Failed ? 1 : 0;
            if (isChange(f.outcome))
                log_.information("%s %s: %s", f.target, f.subject,
                                 std::string(toString(f.outcome)));
            else if (f.outcome == Outcome::Failed)
                log_.error("%s %s: failed: %s", f.target, f.subject, oneLine(f.reason));
        }
        for (const auto& issue : report.policy.issues)
            log_.warning("policy: %s", oneLine(issue.describe()));
        for (const auto& note : report.notes) log_.error(oneLine(note));
        // The chain head goes with every pass line so that the journal holds it; a log file of
        // our own is not enough (it sits beside the database), so then it goes to syslog too.
        log_.information(
            "pass %d: trigger %s, verdict %s, %z finding(s), %z changed, %z failed, %d ms; %s",
            passes_, described, std::string(toString(report.verdict)), report.findings.size(),
            changes, failures, static_cast<int>(ms.count()), chainHeadLogLine(*store_));
        if (context_.settings.logDestination.rfind("file:", 0) == 0)
            logChainHeadToSystemLog(*store_);
        if (watcher_.stopRequested()) return;  // stopped early on purpose: no retry
        if (!report.notes.empty() || failures > 0) {
            failed("the pass did not complete cleanly");
            return;
        }
        std::uniform_real_distribution<double> spread(0.0, 1.0);
        schedule_.passSucceeded(Clock::now(),
                                std::chrono::minutes(report.desired.reconcileIntervalMinutes),
                                spread(random_));
    }

    void failed(const std::string& why) {
        schedule_.passFailed(Clock::now());
        const auto delay = schedule_.currentRetryDelay();
        log_.error("%s; retrying in %s", oneLine(why), describeDelay(delay));
    }

    static int msSince(Clock::time_point from, Clock::time_point to) {
        return static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
    }

    static std::string describeDelay(std::chrono::milliseconds delay) {
        if (delay.count() % 1000 == 0) return std::to_string(delay.count() / 1000) + " s";
        return std::to_string(delay.count()) + " ms";
    }

    std::string logical(const std::string& path) const {
        const auto& root = context_.settings.root;
        if (root.empty() || root == "/" || path.compare(0, root.size(), root) != 0) return path;
        const auto rest = path.substr(root.size());
        return rest.empty() || rest.front() != '/' ? "/" + rest : rest;
    }

    AgentContext context_;
    const Components& components_;
    platform::ChangeWatcher& watcher_;
    ServiceOptions options_;
    ServiceSchedule schedule_;
    std::mt19937 random_;
    std::unique_ptr<ComplianceStore> store_;
    bool startRecorded_ = false;  // the start is recorded once the store can be written
    std::set<std::string> sourcePaths_;
    std::set<std::string> changedSources_;  // source paths changed since the last pass
    std::set<std::string> changedTargets_;  // managed files reported changed since then
    // Sources then targets: the list the watcher was given, shared with it (one copy of each
    // path, not two).
    platform::WatchList watchList_ = std::make_shared<const std::vector<std::string>>();
    std::size_t targetsBegin_ = 0;  // where the targets' managed files start in it
    // What the last pass left in each managed file, by its place in watchList_ from
    // targetsBegin_: beside the list rather than keyed by a copy of each path, as there are two
    // per user profile (docs/performance.md, "Where the idle service's memory goes").
    std::vector<ManagedFileState> managed_;
    bool armed_ = false;
    std::size_t reportedUnwatched_ = 0;        // paths without a watch, as last said in the log
    std::vector<platform::PathStamp> stamps_;  // per watchList_ entry, when the last pass read
    std::set<std::string> announced_;          // paths some event reported since then
    bool overflowed_ = false;        // events were lost since then: any path may have changed
    bool reloadPending_ = false;     // a reload request seen while draining events
    bool workedSinceSleep_ = false;  // a pass or a look at the files since waiting
    int unannounced_ = 0;
    int passes_ = 0;
    Poco::Logger& log_ = Poco::Logger::get("service");
};

}  // namespace

WatchedPaths watchedPaths(const AgentContext& context, const Components& components) {
    WatchedPaths out;
    for (const auto& source : components.sources(context))
        for (auto& path : source->watchPaths(context)) out.sources.push_back(std::move(path));
    for (const auto& target : components.targets(context))
        for (auto& path : target->watchPaths(context)) out.targets.push_back(std::move(path));
    out.sources = withoutMereParents(std::move(out.sources));
    out.targets = withoutMereParents(std::move(out.targets));
    return out;
}

int runServiceLoop(AgentContext context, const Components& components,
                   platform::ChangeWatcher& watcher, ServiceOptions options) {
    return ServiceLoop(std::move(context), components, watcher, std::move(options)).run();
}

}  // namespace mpa
