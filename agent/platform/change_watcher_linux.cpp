// inotify watches and a self-pipe for signals, waited on with one poll().
//
// inotify watches inodes, not names, so every watched path is covered through its directory: a
// file is seen being created, written, renamed into place or removed through its parent's
// watch, and a directory that is replaced or moved away is noticed (IN_DELETE_SELF,
// IN_MOVE_SELF, IN_IGNORED) and the watches are re-armed by name. A path that does not exist
// yet is covered by its nearest existing ancestor until it appears. The signal handler only
// sets a flag and writes a byte to the pipe, so a stop request is also visible to long work in
// progress (stopRequested()).
//
// Whether a change is complete: a file modified is being written until it is closed
// (IN_CLOSE_WRITE), removed or replaced; a file renamed into place (IN_MOVED_TO) is complete. A
// file created and closed is complete only once renamed: until then it may be the temporary file
// of a write-and-rename, whose rename is the change that counts, so its close is reported as a
// write in progress (the settle time then covers a file created in place). The files in the
// middle of a write are remembered across waits, so wait() can say whether any watched file is
// still being written (WatchEvents::writing) and the service reads at once only when none is.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "platform/change_watcher.hpp"
#include "platform/watch_support.hpp"
#include "util/path_text.hpp"

namespace mpa::platform {
namespace {

using watch::childOf;
using watch::isDirectory;
using watch::isWithin;

constexpr std::uint32_t kDirectoryEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                           IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF |
                                           IN_MOVE_SELF;
// Bounds for watching directory trees (a Samba GPO cache has a few levels and a few GPOs).
constexpr std::size_t kMaxWatches = 512;
constexpr int kMaxDepth = 8;
// Each round of a re-arm watches what appeared during the previous one; a tree still growing
// after this many rounds is left to the events of the watches already added.
constexpr int kMaxRearmRounds = 16;

// The watcher takes at most this fraction (1/N) of the user's inotify watches: the limit is per
// user, and for the service that user is root, whose watches systemd (path units, its own
// configuration), udev and every other root service need too. Taking them all made every other
// root process's watch fail (docs/performance.md, "What watching every profile costs").
constexpr std::size_t kShareOfLimit = 2;

// The inotify watches this process's user may hold: the lower of its user namespace's limit
// and the system's (the first bounds a container, the second every namespace's root).
// 0 when neither can be read.
std::size_t inotifyWatchLimit() {
    std::size_t limit = 0;
    for (const char* file :
         {"/proc/sys/user/max_inotify_watches", "/proc/sys/fs/inotify/max_user_watches"}) {
        const int fd = ::open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        char text[32] = {};
        const auto n = ::read(fd, text, sizeof text - 1);
        ::close(fd);
        if (n <= 0) continue;
        char* end = nullptr;
        const auto value = std::strtoull(text, &end, 10);
        if (end == text || value == 0) continue;
        if (limit == 0 || value < limit) limit = static_cast<std::size_t>(value);
    }
    return limit;
}

// "DIR/*": the directory's own entries only (see change_watcher.hpp); empty for other paths.
std::string shallowDirectory(const std::string& path) {
    if (path.size() < 3 || path.compare(path.size() - 2, 2, "/*") != 0) return {};
    return path.size() == 2 ? "/" : path.substr(0, path.size() - 2);
}

class InotifyWatcher final : public ChangeWatcher {
  public:
    InotifyWatcher(int inotifyFd, int pipeRead, int pipeWrite, std::size_t share)
        : inotify_(inotifyFd), pipeRead_(pipeRead), pipeWrite_(pipeWrite), fixedShare_(share) {}

    ~InotifyWatcher() override {
        watch::restoreSignals();
        ::close(inotify_);
        ::close(pipeRead_);
        ::close(pipeWrite_);
        watch::releaseWatcher();
    }

    Status watch(WatchList paths) override {
        // The watches name their directories by views into the list they were made for: it
        // stays until the new ones replace them.
        const WatchList previous = std::exchange(paths_, std::move(paths));
        pending_.clear();
        for (auto it = writing_.begin(); it != writing_.end();)
            it = watched(it->first) ? std::next(it) : writing_.erase(it);
        for (auto it = closedNew_.begin(); it != closedNew_.end();)
            it = watched(*it) ? std::next(it) : closedNew_.erase(it);
        return rearm(false);
    }

