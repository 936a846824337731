// inotify watches and a self-pipe for signals, waited on with one poll().
//
// inotify watches inodes, not names, so every watched path is covered through its directory: a
// file is seen being created, written, renamed into place or removed through its parent's
// watch, and a directory that is replaced or moved away is noticed (IN_DELETE_SELF,
// IN_MOVE_SELF, IN_IGNORED) and the watches are re-armed by name. A path that does not exist
// yet is covered by its nearest existing ancestor until it appears. The signal handler only
// sets a flag and writes a byte to the pipe, so a stop request is also visible to long work in
// progress (stopRequested()).
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "platform/change_watcher.hpp"

namespace mpa::platform {
namespace {

std::atomic<bool> gStopRequested{false};
std::atomic<bool> gReloadRequested{false};
std::atomic<int> gWakeFd{-1};
std::atomic<bool> gWatcherExists{false};

extern "C" void onServiceSignal(int signal) {
    const int savedErrno = errno;
    if (signal == SIGHUP)
        gReloadRequested.store(true);
    else
        gStopRequested.store(true);
    const char byte = 0;
    const int fd = gWakeFd.load();
    if (fd >= 0 && ::write(fd, &byte, 1) < 0) {
        // A full pipe already holds a wake-up; the flags carry the meaning.
    }
    errno = savedErrno;
}

constexpr std::uint32_t kDirectoryEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                           IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF |
                                           IN_MOVE_SELF;
// Bounds for watching directory trees (a Samba GPO cache has a few levels and a few GPOs).
constexpr std::size_t kMaxWatches = 512;
constexpr int kMaxDepth = 8;
// Each round of a re-arm watches what appeared during the previous one; a tree still growing
// after this many rounds is left to the events of the watches already added.
constexpr int kMaxRearmRounds = 16;

std::string parentOf(const std::string& path) {
    if (path.empty() || path == "/") return {};
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {};
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string childOf(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

// `path` is `ancestor` or lies below it.
bool isWithin(const std::string& path, const std::string& ancestor) {
    if (ancestor == "/") return !path.empty() && path.front() == '/';
    return path.size() >= ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
           (path.size() == ancestor.size() || path[ancestor.size()] == '/');
}

// "DIR/*": the directory's own entries only (see change_watcher.hpp); empty for other paths.
std::string shallowDirectory(const std::string& path) {
    if (path.size() < 3 || path.compare(path.size() - 2, 2, "/*") != 0) return {};
    return path.size() == 2 ? "/" : path.substr(0, path.size() - 2);
}

bool isDirectory(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void addTree(const std::string& dir, int depth, std::set<std::string>& out) {
    if (out.size() >= kMaxWatches || !out.insert(dir).second || depth >= kMaxDepth) return;
    DIR* stream = ::opendir(dir.c_str());
    if (!stream) return;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        const auto child = childOf(dir, name);
        const bool directory =
            entry->d_type == DT_DIR || (entry->d_type == DT_UNKNOWN && isDirectory(child));
        if (directory) addTree(child, depth + 1, out);
    }
    ::closedir(stream);
}

class InotifyWatcher final : public ChangeWatcher {
  public:
    InotifyWatcher(int inotifyFd, int pipeRead, int pipeWrite)
        : inotify_(inotifyFd), pipeRead_(pipeRead), pipeWrite_(pipeWrite) {}

    ~InotifyWatcher() override {
        struct sigaction action {};
        action.sa_handler = SIG_DFL;
        for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
        gWakeFd.store(-1);
        ::close(inotify_);
        ::close(pipeRead_);
        ::close(pipeWrite_);
        gWatcherExists.store(false);
    }

    Status watch(const std::vector<std::string>& paths) override {
        paths_ = paths;
        pending_.clear();
        return rearm(false);
    }

    WatchEvents wait(std::optional<std::chrono::milliseconds> timeout) override {
        WatchEvents events;
        if (!gStopRequested.load()) {
            int ms = -1;
            if (timeout) {
                const auto count = timeout->count();
                ms = count <= 0 ? 0 : count > 86400000 ? 86400000 : static_cast<int>(count);
            }
            if (!pending_.empty()) ms = 0;  // found while arming: report without waiting
            pollfd fds[2] = {{inotify_, POLLIN, 0}, {pipeRead_, POLLIN, 0}};
            if (::poll(fds, 2, ms) > 0) {
                if (fds[1].revents & POLLIN) drainPipe();
                if (fds[0].revents & POLLIN) readEvents(events);
            }
            if (!pending_.empty()) {
                events.changed.insert(events.changed.end(), pending_.begin(), pending_.end());
                std::sort(events.changed.begin(), events.changed.end());
                events.changed.erase(std::unique(events.changed.begin(), events.changed.end()),
                                     events.changed.end());
                pending_.clear();
            }
        }
        events.reload = gReloadRequested.exchange(false);
        events.stop = gStopRequested.load();
        return events;
    }

    bool stopRequested() const override { return gStopRequested.load(); }
    std::size_t watchCount() const override { return watches_.size(); }

  private:
    // The directories to watch for every path, as they exist now, each with the paths that
    // need it.
    std::map<std::string, std::vector<std::size_t>> wantedDirectories() const {
        std::map<std::string, std::vector<std::size_t>> wanted;
        for (std::size_t index = 0; index < paths_.size(); ++index) {
            const auto shallow = shallowDirectory(paths_[index]);
            const auto& path = shallow.empty() ? paths_[index] : shallow;
            std::set<std::string> dirs;
            struct stat st {};
            if (::lstat(path.c_str(), &st) == 0) {
                // Its directory sees it replaced, renamed into place or removed.
                if (const auto parent = parentOf(path); !parent.empty()) dirs.insert(parent);
                if (S_ISDIR(st.st_mode) && shallow.empty()) addTree(path, 0, dirs);
                if (S_ISDIR(st.st_mode) && !shallow.empty()) dirs.insert(path);
            } else {
                auto ancestor = parentOf(path);
                while (!ancestor.empty() && !isDirectory(ancestor)) ancestor = parentOf(ancestor);
                if (!ancestor.empty()) dirs.insert(ancestor);
            }
            for (const auto& dir : dirs) wanted[dir].push_back(index);
        }
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
        std::map<std::string, int> armed;  // directory -> watch descriptor, this re-arm
        std::map<std::string, int> previous;
        for (const auto& [wd, dir] : watches_) previous.emplace(dir, wd);
        for (int round = 0; round < kMaxRearmRounds; ++round) {
            bool added = false;
            for (const auto& [dir, users] : wantedDirectories()) {
                if (armed.count(dir)) continue;
                const int wd = ::inotify_add_watch(inotify_, dir.c_str(),
                                                   kDirectoryEvents | IN_ONLYDIR | IN_DONT_FOLLOW);
                if (wd < 0) {
                    // Gone since we looked (a tree being removed): what we looked at is stale,
                    // so look again; the next round watches an ancestor that still exists, and
                    // the paths below are reported. Anything else (the per-user watch limit)
                    // is worth saying.
                    if (errno == ENOENT || errno == ENOTDIR) {
                        added = true;
                        for (const auto index : users) pending_.insert(paths_[index]);
                    } else if (status.ok) {
                        status =
                            Status::failure("cannot watch " + dir + ": " + std::strerror(errno));
                    }
                    continue;
                }
                armed.emplace(dir, wd);
                const auto before = previous.find(dir);
                const bool isNew = before == previous.end() || before->second != wd;
                if (!isNew) continue;
                added = true;
                if (reportNew || round > 0)
                    for (const auto index : users) pending_.insert(paths_[index]);
            }
            if (!added) break;
        }
        std::map<int, std::string> byDescriptor;
        for (const auto& [dir, wd] : armed) byDescriptor[wd] = dir;
        for (const auto& [wd, dir] : watches_)
            if (!byDescriptor.count(wd)) ::inotify_rm_watch(inotify_, wd);
        watches_ = std::move(byDescriptor);
        return status;
    }

    void drainPipe() {
        char buffer[64];
        while (::read(pipeRead_, buffer, sizeof buffer) > 0) {
        }
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
                    rearmNeeded = true;
                    continue;
                }
                const auto found = watches_.find(header.wd);
                if (found == watches_.end()) continue;  // a watch we already dropped
                const std::string dir = found->second;
                const bool self = header.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED);
                if (header.mask & IN_IGNORED) watches_.erase(found);
                const auto subject = self || name.empty() ? dir : childOf(dir, name);
                const bool directoryEntry =
                    (header.mask & IN_ISDIR) &&
                    (header.mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO));
                for (const auto& path : paths_) {
                    const auto shallow = shallowDirectory(path);
                    const bool inside = shallow.empty()
                                            ? isWithin(subject, path)
                                            : subject == shallow || parentOf(subject) == shallow;
                    const bool ancestor = isWithin(shallow.empty() ? path : shallow, subject);
                    if (!inside && !ancestor) continue;
                    changed.insert(path);
                    if (ancestor || self || directoryEntry) rearmNeeded = true;
                }
            }
        }
        if (rearmNeeded) (void)rearm(true);  // failures surface on the next watch() call
        events.changed.assign(changed.begin(), changed.end());
        if (events.overflow) events.changed = paths_;
    }

    int inotify_, pipeRead_, pipeWrite_;
    std::vector<std::string> paths_;
    std::map<int, std::string> watches_;  // watch descriptor -> directory path
    std::set<std::string> pending_;       // paths found changed while arming, not yet reported
};

}  // namespace

std::unique_ptr<ChangeWatcher> ChangeWatcher::create(std::string* error) {
    if (gWatcherExists.exchange(true)) {
        *error = "a change watcher already exists in this process";
        return nullptr;
    }
    const int inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int pipeFds[2] = {-1, -1};
    if (inotifyFd < 0 || ::pipe2(pipeFds, O_NONBLOCK | O_CLOEXEC) != 0) {
        *error = std::string("cannot set up file watching: ") + std::strerror(errno);
        if (inotifyFd >= 0) ::close(inotifyFd);
        gWatcherExists.store(false);
        return nullptr;
    }
    gStopRequested.store(false);
    gReloadRequested.store(false);
    gWakeFd.store(pipeFds[1]);
    struct sigaction action {};
    action.sa_handler = onServiceSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(signal, &action, nullptr);
        sigaddset(&unblock, signal);
    }
    // A parent may have left them blocked; the service must hear them.
    ::sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
    return std::make_unique<InotifyWatcher>(inotifyFd, pipeFds[0], pipeFds[1]);
}

}  // namespace mpa::platform
