// The Windows Event Log: Application log, source "Metalama Policy Agent". The MSI registers the
// source with the executable as its EventMessageFile (the message table compiled from
// event_messages_win.mc), so Event Viewer renders each id's text around the message. Event ids:
// docs/windows-event-log.md.
#include "platform/system_log.hpp"
#include "platform/win32_support.hpp"

namespace mpa {

bool systemLogMirrorsWarnings() {
    return true;
}

bool writeSystemLog(SystemLogLevel level, const std::string& message, unsigned eventId) {
    const WORD type = level == SystemLogLevel::Error     ? EVENTLOG_ERROR_TYPE
                      : level == SystemLogLevel::Warning ? EVENTLOG_WARNING_TYPE
                                                         : EVENTLOG_INFORMATION_TYPE;
    if (eventId == system_log_event::kByLevel)
        eventId = level == SystemLogLevel::Error     ? 3000
                  : level == SystemLogLevel::Warning ? 2000
                                                     : 1000;
    HANDLE source = ::RegisterEventSourceW(nullptr, L"Metalama Policy Agent");
    if (!source) return false;
    const std::wstring text = platform::win32::widen(message);
    const wchar_t* strings[] = {text.c_str()};
    const bool reported =
        ::ReportEventW(source, type, 0, eventId, nullptr, 1, 0, strings, nullptr) != FALSE;
    ::DeregisterEventSource(source);
    return reported;
}

}  // namespace mpa
