#pragma once
// systemd-journald's native protocol: one datagram per entry on an AF_UNIX socket
// (/run/systemd/journal/socket). The entry's encoding is OS-neutral (app/journal_channel.cpp);
// this only sends the bytes.
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mpa::platform {

inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// A failure with the reason when the datagram could not be sent (no journald, too large, Windows).
Status sendJournalDatagram(const std::string& socketPath, std::string_view entry);

}  // namespace mpa::platform
