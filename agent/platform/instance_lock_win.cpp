// One instance per machine on Windows: a named mutex in the Global namespace, released by the
// system when the holder exits. The lock file path is not used there.
#include <windows.h>

#include "platform/instance_lock.hpp"

namespace mpa::platform {
namespace {

class MutexInstanceLock final : public InstanceLock {
  public:
    explicit MutexInstanceLock(HANDLE mutex) : mutex_(mutex) {}
    ~MutexInstanceLock() override { ::CloseHandle(mutex_); }

  private:
    HANDLE mutex_;
};

}  // namespace

InstanceLock::Outcome InstanceLock::acquire(const std::string&, unsigned) {
    Outcome out;
    HANDLE mutex = ::CreateMutexW(nullptr, TRUE, L"Global\\MetalamaPolicyAgent");
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
