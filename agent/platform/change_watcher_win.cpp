// Not written yet for Windows: the service there needs registry change notifications
// (RegNotifyChangeKeyValue on the policy key), directory notifications for the managed files,
// and ServerApplication's stop event in one WaitForMultipleObjects. Until then `run` says so
// and exits instead of pretending to watch.
#include "platform/change_watcher.hpp"

namespace mpa::platform {

std::unique_ptr<ChangeWatcher> ChangeWatcher::create(std::string* error) {
    *error = "the service's change watcher is not implemented on Windows yet";
    return nullptr;
}

}  // namespace mpa::platform
