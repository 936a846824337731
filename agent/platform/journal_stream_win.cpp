// No journal on Windows (the service logs to the Event Log there).
#include "platform/journal_stream.hpp"

namespace mpa::platform {

bool standardErrorIsJournal() {
    return false;
}

}  // namespace mpa::platform
