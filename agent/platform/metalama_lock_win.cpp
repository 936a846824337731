// Metalama's named mutexes: opened or created (a Metalama starting later opens ours), waited
// for with one deadline, released and closed on destruction. An abandoned mutex (its holder
// died) is ours, as Metalama itself treats it.
#include "platform/metalama_lock.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {
namespace {

class HeldMutexes final : public MetalamaLock {
  public:
    ~HeldMutexes() override {
        for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
            ::ReleaseMutex(*it);
            ::CloseHandle(*it);
        }
    }
    std::vector<HANDLE> held_;
};

}  // namespace

MetalamaLockResult lockMetalamaDataDirectory(const std::string& dataDirectory,
                                             std::chrono::milliseconds timeout) {
    MetalamaLockResult result;
    auto held = std::make_unique<HeldMutexes>();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // The legacy lock first, in the order Metalama versions that take both would.
    for (const std::string& name :
         {std::string(kMetalamaLegacyMutexName), metalamaDirectoryMutexName(dataDirectory)}) {
        HANDLE mutex = ::CreateMutexW(nullptr, FALSE, win32::widen(name).c_str());
        if (!mutex) {
            result.error = name + ": " + win32::errorText(::GetLastError());
            return result;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const DWORD wait =
            ::WaitForSingleObject(mutex, static_cast<DWORD>(std::max<long long>(0, left.count())));
        if (wait != WAIT_OBJECT_0 && wait != WAIT_ABANDONED) {
            ::CloseHandle(mutex);
            result.busy = wait == WAIT_TIMEOUT;
            result.error = wait == WAIT_TIMEOUT
                               ? name + " is held by another process (a running Metalama)"
                               : name + ": " + win32::errorText(::GetLastError());
            return result;
        }
        held->held_.push_back(mutex);
    }
    result.lock = std::move(held);
    return result;
}

}  // namespace mpa::platform
