// What wakes the service on Windows, in one WaitForMultipleObjects:
//   - the stop request: Poco's ServerApplication signals its termination event (named
//     "POCOTRM<pid>") when the service control manager sends STOP or SHUTDOWN; Ctrl+C and
//     Ctrl+Break in a console do the same through a console handler;
//   - "registry:HKLM\<key>" paths: RegNotifyChangeKeyValue on the key (subtree, names and
//     values), or on its nearest existing ancestor until the key exists; re-armed after each
//     signal (a notification fires once);
//   - Group Policy refreshes of machine policy (RegisterGPNotification);
//   - file and directory paths: FindFirstChangeNotificationW on the path, or the directory of a
//     file, or the nearest existing ancestor, with the subtree.
// WaitForMultipleObjects takes at most 64 handles, and a terminal server has a few paths for
// each of hundreds of profiles: each watched path's handle is waited on by the system's thread
// pool (RegisterWaitForSingleObject, which spreads the waits over as many wait threads as
// needed), whose callback notes the path and sets one event that wait() waits on beside the
// service's own. A path that cannot be watched is named by shortfall().
// There is no reload signal on Windows; a change of the settings file is a watched path.
#include <Poco/Process.h>
#include <userenv.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#include "platform/change_watcher.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {
namespace {

constexpr const char* kRegistryPrefix = "registry:";

std::atomic<HANDLE> gStopEvent{nullptr};

BOOL WINAPI consoleHandler(DWORD type) {
    if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT || type == CTRL_CLOSE_EVENT) {
        if (HANDLE stop = gStopEvent.load()) ::SetEvent(stop);
        return TRUE;
    }
    return FALSE;
}

struct Watch {
    std::string path;  // as given to watch()
    enum class Kind { Registry, Directory } kind = Kind::Directory;
    HKEY key = nullptr;       // Registry
    HANDLE event = nullptr;   // Registry: our event; Directory: the notification
    std::string registryKey;  // Registry: the key (or ancestor) actually watched
    std::wstring directory;   // Directory: the directory (or ancestor) actually watched
    HANDLE wait = nullptr;    // the thread pool's wait on `event`, once per firing
};

// What the thread pool's callbacks share with wait(): the watches that fired since it last
// looked, and the event that wakes it.
struct Fired {
    std::mutex mutex;
    std::vector<std::size_t> watches;  // places in watches_
    HANDLE event = nullptr;            // auto-reset
};

// A callback's argument: which watch, and where to note it. Its address stays put while the
// wait is registered.
struct WaitContext {
    Fired* fired;
    std::size_t index;
};

VOID CALLBACK onSignalled(PVOID argument, BOOLEAN /*timedOut*/) {
    auto* context = static_cast<WaitContext*>(argument);
    {
        std::lock_guard<std::mutex> lock(context->fired->mutex);
        context->fired->watches.push_back(context->index);
    }
    ::SetEvent(context->fired->event);
}

bool arm(Watch& w) {
    return ::RegNotifyChangeKeyValue(w.key, TRUE,
                                     REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET, w.event,
                                     TRUE) == ERROR_SUCCESS;
}

// Opens "HKLM\SOFTWARE\..." or its nearest existing ancestor for notification.
HKEY openForNotify(const std::string& spec, std::string* watched) {
    std::string rest = spec;
    HKEY hive = HKEY_LOCAL_MACHINE;
    if (rest.rfind("HKLM\\", 0) == 0)
        rest = rest.substr(5);
    else if (rest.rfind("HKU\\", 0) == 0) {
        hive = HKEY_USERS;
        rest = rest.substr(4);
    }
    while (true) {
        HKEY key = nullptr;
        if (::RegOpenKeyExW(hive, win32::widen(rest).c_str(), 0, KEY_NOTIFY | KEY_WOW64_64KEY,
                            &key) == ERROR_SUCCESS) {
            *watched = rest;
            return key;
        }
        const auto slash = rest.find_last_of('\\');
        if (slash == std::string::npos) return nullptr;
        rest = rest.substr(0, slash);
    }
}

// The directory to watch for a path: itself when it is a directory, else the nearest existing
// ancestor (for a file: its directory).
std::wstring directoryFor(const std::string& path) {
    std::wstring native = win32::nativePath(path);
    while (!native.empty()) {
        const DWORD attributes = ::GetFileAttributesW(native.c_str());
        if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY))
            return native;
        const auto slash = native.find_last_of(L'\\');
        if (slash == std::wstring::npos) break;
        native = native.substr(0, slash == 2 ? 3 : slash);
        if (native.size() == 3 && native[1] == L':') {
            return ::GetFileAttributesW(native.c_str()) != INVALID_FILE_ATTRIBUTES ? native : L"";
        }
    }
    return L"";
}

