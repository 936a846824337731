#include <cstdio>

#include "platform/spill_file.hpp"

namespace mpa::platform {

// The C runtime's temporary file: in the service's temporary directory (LocalSystem's is
// %SystemRoot%\Temp, on disk), removed when closed or when the process ends.
std::FILE* openSpillFile(const std::string&) {
    return std::tmpfile();
}

}  // namespace mpa::platform