    WatchEvents wait(std::optional<std::chrono::milliseconds> timeout) override {
        WatchEvents events;
        if (!watch::stopRequested.load()) {
            int ms = -1;
            if (timeout) {
                const auto count = timeout->count();
                ms = count <= 0 ? 0 : count > 86400000 ? 86400000 : static_cast<int>(count);
            }
            if (!pending_.empty()) ms = 0;  // found while arming: report without waiting
            pollfd fds[2] = {{inotify_, POLLIN, 0}, {pipeRead_, POLLIN, 0}};
            const int ready = ::poll(fds, 2, ms);
            if (ready > 0) {
                if (fds[1].revents & POLLIN) watch::drain(pipeRead_);
                if (fds[0].revents & POLLIN) readEvents(events);
            } else if (ready == 0 && ms > 0) {
                // Quiet for as long as the caller chose to wait (the settle time): a write still
                // open or a new file not renamed is now taken as complete, as before there was
                // any way to tell.
                writing_.clear();
                closedNew_.clear();
            }
            if (!pending_.empty()) {
                // Found by looking, not by an event: whether a write is over is unknown.
                events.writing = true;
                events.changed.insert(events.changed.end(), pending_.begin(), pending_.end());
                std::sort(events.changed.begin(), events.changed.end());
                events.changed.erase(std::unique(events.changed.begin(), events.changed.end()),
                                     events.changed.end());
                pending_.clear();
            }
        }
        events.writing = events.writing || !writing_.empty() || !closedNew_.empty();
        events.reload = watch::reloadRequested.exchange(false);
        events.stop = watch::stopRequested.load();
        return events;
    }

    bool stopRequested() const override { return watch::stopRequested.load(); }
    std::size_t watchCount() const override { return watches_.size(); }
    const WatchShortfall& shortfall() const override { return shortfall_; }

  private:
    // A watch descriptor and its directory, a view into the watched paths or ownDirectories_.
    using Watch = std::pair<int, std::string_view>;
    // A watch descriptor and the place in the watched paths of a path that needs its directory.
    using WatchUser = std::pair<int, std::uint32_t>;

    static const Watch* findWatch(const std::vector<Watch>& watches, int wd) {
        const auto found =
            std::lower_bound(watches.begin(), watches.end(), wd,
                             [](const Watch& w, int descriptor) { return w.first < descriptor; });
        return found != watches.end() && found->first == wd ? &*found : nullptr;
    }

    bool watched(const std::string& subject) const {
        for (const auto& path : *paths_)
            if (isWithin(subject, path)) return true;
        return false;
    }

    // Keeps writing_ up to date with one event on a watched subject.
    void noteWrite(const std::string& subject, std::uint32_t mask, bool self) {
        const auto forgetWithin = [this](const std::string& dir) {
            for (auto it = writing_.begin(); it != writing_.end();)
                it = isWithin(it->first, dir) ? writing_.erase(it) : std::next(it);
            for (auto it = closedNew_.begin(); it != closedNew_.end();)
                it = isWithin(*it, dir) ? closedNew_.erase(it) : std::next(it);
        };
        if (self) {
            forgetWithin(subject);
        } else if (mask & IN_ISDIR) {
            if (mask & (IN_DELETE | IN_MOVED_FROM)) forgetWithin(subject);
        } else if (mask & IN_CLOSE_WRITE) {
            const auto found = writing_.find(subject);
            if (found != writing_.end() && found->second) closedNew_.insert(subject);
            if (found != writing_.end()) writing_.erase(found);
        } else if (mask & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)) {
            writing_.erase(subject);
            closedNew_.erase(subject);
        } else if (mask & IN_CREATE) {
            writing_[subject] = true;
        } else if (mask & IN_MODIFY) {
            writing_.emplace(subject, false);
        }
    }

    // A directory to watch and a path that needs it. The directory is a view: into the path
    // itself (its directory or nearest existing ancestor is a prefix of it) or, for a directory
    // found below a watched directory, into the strings a re-arm keeps for those. Views, not
    // copies: there are two paths per user profile, and at 100,000 profiles a map of copies was
    // most of the service's peak memory.
    struct Wanted {
        std::string_view dir;
        std::size_t index;
    };

