#include <sys/stat.h>
#include <syslog.h>

#include "platform/system_log.hpp"

namespace mpa {

bool systemLogMirrorsWarnings() {
    return false;
}

bool writeSystemLog(SystemLogLevel level, const std::string& message, unsigned) {
    // syslog(3) drops a message silently when nothing listens: look for the socket first.
    struct stat socketInfo {};
    const bool listening = ::stat(_PATH_LOG, &socketInfo) == 0 && S_ISSOCK(socketInfo.st_mode);
    const int priority = level == SystemLogLevel::Error     ? LOG_ERR
                         : level == SystemLogLevel::Warning ? LOG_WARNING
                                                            : LOG_INFO;
    // LOG_DAEMON: journald and rsyslog file it with the other services.
    openlog("metalama-policy-agent", LOG_PID, LOG_DAEMON);
    syslog(priority, "%s", message.c_str());
    closelog();
    return listening;
}

}  // namespace mpa
