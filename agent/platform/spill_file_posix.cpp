#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/spill_file.hpp"

namespace mpa::platform {

std::FILE* openSpillFile(const std::string& directory) {
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) {
        // Without O_TMPFILE (macOS, some file systems): a private name, removed at once.
        std::string name = directory + "/.pass-findings-XXXXXX";
        fd = mkstemp(name.data());
        if (fd < 0) return nullptr;
        unlink(name.c_str());
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    std::FILE* file = fdopen(fd, "w+b");
    if (!file) close(fd);
    return file;
}

}  // namespace mpa::platform
