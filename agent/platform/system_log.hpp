#pragma once
// The system log administrators already collect: syslog/journald on Linux and macOS (the
// Windows Event Log comes with the Windows port). Used for what must be kept outside the
// agent's own files, such as the head of the compliance event chain.
#include <string>

namespace mpa {

enum class SystemLogLevel { Info, Warning, Error };

// Best effort: the system log never makes a pass fail.
void writeSystemLog(SystemLogLevel level, const std::string& message);

}  // namespace mpa
