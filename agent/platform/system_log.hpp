#pragma once
// The system log administrators already collect: syslog/journald on Linux and macOS and the
// Windows Event Log (Application log, source "Metalama Policy Agent"). Used for what must be kept
// outside the agent's own files, such as the head of the compliance event chain.
#include <string>

namespace mpa {

enum class SystemLogLevel { Info, Warning, Error };

// Windows Event Log ids (docs/windows-event-log.md); syslog has none and ignores them.
namespace system_log_event {
inline constexpr unsigned kByLevel = 0;  // 1000 information, 2000 warning, 3000 error
inline constexpr unsigned kChainHead = 1100;
// 11xx and 21xx: one per compliance event kind (eventLogIdFor in store/event_message_ids.hpp).
}  // namespace system_log_event

// Whether every warning and error of the agent's log also goes to the system log: on Windows,
// where administrators read the Event Log and the log destination is a console or a file; not
// on Linux and macOS, where the log destination already is syslog or the journal under a
// service manager.
bool systemLogMirrorsWarnings();

// Best effort: the system log never makes a pass fail. False when it is known not to have
// arrived (no syslog socket, the Event Log refused it), so the caller can say so.
bool writeSystemLog(SystemLogLevel level, const std::string& message,
                    unsigned eventId = system_log_event::kByLevel);

}  // namespace mpa
