#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "platform/watch_support.hpp"

namespace mpa::platform::watch {

std::atomic<bool> stopRequested{false};
std::atomic<bool> reloadRequested{false};

namespace {

std::atomic<int> gWakeFd{-1};
std::atomic<bool> gWatcherExists{false};

extern "C" void onServiceSignal(int signal) {
    const int savedErrno = errno;
    if (signal == SIGHUP)
        reloadRequested.store(true);
    else
        stopRequested.store(true);
    const char byte = 0;
    const int fd = gWakeFd.load();
    if (fd >= 0 && ::write(fd, &byte, 1) < 0) {
        // A full pipe already holds a wake-up; the flags carry the meaning.
    }
    errno = savedErrno;
}

}  // namespace

void sortUnwatched(WatchShortfall& shortfall) {
    auto& unwatched = shortfall.unwatched;
    std::sort(unwatched.begin(), unwatched.end());
    unwatched.erase(std::unique(unwatched.begin(), unwatched.end()), unwatched.end());
}

std::string childOf(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

bool isWithin(const std::string& path, const std::string& ancestor) {
    if (ancestor == "/") return !path.empty() && path.front() == '/';
    return path.size() >= ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
           (path.size() == ancestor.size() || path[ancestor.size()] == '/');
}

bool isDirectory(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void addTree(const std::string& dir, int depth, int maxDepth, std::size_t maxEntries, bool files,
             std::set<std::string>& out) {
    if (out.size() >= maxEntries || !out.insert(dir).second || depth >= maxDepth) return;
    DIR* stream = ::opendir(dir.c_str());
    if (!stream) return;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        const auto child = childOf(dir, name);
        struct stat st {};
        const bool known = entry->d_type != DT_UNKNOWN;
        const bool directory = known ? entry->d_type == DT_DIR : isDirectory(child);
        if (directory) {
            addTree(child, depth + 1, maxDepth, maxEntries, files, out);
        } else if (files && out.size() < maxEntries &&
                   (known ? entry->d_type == DT_REG
                          : ::lstat(child.c_str(), &st) == 0 && S_ISREG(st.st_mode))) {
            out.insert(child);
        }
    }
    ::closedir(stream);
}

bool claimWatcher() {
    return !gWatcherExists.exchange(true);
}

void releaseWatcher() {
    gWatcherExists.store(false);
}

void installSignals(int wakeFd) {
    stopRequested.store(false);
    reloadRequested.store(false);
    gWakeFd.store(wakeFd);
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
}

void restoreSignals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
    gWakeFd.store(-1);
}

void drain(int fd) {
    char buffer[64];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

}  // namespace mpa::platform::watch
