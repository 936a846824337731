// kqueue vnode watches and a self-pipe for signals, waited on with one kevent() (macOS).
//
// kqueue watches open files, not names: every watched node is held open (O_EVTONLY, so a watch
// never keeps a volume from unmounting) and reports writes, attribute changes, renames and
// deletion of that node. A directory's NOTE_WRITE says an entry was added, removed or renamed
// inside it, not which one, so an event on a directory marks every watched path at or below it
// (and the paths it is the nearest existing ancestor of) as changed; the pass that follows reads
// them. What each path needs, as on Linux: its parent directory (replaced, renamed into place,
// removed), the path itself, and for a directory everything below it, files included (kqueue
// sees a write to a file only through the file); a missing path is covered by its nearest
// existing ancestor until it appears. Nodes are re-armed by name after a delete, rename or a
// directory change, and a node added while re-arming is reported changed, so a tree created at
// once is never left unwatched. This is the shape of Chromium's kqueue watcher on Mac.
//
// Not compiled or run on the Linux build machine except by the macOS link check (tests/macos/),
// which compiles it against the BSD kqueue declarations only; see docs/building.md.
#include <fcntl.h>
#include <sys/event.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "platform/change_watcher.hpp"
#include "platform/watch_support.hpp"
#include "util/path_text.hpp"

namespace mpa::platform {
namespace {

using watch::isWithin;

#ifndef O_EVTONLY
#define O_EVTONLY O_RDONLY  // macOS: open for event notification only
#endif

constexpr unsigned kVnodeEvents =
    NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME | NOTE_REVOKE;
// Every node costs a file descriptor; the limit is raised to the hard limit at start.
constexpr std::size_t kMaxWatches = 4096;
constexpr int kMaxDepth = 8;
constexpr int kMaxRearmRounds = 16;

class KqueueWatcher final : public ChangeWatcher {
  public:
    KqueueWatcher(int kq, int pipeRead, int pipeWrite)
        : kq_(kq), pipeRead_(pipeRead), pipeWrite_(pipeWrite) {}

    ~KqueueWatcher() override {
        watch::restoreSignals();
        for (const auto& [fd, path] : nodes_) ::close(fd);
        ::close(kq_);
        ::close(pipeRead_);
        ::close(pipeWrite_);
        watch::releaseWatcher();
    }

    Status watch(WatchList paths) override {
        paths_ = std::move(paths);
        pending_.clear();
        return rearm(false);
    }

    WatchEvents wait(std::optional<std::chrono::milliseconds> timeout) override {
        WatchEvents events;
        if (!watch::stopRequested.load()) {
            timespec ts{};
            timespec* limit = nullptr;
            if (timeout || !pending_.empty()) {
                const auto ms = pending_.empty() ? std::max<long long>(0, timeout->count()) : 0;
                ts.tv_sec = static_cast<time_t>(ms / 1000);
                ts.tv_nsec = static_cast<long>((ms % 1000) * 1000000);
                limit = &ts;
            }
            struct kevent received[64];
            const int n = ::kevent(kq_, nullptr, 0, received, 64, limit);
            std::set<std::string> changed(pending_.begin(), pending_.end());
            pending_.clear();
            bool rearmNeeded = false;
            for (int i = 0; i < n; ++i) {
                const auto& event = received[i];
                if (static_cast<int>(event.ident) == pipeRead_) {
                    watch::drain(pipeRead_);
                    continue;
                }
                const auto node = nodes_.find(static_cast<int>(event.ident));
                if (node == nodes_.end()) continue;  // closed since
                const std::string& subject = node->second;
                const bool gone = event.fflags & (NOTE_DELETE | NOTE_RENAME | NOTE_REVOKE);
                const bool directory = watch::isDirectory(subject);
                for (const auto& path : *paths_) {
                    if (!isWithin(subject, path) && !isWithin(path, subject)) continue;
                    changed.insert(path);
                    if (gone || directory) rearmNeeded = true;
                }
            }
            if (rearmNeeded) {
                (void)rearm(true);  // failures surface on the next watch() call
                changed.insert(pending_.begin(), pending_.end());
                pending_.clear();
            }
            events.changed.assign(changed.begin(), changed.end());
        }
        events.reload = watch::reloadRequested.exchange(false);
        events.stop = watch::stopRequested.load();
        return events;
    }

    bool stopRequested() const override { return watch::stopRequested.load(); }
    std::size_t watchCount() const override { return nodes_.size(); }
    const WatchShortfall& shortfall() const override { return shortfall_; }

  private:
    // The nodes every path needs now, each with the paths that need it.
    std::map<std::string, std::vector<std::size_t>> wantedNodes() const {
        std::map<std::string, std::vector<std::size_t>> wanted;
        for (std::size_t index = 0; index < paths_->size(); ++index) {
            const auto& path = (*paths_)[index];
            std::set<std::string> nodes;
            struct stat st {};
            if (::lstat(path.c_str(), &st) == 0) {
                if (const auto parent = parentOf(path); !parent.empty()) nodes.insert(parent);
                if (S_ISDIR(st.st_mode))
                    watch::addTree(path, 0, kMaxDepth, kMaxWatches, true, nodes);
                else if (S_ISREG(st.st_mode))
                    nodes.insert(path);
            } else {
                auto ancestor = parentOf(path);
                while (!ancestor.empty() && !watch::isDirectory(ancestor))
                    ancestor = parentOf(ancestor);
                if (!ancestor.empty()) nodes.insert(ancestor);
            }
            for (const auto& node : nodes) wanted[node].push_back(index);
        }
        return wanted;
    }