class WindowsChangeWatcher final : public ChangeWatcher {
  public:
    WindowsChangeWatcher(HANDLE stop, HANDLE pocoTerminate, HANDLE groupPolicy, HANDLE fired)
        : stop_(stop), pocoTerminate_(pocoTerminate), groupPolicy_(groupPolicy) {
        fired_->event = fired;
        gStopEvent.store(stop_);
        ::SetConsoleCtrlHandler(consoleHandler, TRUE);
    }
    ~WindowsChangeWatcher() override {
        clear();
        ::CloseHandle(fired_->event);
        ::SetConsoleCtrlHandler(consoleHandler, FALSE);
        gStopEvent.store(nullptr);
        ::UnregisterGPNotification(groupPolicy_);
        ::CloseHandle(groupPolicy_);
        if (pocoTerminate_) ::CloseHandle(pocoTerminate_);
        ::CloseHandle(stop_);
    }

    Status watch(WatchList paths) override {
        clear();
        shortfall_ = {};
        std::string problems;
        for (std::size_t index = 0; index < paths->size(); ++index) {
            const auto& path = (*paths)[index];
            const auto unwatched = [&](const std::string& why) {
                problems += path + ": " + why + "; ";
                shortfall_.unwatched.push_back(static_cast<std::uint32_t>(index));
            };
            Watch w;
            w.path = path;
            if (path.rfind(kRegistryPrefix, 0) == 0) {
                w.kind = Watch::Kind::Registry;
                w.key =
                    openForNotify(path.substr(std::string(kRegistryPrefix).size()), &w.registryKey);
                w.event = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
                if (!w.key || !w.event || !arm(w)) {
                    unwatched("cannot watch the registry key");
                    close(w);
                    continue;
                }
            } else if (!openDirectory(w)) {
                unwatched(win32::errorText(::GetLastError()));
                continue;
            }
            contexts_.push_back(
                std::make_unique<WaitContext>(WaitContext{fired_.get(), watches_.size()}));
            if (!registerWait(w, *contexts_.back())) {
                unwatched("cannot wait for its notification: " +
                          win32::errorText(::GetLastError()));
                contexts_.pop_back();
                close(w);
                continue;
            }
            watches_.push_back(std::move(w));
        }
        if (!shortfall_.unwatched.empty())
            shortfall_.why = "their notifications could not be set up (logged with each path)";
        if (!problems.empty()) return Status::failure(problems);
        return Status::success();
    }

    WatchEvents wait(std::optional<std::chrono::milliseconds> timeout) override {
        WatchEvents events;
        if (stopped_) {
            events.stop = true;
            return events;
        }
        std::vector<HANDLE> handles{stop_, groupPolicy_, fired_->event};
        if (pocoTerminate_) handles.push_back(pocoTerminate_);
        const DWORD ms =
            timeout ? static_cast<DWORD>(std::max<long long>(0, timeout->count())) : INFINITE;
        const DWORD rc =
            ::WaitForMultipleObjects(static_cast<DWORD>(handles.size()), handles.data(), FALSE, ms);
        if (rc < WAIT_OBJECT_0 || rc >= WAIT_OBJECT_0 + handles.size()) return events;
        // Everything already signalled counts, not only the first handle.
        for (std::size_t index = rc - WAIT_OBJECT_0; index < handles.size(); ++index) {
            if (handles[index] == fired_->event) continue;  // its watches are taken below
            if (index != rc - WAIT_OBJECT_0 &&
                ::WaitForSingleObject(handles[index], 0) != WAIT_OBJECT_0)
                continue;
            if (handles[index] == groupPolicy_) {
                for (const auto& w : watches_)
                    if (w.kind == Watch::Kind::Registry) events.changed.push_back(w.path);
            } else {
                stopped_ = true;
                events.stop = true;
            }
        }
        std::vector<std::size_t> fired;
        {
            std::lock_guard<std::mutex> lock(fired_->mutex);
            fired.swap(fired_->watches);
        }
        std::sort(fired.begin(), fired.end());
        fired.erase(std::unique(fired.begin(), fired.end()), fired.end());
        for (const auto index : fired) {
            Watch& w = watches_[index];
            events.changed.push_back(w.path);
            // A registry value is set in one call; a directory notice may be a write in progress.
            if (w.kind == Watch::Kind::Directory) events.writing = true;
            // The wait fired once and is over; the handle may be replaced by the re-arm.
            unregisterWait(w);
            rearm(w);
            if (!registerWait(w, *contexts_[index]))
                shortfall_.unwatched.push_back(static_cast<std::uint32_t>(index));
        }
        return events;
    }

    bool stopRequested() const override {
        if (stopped_) return true;
        if (::WaitForSingleObject(stop_, 0) == WAIT_OBJECT_0 ||
            (pocoTerminate_ && ::WaitForSingleObject(pocoTerminate_, 0) == WAIT_OBJECT_0))
            stopped_ = true;
        return stopped_;
    }