    // The directories to watch for every path, as they exist now, sorted by directory and then
    // by path. Directories below a watched directory tree are added to `trees`.
    std::vector<Wanted> wantedDirectories(std::deque<std::string>& trees) const {
        std::vector<Wanted> wanted;
        wanted.reserve(paths_->size());
        std::set<std::string> below;
        for (std::size_t index = 0; index < paths_->size(); ++index) {
            const std::string& full = (*paths_)[index];
            const auto shallow = shallowDirectory(full);
            const std::string_view path = shallow.empty()
                                              ? std::string_view(full)
                                              : std::string_view(full).substr(0, shallow.size());
            struct stat st {};
            // `full`, or `shallow` (which is `path` with its terminating NUL): no copy a path.
            if (::lstat(shallow.empty() ? full.c_str() : shallow.c_str(), &st) == 0) {
                // Its directory sees it replaced, renamed into place or removed.
                if (const auto parent = parentView(path); !parent.empty())
                    wanted.push_back({parent, index});
                if (S_ISDIR(st.st_mode) && shallow.empty()) {
                    below.clear();
                    watch::addTree(full, 0, kMaxDepth, kMaxWatches, false, below);
                    for (const auto& dir : below)
                        wanted.push_back({dir == path ? path : trees.emplace_back(dir), index});
                }
                if (S_ISDIR(st.st_mode) && !shallow.empty()) wanted.push_back({path, index});
            } else {
                auto ancestor = parentView(path);
                while (!ancestor.empty() && !isDirectory(std::string(ancestor)))
                    ancestor = parentView(ancestor);
                if (!ancestor.empty()) wanted.push_back({ancestor, index});
            }
        }
        std::sort(wanted.begin(), wanted.end(), [](const Wanted& a, const Wanted& b) {
            return a.dir != b.dir ? a.dir < b.dir : a.index < b.index;
        });
        return wanted;
    }