    // Opens and registers the nodes the paths need, closes the others; looks again until a
    // round adds nothing (see the Linux watcher for why).
    Status rearm(bool reportNew) {
        Status status;
        WatchShortfall shortfall;
        shortfall.share = kMaxWatches;
        std::map<std::string, int> armed;  // node path -> fd, kept or opened by this re-arm
        std::map<std::string, int> previous;
        for (const auto& [fd, path] : nodes_) previous.emplace(path, fd);
        for (int round = 0; round < kMaxRearmRounds; ++round) {
            bool added = false;
            const auto wanted = wantedNodes();
            // The nodes of the paths listed first come first (each node's users are in the
            // list's order): past kMaxWatches, the machine's files keep their watches.
            std::vector<const std::pair<const std::string, std::vector<std::size_t>>*> inOrder;
            inOrder.reserve(wanted.size());
            for (const auto& entry : wanted) inOrder.push_back(&entry);
            std::stable_sort(inOrder.begin(), inOrder.end(), [](const auto* a, const auto* b) {
                return a->second.front() < b->second.front();
            });
            for (const auto* entry : inOrder) {
                const auto& [node, users] = *entry;
                if (armed.count(node)) continue;
                if (const auto kept = previous.find(node);
                    kept != previous.end() && sameNode(kept->second, node)) {
                    armed.emplace(node, kept->second);
                    previous.erase(kept);
                    continue;
                }
                if (armed.size() >= kMaxWatches) {
                    for (const auto index : users)
                        shortfall.unwatched.push_back(static_cast<std::uint32_t>(index));
                    continue;
                }
                const int fd = ::open(node.c_str(), O_EVTONLY | O_NOFOLLOW | O_CLOEXEC);
                struct kevent change;
                EV_SET(&change, static_cast<uintptr_t>(fd), EVFILT_VNODE, EV_ADD | EV_CLEAR,
                       kVnodeEvents, 0, nullptr);
                if (fd < 0 || ::kevent(kq_, &change, 1, nullptr, 0, nullptr) != 0) {
                    const int err = errno;
                    if (fd >= 0) ::close(fd);
                    // Gone since we looked: look again; the paths below are reported.
                    if (err == ENOENT || err == ENOTDIR || err == ELOOP) {
                        added = true;
                        for (const auto index : users) pending_.insert((*paths_)[index]);
                    } else {
                        if (status.ok)
                            status =
                                Status::failure("cannot watch " + node + ": " + std::strerror(err));
                        for (const auto index : users)
                            shortfall.unwatched.push_back(static_cast<std::uint32_t>(index));
                    }
                    continue;
                }
                armed.emplace(node, fd);
                added = true;
                if (reportNew || round > 0)
                    for (const auto index : users) pending_.insert((*paths_)[index]);
            }
            if (!added) break;
        }
        for (const auto& [path, fd] : previous) ::close(fd);  // closing removes its kevent
        nodes_.clear();
        for (const auto& [path, fd] : armed) nodes_.emplace(fd, path);
        watch::sortUnwatched(shortfall);
        if (!shortfall.unwatched.empty())
            shortfall.why = "this service holds at most " + std::to_string(kMaxWatches) +
                            " files and directories open to watch them (kqueue)";
        shortfall_ = std::move(shortfall);
        return status;
    }

    // The open node is still what the name points to (not replaced by rename or re-creation).
    static bool sameNode(int fd, const std::string& path) {
        struct stat open {
        }, named{};
        return ::fstat(fd, &open) == 0 && ::lstat(path.c_str(), &named) == 0 &&
               open.st_dev == named.st_dev && open.st_ino == named.st_ino && open.st_nlink > 0;
    }

    int kq_, pipeRead_, pipeWrite_;
    WatchList paths_ = std::make_shared<const std::vector<std::string>>();
    std::map<int, std::string> nodes_;  // fd -> watched node path
    std::set<std::string> pending_;     // paths found changed while arming, not yet reported
    WatchShortfall shortfall_;
};

// Every watched node holds a descriptor; launchd starts daemons with a soft limit of 256.
void raiseDescriptorLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t wanted = kMaxWatches + 256;
    if (limit.rlim_cur >= wanted) return;
    limit.rlim_cur =
        limit.rlim_max == RLIM_INFINITY || limit.rlim_max > wanted ? wanted : limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

bool setFlags(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
           ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

}  // namespace

// `share`: kqueue holds descriptors of this process only, a bound no other service shares;
// none is applied.
std::unique_ptr<ChangeWatcher> ChangeWatcher::create(Status* status, std::size_t /*share*/) {
    if (!watch::claimWatcher()) {
        *status = Status::failure("a change watcher already exists in this process");
        return nullptr;
    }
    raiseDescriptorLimit();
    const int kq = ::kqueue();
    int pipeFds[2] = {-1, -1};
    bool ok = kq >= 0 && ::pipe(pipeFds) == 0 && setFlags(pipeFds[0]) && setFlags(pipeFds[1]);
    if (ok) {
        struct kevent change;
        EV_SET(&change, static_cast<uintptr_t>(pipeFds[0]), EVFILT_READ, EV_ADD, 0, 0, nullptr);
        ok = ::kevent(kq, &change, 1, nullptr, 0, nullptr) == 0;
    }
    if (!ok) {
        *status =
            Status::failure(std::string("cannot set up file watching: ") + std::strerror(errno));
        for (int fd : {kq, pipeFds[0], pipeFds[1]})
            if (fd >= 0) ::close(fd);
        watch::releaseWatcher();
        return nullptr;
    }
    ::fcntl(kq, F_SETFD, FD_CLOEXEC);
    watch::installSignals(pipeFds[1]);
    return std::make_unique<KqueueWatcher>(kq, pipeFds[0], pipeFds[1]);
}

}  // namespace mpa::platform