    std::size_t watchCount() const override { return watches_.size(); }
    const WatchShortfall& shortfall() const override { return shortfall_; }

  private:
    // A notification fires once, and a handle stays on the key or directory it was opened on:
    // one that was deleted (Group Policy deletes and recreates its keys on refresh) never fires
    // again, and an ancestor watched until the path existed stays too wide. So every re-arm
    // opens the path again by name, as it is now. The path was just reported changed, so what
    // happened between the signal and the new handle is read by the pass that follows.
    static void rearm(Watch& w) {
        if (w.kind == Watch::Kind::Registry) {
            std::string watched;
            HKEY key = openForNotify(w.path.substr(std::string(kRegistryPrefix).size()), &watched);
            if (key) {
                ::RegCloseKey(w.key);
                w.key = key;
                w.registryKey = watched;
            }
            arm(w);
            return;
        }
        if (directoryFor(w.path) == w.directory &&
            ::GetFileAttributesW(w.directory.c_str()) != INVALID_FILE_ATTRIBUTES) {
            ::FindNextChangeNotification(w.event);
            return;
        }
        HANDLE old = w.event;
        if (openDirectory(w)) {
            ::FindCloseChangeNotification(old);
        } else {
            w.event = old;
            ::FindNextChangeNotification(w.event);
        }
    }

    // The directory to watch for a directory watch, with its subtree.
    static bool openDirectory(Watch& w) {
        const std::wstring dir = directoryFor(w.path);
        const HANDLE handle =
            dir.empty() ? INVALID_HANDLE_VALUE
                        : ::FindFirstChangeNotificationW(
                              dir.c_str(), TRUE,
                              FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |
                                  FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
        if (handle == INVALID_HANDLE_VALUE) return false;
        w.event = handle;
        w.directory = dir;
        return true;
    }

    static void close(Watch& w) {
        if (w.kind == Watch::Kind::Registry) {
            if (w.key) ::RegCloseKey(w.key);
            if (w.event) ::CloseHandle(w.event);
        } else if (w.event && w.event != INVALID_HANDLE_VALUE) {
            ::FindCloseChangeNotification(w.event);
        }
        w.key = nullptr;
        w.event = nullptr;
    }
    static bool registerWait(Watch& w, WaitContext& context) {
        return ::RegisterWaitForSingleObject(&w.wait, w.event, onSignalled, &context, INFINITE,
                                             WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD);
    }
    // Blocks until a callback under way has returned, so that nothing notes a watch being
    // closed or replaced.
    static void unregisterWait(Watch& w) {
        if (w.wait) ::UnregisterWaitEx(w.wait, INVALID_HANDLE_VALUE);
        w.wait = nullptr;
    }

    void clear() {
        for (auto& w : watches_) {
            unregisterWait(w);
            close(w);
        }
        watches_.clear();
        contexts_.clear();
        // No callback runs any more: what fired for the old watches is dropped with them.
        std::lock_guard<std::mutex> lock(fired_->mutex);
        fired_->watches.clear();
        ::ResetEvent(fired_->event);
    }

    HANDLE stop_;
    HANDLE pocoTerminate_;
    HANDLE groupPolicy_;
    std::vector<Watch> watches_;
    std::vector<std::unique_ptr<WaitContext>> contexts_;  // one per watch, in its place
    std::unique_ptr<Fired> fired_ = std::make_unique<Fired>();
    WatchShortfall shortfall_;
    mutable std::atomic<bool> stopped_{false};
};

}  // namespace

// `share`: the notifications hold handles of this process only, a bound no other service
// shares, and the thread pool waits on any number of them; none is applied.
std::unique_ptr<ChangeWatcher> ChangeWatcher::create(Status* status, std::size_t /*share*/) {
    // Manual reset: once asked to stop, every later check sees it.
    HANDLE stop = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    HANDLE groupPolicy = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
    if (!stop || !groupPolicy) {
        *status = Status::failure("cannot create the service's events: " +
                                  win32::errorText(::GetLastError()));
        return nullptr;
    }
    // Best effort: without it, Group Policy refreshes are still seen as registry changes.
    ::RegisterGPNotification(groupPolicy, TRUE);
    // ServerApplication's termination event (service STOP/SHUTDOWN); opening it by name does
    // not take the signal from Poco, which does not wait on it in this program.
    const std::string name = Poco::ProcessImpl::terminationEventName(Poco::Process::id());
    HANDLE terminate = ::CreateEventW(nullptr, FALSE, FALSE, win32::widen(name).c_str());
    HANDLE fired = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
    if (!fired) {
        *status = Status::failure("cannot create the service's events: " +
                                  win32::errorText(::GetLastError()));
        for (HANDLE handle : {stop, groupPolicy, terminate})
            if (handle) ::CloseHandle(handle);
        return nullptr;
    }
    return std::make_unique<WindowsChangeWatcher>(stop, terminate, groupPolicy, fired);
}

}  // namespace mpa::platform