    // Watches what the paths need now. Looking (lstat, readdir) and watching (add_watch) are
    // two steps, so a directory can appear between them with no event ever delivered for it:
    // after adding watches, look again, until a round adds none. Every path that gained a
    // watch after the first round is reported changed, as is every path whose watch is new
    // when `reportNew` (a re-arm after an event): what appeared before its watch existed is
    // then read by the pass that the report causes, and what appears after is an event.
    Status rearm(bool reportNew) {
        Status status;
        WatchShortfall shortfall;
        shortfall.limit = inotifyWatchLimit();
        shortfall.share = fixedShare_ != 0 ? fixedShare_ : shortfall.limit / kShareOfLimit;
        std::deque<std::string> trees;  // what the views of directories in trees refer to
        // directory -> watch descriptor and the first path that needs it, this re-arm
        std::unordered_map<std::string_view, std::pair<int, std::size_t>> armed;
        std::unordered_map<std::string_view, int> previous;
        previous.reserve(watches_.size());
        for (const auto& [wd, dir] : watches_) previous.emplace(dir, wd);
        std::vector<WatchUser> users;  // every path that needed a directory armed, in any round
        for (int round = 0; round < kMaxRearmRounds; ++round) {
            bool added = false;
            const auto wanted = wantedDirectories(trees);
            users.reserve(users.size() + wanted.size());
            // The directory wanted[first, next) needs, for the paths in that range.
            const auto armDirectory = [&](std::size_t first, std::size_t next) {
                const std::string_view dir = wanted[first].dir;
                const auto reportUsers = [&] {
                    for (std::size_t i = first; i < next; ++i)
                        pending_.insert((*paths_)[wanted[i].index]);
                };
                const auto noteUsers = [&](int wd) {
                    for (std::size_t i = first; i < next; ++i)
                        users.emplace_back(wd, static_cast<std::uint32_t>(wanted[i].index));
                };
                const auto leaveUnwatched = [&] {
                    for (std::size_t i = first; i < next; ++i)
                        shortfall.unwatched.push_back(static_cast<std::uint32_t>(wanted[i].index));
                };
                if (const auto already = armed.find(dir); already != armed.end()) {
                    noteUsers(already->second.first);
                    return;
                }
                if (shortfall.share != 0 && armed.size() >= shortfall.share) {
                    leaveUnwatched();
                    return;
                }
                const int wd = ::inotify_add_watch(inotify_, std::string(dir).c_str(),
                                                   kDirectoryEvents | IN_ONLYDIR | IN_DONT_FOLLOW);
                if (wd < 0) {
                    // Gone since we looked (a tree being removed): what we looked at is stale,
                    // so look again; the next round watches an ancestor that still exists, and
                    // the paths below are reported. Anything else (the per-user watch limit,
                    // reached by other processes) is worth saying.
                    if (errno == ENOENT || errno == ENOTDIR) {
                        added = true;
                        reportUsers();
                    } else {
                        if (status.ok)
                            status = Status::failure("cannot watch " + std::string(dir) + ": " +
                                                     std::strerror(errno));
                        leaveUnwatched();
                    }
                    return;
                }
                armed.emplace(dir, std::make_pair(wd, wanted[first].index));
                noteUsers(wd);
                const auto before = previous.find(dir);
                const bool isNew = before == previous.end() || before->second != wd;
                if (!isNew) return;
                added = true;
                if (reportNew || round > 0) reportUsers();
            };
            const auto groupEnd = [&](std::size_t first) {
                std::size_t next = first + 1;
                while (next < wanted.size() && wanted[next].dir == wanted[first].dir) ++next;
                return next;
            };
            if (shortfall.share == 0 || armed.size() + wanted.size() <= shortfall.share) {
                // Every directory fits (a path wants at least one): in the directories' order.
                for (std::size_t first = 0; first < wanted.size(); first = groupEnd(first))
                    armDirectory(first, groupEnd(first));
            } else {
                // Not all may fit: the directories of the paths listed first come first. A
                // group's first entry has its lowest place in the list (sorted by dir, index).
                std::vector<std::size_t> groups;
                for (std::size_t first = 0; first < wanted.size(); first = groupEnd(first))
                    groups.push_back(first);
                std::stable_sort(groups.begin(), groups.end(), [&](std::size_t a, std::size_t b) {
                    return wanted[a].index < wanted[b].index;
                });
                for (const auto first : groups) armDirectory(first, groupEnd(first));
            }
            if (!added) break;
        }
        // In the order of their directories, as the descriptors' names are chosen below.
        std::vector<std::pair<std::string_view, std::pair<int, std::size_t>>> inOrder(armed.begin(),
                                                                                      armed.end());
        armed.clear();
        std::sort(inOrder.begin(), inOrder.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<Watch> byDescriptor;
        byDescriptor.reserve(inOrder.size());
        std::deque<std::string> ownDirectories;
        for (const auto& [dir, armedFor] : inOrder) {
            // Nearly every directory is the start of a path that needs it (the file's own
            // directory, the nearest ancestor that exists): named by a view into that path, not
            // by a copy. A directory below a watched directory is kept in a list of its own.
            const auto& [wd, user] = armedFor;
            const std::string_view path = (*paths_)[user];
            if (path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0)
                byDescriptor.emplace_back(wd, path.substr(0, dir.size()));
            else
                byDescriptor.emplace_back(wd, ownDirectories.emplace_back(dir));
        }
        std::stable_sort(byDescriptor.begin(), byDescriptor.end(),
                         [](const Watch& a, const Watch& b) { return a.first < b.first; });
        // One directory reached by two paths has one descriptor: the last path names it.
        // (unique over the reversed range keeps the last of each run, moved to the end.)
        byDescriptor.erase(
            byDescriptor.begin(),
            std::unique(byDescriptor.rbegin(), byDescriptor.rend(),
                        [](const Watch& a, const Watch& b) { return a.first == b.first; })
                .base());
        for (const auto& [wd, dir] : watches_)
            if (!findWatch(byDescriptor, wd)) ::inotify_rm_watch(inotify_, wd);
        watches_ = std::move(byDescriptor);
        ownDirectories_ = std::move(ownDirectories);
        std::sort(users.begin(), users.end());
        users.erase(std::unique(users.begin(), users.end()), users.end());
        users.shrink_to_fit();
        usersByWatch_ = std::move(users);
        watch::sortUnwatched(shortfall);
        if (!shortfall.unwatched.empty()) {
            // Each path left out wants one directory at most: a limit of twice what is watched
            // and left out gives a share that covers them all.
            shortfall.why =
                "this service takes at most " + std::to_string(shortfall.share) + " of the " +
                std::to_string(shortfall.limit) +
                " inotify watches its user may hold, leaving the rest to the system's other "
                "services. Raise fs.inotify.max_user_watches to at least " +
                std::to_string(2 * (watches_.size() + shortfall.unwatched.size())) +
                " to watch them all (then reload the service)";
        }
        shortfall_ = std::move(shortfall);
        return status;
    }

    void readEvents(WatchEvents& events) {
        std::set<std::string> changed;
        bool rearmNeeded = false;
        alignas(inotify_event) char buffer[16384];
        for (;;) {
            const auto n = ::read(inotify_, buffer, sizeof buffer);
            if (n <= 0) break;
            std::size_t offset = 0;
            while (offset + sizeof(inotify_event) <= static_cast<std::size_t>(n)) {
                inotify_event header;
                std::memcpy(&header, buffer + offset, sizeof header);
                const char* nameStart = buffer + offset + sizeof header;
                const std::string name(nameStart, ::strnlen(nameStart, header.len));
                offset += sizeof header + header.len;
                if (header.mask & IN_Q_OVERFLOW) {
                    events.overflow = true;
                    events.writing = true;  // the closes may be among the lost events
                    writing_.clear();
                    closedNew_.clear();
                    rearmNeeded = true;
                    continue;
                }
                const Watch* found = findWatch(watches_, header.wd);
                if (!found) continue;  // a watch we already dropped
                const std::string dir(found->second);
                const bool self = header.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED);
                if (header.mask & IN_IGNORED)
                    watches_.erase(watches_.begin() + (found - watches_.data()));
                const auto subject = self || name.empty() ? dir : childOf(dir, name);
                const bool directoryEntry =
                    (header.mask & IN_ISDIR) &&
                    (header.mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO));
                bool relevant = false;
                const auto consider = [&](const std::string& path) {
                    const auto shallow = shallowDirectory(path);
                    const bool inside = shallow.empty()
                                            ? isWithin(subject, path)
                                            : subject == shallow || parentOf(subject) == shallow;
                    const bool ancestor = isWithin(shallow.empty() ? path : shallow, subject);
                    if (!inside && !ancestor) return;
                    relevant = true;
                    changed.insert(path);
                    if (ancestor || self || directoryEntry) rearmNeeded = true;
                };
                if (self || (header.mask & IN_ISDIR) != 0) {
                    // A directory itself, or one in the watched directory: it can lie on the
                    // way to any path, so every path is asked.
                    for (const auto& path : *paths_) consider(path);
                } else {
                    // A file in the watched directory concerns only the paths that needed
                    // this directory: the file itself, or a directory tree holding it.
                    const auto from = std::lower_bound(usersByWatch_.begin(), usersByWatch_.end(),
                                                       WatchUser(header.wd, 0));
                    for (auto it = from; it != usersByWatch_.end() && it->first == header.wd; ++it)
                        consider((*paths_)[it->second]);
                }
                if (relevant) noteWrite(subject, header.mask, self);
            }
        }
        if (rearmNeeded) (void)rearm(true);  // failures surface on the next watch() call
        events.changed.assign(changed.begin(), changed.end());
    }

