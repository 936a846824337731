#pragma once
// Logging fit for journald and syslog: one event per line, a level, no colours and no
// timestamps of our own on a non-terminal (the journal stamps each line). Under systemd each
// line carries its syslog priority ("<4>...") so that journalctl -p filters by level.
#include <string>

namespace mpa {

// level: trace|debug|information|notice|warning|error|critical|fatal|none.
// destination: console (stderr) | syslog | file:<path>. Returns false with a message on bad input.
bool configureLogging(const std::string& level, const std::string& destination, std::string* error);

}  // namespace mpa
