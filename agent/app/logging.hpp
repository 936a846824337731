#pragma once
// Logging fit for journald and syslog: one event per line, a level, no colours and no
// timestamps of our own on a non-terminal (the journal stamps each line). Under systemd entries
// go to journald over its native protocol, with their level and, for compliance events, fields
// a SIEM filters on (MESSAGE_ID per event kind; docs/logging.md).
#include <string>

#include "util/status.hpp"

namespace mpa {

// level: trace|debug|information|notice|warning|error|critical|fatal|none.
// destination: console (stderr; journald's native protocol when stderr is the journal) |
// syslog | journal | file:<path>. format: text | json (one object per line; not for the
// journal, which has fields of its own). Fails with a message on bad input.
Status configureLogging(const std::string& level, const std::string& destination,
                        const std::string& format);

}  // namespace mpa
