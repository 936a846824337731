#pragma once
// systemd-journald's native protocol: one datagram per entry on an AF_UNIX socket
// (/run/systemd/journal/socket). The entry's encoding is OS-neutral (app/journal_channel.cpp);
// this only sends the bytes.
#include <string>
#include <string_view>

namespace mpa::platform {

inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// False with the reason when the datagram could not be sent (no journald, too large, Windows).
bool sendJournalDatagram(const std::string& socketPath, std::string_view entry, std::string* error);

}  // namespace mpa::platform
