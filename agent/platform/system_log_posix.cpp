#include <syslog.h>

#include "platform/system_log.hpp"

namespace mpa {

bool systemLogMirrorsWarnings() {
    return false;
}

void writeSystemLog(SystemLogLevel level, const std::string& message, unsigned) {
    const int priority = level == SystemLogLevel::Error     ? LOG_ERR
                         : level == SystemLogLevel::Warning ? LOG_WARNING
                                                            : LOG_INFO;
    // LOG_DAEMON: journald and rsyslog file it with the other services.
    openlog("metalama-policy-agent", LOG_PID, LOG_DAEMON);
    syslog(priority, "%s", message.c_str());
    closelog();
}

}  // namespace mpa
