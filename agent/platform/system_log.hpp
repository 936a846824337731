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
}  // namespace system_log_event

// Best effort: the system log never makes a pass fail. False when it is known not to have
// arrived (no syslog socket, the Event Log refused it), so the caller can say so.
bool writeSystemLog(SystemLogLevel level, const std::string& message,
                    unsigned eventId = system_log_event::kByLevel);

}  // namespace mpa
