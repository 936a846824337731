#pragma once
// Metalama's own cross-process locks on a data directory, held while the agent replaces a
// settings file there so it never interleaves with a running Metalama (which writes in place).
// On Windows (../shared/reference/metalama.md): the named mutex "Global\Metalama_" + lower-case
// hex MD5 of the UTF-8 data-directory path, spelled as .NET gives it, with backslashes and the
// profile's own case (Metalama.Backstage's MutexHelper/HashUtilities, 2024.2.21+), and the older
// machine-wide "Global\Metalama.Configuration". Elsewhere Metalama uses no lock the agent can
// take, and locking always succeeds at once.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mpa::platform {

// "Global\Metalama_<md5>" for a data directory given as "C:/Users/bob/AppData/Local/Metalama"
// (the logical path: '/' become '\' before hashing).
std::string metalamaDirectoryMutexName(const std::string& dataDirectory);
inline constexpr const char* kMetalamaLegacyMutexName = "Global\\Metalama.Configuration";

class MetalamaLock {
  public:
    virtual ~MetalamaLock() = default;
};

struct MetalamaLockResult {
    std::unique_ptr<MetalamaLock> lock;  // set when held (released on destruction)
    bool busy = false;                   // another process held it for the whole wait
    std::string error;                   // busy: which lock; otherwise why it could not be taken
};

// Takes both of Metalama's locks for the directory, waiting at most `timeout` in all.
MetalamaLockResult lockMetalamaDataDirectory(const std::string& dataDirectory,
                                             std::chrono::milliseconds timeout);

}  // namespace mpa::platform
