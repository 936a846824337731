#include "platform/journal_socket.hpp"

namespace mpa::platform {

// Windows has no journal; its system log is the Event Log (system_log_win.cpp).
bool sendJournalDatagram(const std::string&, std::string_view, std::string* error) {
    *error = "the journal is not available on Windows";
    return false;
}

}  // namespace mpa::platform
