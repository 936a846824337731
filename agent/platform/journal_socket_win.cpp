#include "platform/journal_socket.hpp"

namespace mpa::platform {

// Windows has no journal; its system log is the Event Log (system_log_win.cpp).
Status sendJournalDatagram(const std::string&, std::string_view) {
    return Status::failure("the journal is not available on Windows");
}

}  // namespace mpa::platform
