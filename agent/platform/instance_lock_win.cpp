// Locks on Windows: a named mutex in the Global namespace, released by the system when the
// holder exits. Each lock path gets its own mutex (the name carries a hash of the path), so the
// service's one-instance lock and the pass lock it takes for every pass are two locks, as the
// two lock files are on POSIX.
#include <windows.h>

#include <cstdint>
#include <cstdio>

#include "platform/instance_lock.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {
namespace {

// FNV-1a over the path: stable across processes and versions, and a valid object name.
std::wstring mutexNameFor(const std::string& path) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const unsigned char c : path) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return L"Global\\MetalamaPolicyAgent-" + win32::widen(hex);
}

class MutexInstanceLock final : public InstanceLock {
  public:
    explicit MutexInstanceLock(HANDLE mutex) : mutex_(mutex) {}
    ~MutexInstanceLock() override { ::CloseHandle(mutex_); }

  private:
    HANDLE mutex_;
};

}  // namespace

InstanceLock::Outcome InstanceLock::acquire(const std::string& path, unsigned) {
    Outcome out;
    HANDLE mutex = ::CreateMutexW(nullptr, TRUE, mutexNameFor(path).c_str());
    if (!mutex) {
        out.error =
            "cannot create the instance mutex (error " + std::to_string(::GetLastError()) + ")";
        return out;
    }
    if (::GetLastError() == ERROR_ALREADY_EXISTS) {
        ::CloseHandle(mutex);
        out.heldByOther = true;
        return out;
    }
    out.lock = std::make_unique<MutexInstanceLock>(mutex);
    return out;
}

}  // namespace mpa::platform