    int inotify_, pipeRead_, pipeWrite_;
    std::size_t fixedShare_;  // 0: a share of the OS limit, read again at each re-arm
    WatchShortfall shortfall_;
    WatchList paths_ = std::make_shared<const std::vector<std::string>>();
    // Watch descriptor and directory path, sorted by descriptor: a vector, not a map, as there
    // are one or two per user profile and a map's node was most of each entry.
    std::vector<Watch> watches_;
    std::deque<std::string> ownDirectories_;  // watched directories that start no watched path
    // Sorted: which paths an event on a file in a watched directory can concern, so that such an
    // event (Metalama writing its other files beside telemetry.json) is matched against those
    // few and not against two paths per user profile.
    std::vector<WatchUser> usersByWatch_;
    std::set<std::string> pending_;        // paths found changed while arming, not yet reported
    std::map<std::string, bool> writing_;  // files written and not closed since: created?
    std::set<std::string> closedNew_;      // files created and closed, not renamed into place yet
};

}  // namespace

std::unique_ptr<ChangeWatcher> ChangeWatcher::create(Status* status, std::size_t share) {
    if (!watch::claimWatcher()) {
        *status = Status::failure("a change watcher already exists in this process");
        return nullptr;
    }
    const int inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int pipeFds[2] = {-1, -1};
    if (inotifyFd < 0 || ::pipe2(pipeFds, O_NONBLOCK | O_CLOEXEC) != 0) {
        *status =
            Status::failure(std::string("cannot set up file watching: ") + std::strerror(errno));
        if (inotifyFd >= 0) ::close(inotifyFd);
        watch::releaseWatcher();
        return nullptr;
    }
    watch::installSignals(pipeFds[1]);
    return std::make_unique<InotifyWatcher>(inotifyFd, pipeFds[0], pipeFds[1], share);
}

}  // namespace mpa::platform
