#include <cstdio>

#include "platform/random_guid.hpp"
#include "platform/spill_file.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {

// Not the C runtime's tmpfile(): it creates its file in the drive's root and deletes it only at
// a normal exit. "D" opens with FILE_FLAG_DELETE_ON_CLOSE, so Windows removes the file when its
// last handle closes, which a killed process's handles do too; "T" keeps it in the cache; "N"
// keeps it from processes the agent starts.
std::FILE* openSpillFile(const std::string& directory) {
    const auto path = win32::nativePath(directory + "/.pass-findings-" + newRandomGuid());
    return _wfopen(path.c_str(), L"w+bTDN");
}

}  // namespace mpa::platform
