// systemd sets JOURNAL_STREAM=<device>:<inode> for a service whose output goes to the journal;
// it counts only if standard error is still that stream (not redirected by a wrapper).
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "platform/journal_stream.hpp"

namespace mpa::platform {

bool standardErrorIsJournal() {
    const char* value = std::getenv("JOURNAL_STREAM");
    if (!value) return false;
    unsigned long long device = 0, inode = 0;
    if (std::sscanf(value, "%llu:%llu", &device, &inode) != 2) return false;
    struct stat st {};
    if (::fstat(2, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == device &&
           static_cast<unsigned long long>(st.st_ino) == inode;
}

}  // namespace mpa::platform
