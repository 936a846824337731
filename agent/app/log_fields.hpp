#pragma once
// One log record in the two structured forms the agent writes: a JSON object per line
// (--log-format json) and a journald native-protocol entry (under systemd, or --log-destination
// journal). Both carry the same fields; docs/logging.md documents them as a stable interface.
#include <string>

// Declared only: the callers (the log channels) include Poco's header, the rest of the agent
// never sees it.
namespace Poco {
class Message;
}

namespace mpa {

// {"time":"2026-01-31T12:00:00.123Z","level":"warning","logger":"event","message":"...",
//  "event_kind":"drift repaired","subject":"...","outcome":"...","pass_id":"12",...}: event fields
// (store/event_log.hpp) only when the record has them. No line break inside.
std::string logRecordToJson(const Poco::Message& message);

// KEY=value fields, one per line, values with a line break in journald's binary-safe form:
// MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, METALAMA_LOGGER and, for events, MESSAGE_ID and
// METALAMA_EVENT_KIND, METALAMA_SUBJECT, METALAMA_OUTCOME, METALAMA_DETAILS, METALAMA_PASS_ID,
// METALAMA_EVENT_ID, METALAMA_CHAIN_HEAD.
std::string logRecordToJournalEntry(const Poco::Message& message);

}  // namespace mpa
